import { bin, encode, text } from './encoding';
import { fail } from './errors';
import { decodeBundle, encodeBundle, type Identity } from './identity';
import { hkdf, open, randomBytes, seal } from './primitives';
import { fromBase64url, toBase64url, wipe } from './bytes';

/**
 * The key bundle at rest: `secretbox` under KEK = HKDF(ikm, salt, "kek/<kind>/v1" ‖ userId ‖
 * wrapId). The ikm is a passkey's PRF output, a recovery code, the two halves of a session or
 * device share, or an add-device secret — never anything the server holds alone.
 */
export const WRAP_KINDS = ['prf', 'recovery', 'session', 'device', 'handover'] as const;
export type WrapKind = (typeof WRAP_KINDS)[number];

export type BundleWrap = {
	v: 1;
	kind: WrapKind;
	/** Names this wrap: the credential id for `prf`, a random id otherwise. */
	wrapId: string;
	salt: Uint8Array;
	/** nonce ‖ secretbox(encoded bundle) */
	box: Uint8Array;
};

export async function deriveKek(
	ikm: Uint8Array,
	salt: Uint8Array,
	kind: WrapKind,
	userId: string,
	wrapId: string
): Promise<Uint8Array> {
	if (ikm.length < 16) fail('bad_length', 'key material');
	const info = encode(`kek/${kind}/v1`, text(userId), text(wrapId));
	return hkdf(ikm, salt, info);
}

export async function wrapBundle(
	identity: Identity,
	ikm: Uint8Array,
	kind: WrapKind,
	wrapId: string
): Promise<BundleWrap> {
	const salt = randomBytes(32);
	const kek = await deriveKek(ikm, salt, kind, identity.userId, wrapId);
	const plain = encodeBundle(identity);
	const box = seal(kek, plain);
	wipe(kek, plain);
	return { v: 1, kind, wrapId, salt, box };
}

export async function unwrapBundle(
	wrap: BundleWrap,
	ikm: Uint8Array,
	userId: string
): Promise<Identity> {
	if (wrap.v !== 1) fail('unknown_version', 'wrap');
	if (wrap.salt.length !== 32) fail('bad_length', 'salt');
	const kek = await deriveKek(ikm, wrap.salt, wrap.kind, userId, wrap.wrapId);
	let plain: Uint8Array | undefined;
	try {
		plain = open(kek, wrap.box);
		return decodeBundle(plain, userId);
	} finally {
		wipe(kek, plain);
	}
}

/** Two shares, neither enough alone, combined into one ikm (browser share ‖ server share). */
export function combineShares(browserShare: Uint8Array, serverShare: Uint8Array): Uint8Array {
	if (browserShare.length !== 32 || serverShare.length !== 32) fail('bad_length', 'share');
	return encode('shares/v1', bin(browserShare), bin(serverShare));
}

/** The wire form: base64url strings, as the server stores them. */
export type BundleWrapJson = { v: 1; kind: WrapKind; wrapId: string; salt: string; box: string };

export function wrapToJson(wrap: BundleWrap): BundleWrapJson {
	return { ...wrap, salt: toBase64url(wrap.salt), box: toBase64url(wrap.box) };
}

export function wrapFromJson(json: BundleWrapJson): BundleWrap {
	if (json.v !== 1) fail('unknown_version', 'wrap');
	if (!(WRAP_KINDS as readonly string[]).includes(json.kind)) fail('bad_encoding', 'wrap kind');
	return { ...json, salt: fromBase64url(json.salt), box: fromBase64url(json.box) };
}
