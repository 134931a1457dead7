import nacl from 'tweetnacl';
import { equalBytes, expectLength, fromBase64url, toBase64url, wipe } from './bytes';
import { bin, decoder, encode, int, text } from './encoding';
import { fail } from './errors';
import { checkSignKey, sha512 } from './primitives';

/**
 * A person's encryption identity: a box key pair (X25519) to receive wraps and a sign key pair
 * (Ed25519) for log entries and agreement signatures. The secret halves form the key bundle,
 * which only ever leaves the browser wrapped.
 */
export type Identity = {
	userId: string;
	keyVersion: number;
	boxPk: Uint8Array;
	boxSk: Uint8Array;
	signPk: Uint8Array;
	/** tweetnacl's 64-byte form: seed ‖ public key. */
	signSk: Uint8Array;
};

export type PublicIdentity = {
	userId: string;
	keyVersion: number;
	boxPk: Uint8Array;
	signPk: Uint8Array;
};

export function generateIdentity(userId: string, keyVersion = 1): Identity {
	const box = nacl.box.keyPair();
	const sign = nacl.sign.keyPair();
	return {
		userId,
		keyVersion,
		boxPk: box.publicKey,
		boxSk: box.secretKey,
		signPk: sign.publicKey,
		signSk: sign.secretKey
	};
}

/** fp = SHA-512("circlekeeper/fp/v1\0" ‖ signPk ‖ boxPk)[0..32]: names both keys at once. */
export function fingerprint(signPk: Uint8Array, boxPk: Uint8Array): Uint8Array {
	return sha512(encode('fp/v1', bin(signPk), bin(boxPk))).slice(0, 32);
}

export type PublicKeysJson = { keyVersion: number; boxPk: string; signPk: string };

/**
 * Public keys as the server's directory sends them. Trust them only after checking them against
 * a fingerprint the log or a pin binds (checkPublicIdentity).
 */
export function publicFromJson(userId: string, keys: PublicKeysJson): PublicIdentity {
	return {
		userId,
		keyVersion: keys.keyVersion,
		boxPk: fromBase64url(keys.boxPk),
		signPk: fromBase64url(keys.signPk)
	};
}

export function publicToJson(pub: PublicIdentity): PublicKeysJson {
	return {
		keyVersion: pub.keyVersion,
		boxPk: toBase64url(pub.boxPk),
		signPk: toBase64url(pub.signPk)
	};
}

export function publicOf(identity: Identity): PublicIdentity {
	const { userId, keyVersion, boxPk, signPk } = identity;
	return { userId, keyVersion, boxPk, signPk };
}

/** Checks published keys before anyone encrypts to them; optionally against a pinned fp. */
export function checkPublicIdentity(pub: PublicIdentity, pinnedFp?: Uint8Array): Uint8Array {
	expectLength(pub.boxPk, 32, 'box key');
	checkSignKey(pub.signPk);
	const fp = fingerprint(pub.signPk, pub.boxPk);
	if (pinnedFp && !equalBytes(fp, pinnedFp)) fail('fingerprint_mismatch');
	return fp;
}

export function encodeBundle(id: Identity): Uint8Array {
	return encode(
		'key-bundle/v1',
		text(id.userId),
		int(id.keyVersion),
		bin(id.boxPk),
		bin(id.boxSk),
		bin(id.signPk),
		bin(id.signSk)
	);
}

/** Decodes a bundle and proves its halves belong together, so a corrupt one never half-works. */
export function decodeBundle(bytes: Uint8Array, expectedUserId: string): Identity {
	const d = decoder('key-bundle/v1', bytes);
	const id: Identity = {
		userId: d.text(),
		keyVersion: d.int(),
		boxPk: d.bytes(32),
		boxSk: d.bytes(32),
		signPk: d.bytes(32),
		signSk: d.bytes(64)
	};
	d.end();
	if (id.userId !== expectedUserId) fail('bad_encoding', 'bundle is for another account');
	const box = nacl.box.keyPair.fromSecretKey(id.boxSk);
	const sign = nacl.sign.keyPair.fromSecretKey(id.signSk);
	const derivedSign = nacl.sign.keyPair.fromSeed(id.signSk.slice(0, 32));
	if (
		!equalBytes(box.publicKey, id.boxPk) ||
		!equalBytes(sign.publicKey, id.signPk) ||
		!equalBytes(derivedSign.publicKey, id.signPk)
	) {
		fail('bad_encoding', 'bundle keys do not match');
	}
	return id;
}

/** Zeroes the secret halves; call on sign-out, quick exit and expiry. */
export function wipeIdentity(id: Identity | null | undefined): void {
	if (id) wipe(id.boxSk, id.signSk);
}
