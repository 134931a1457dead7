import nacl from 'tweetnacl';
import { concat, equalBytes, isAllZero, toBase64url } from './bytes';
import { fail } from './errors';

/**
 * The primitives, in one place: tweetnacl for box, secretbox, signing and SHA-512; WebCrypto
 * for HKDF, HMAC and SHA-256. Ed25519 verification prefers WebCrypto (about 100× faster) and
 * falls back to tweetnacl; both paths first reject what they might disagree on.
 */

const subtle = globalThis.crypto.subtle;

export const randomBytes = (n: number): Uint8Array => nacl.randomBytes(n);

/** A new random id (cases, invites, objects, wraps): 16 bytes, base64url, 22 characters. */
export const randomId = (): string => toBase64url(randomBytes(16));
export const sha512 = (data: Uint8Array): Uint8Array => nacl.hash(data);

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
	return new Uint8Array(await subtle.digest('SHA-256', data as BufferSource));
}

export async function hkdf(
	ikm: Uint8Array,
	salt: Uint8Array,
	info: Uint8Array,
	length = 32
): Promise<Uint8Array> {
	const key = await subtle.importKey('raw', ikm as BufferSource, 'HKDF', false, ['deriveBits']);
	const bits = await subtle.deriveBits(
		{ name: 'HKDF', hash: 'SHA-256', salt: salt as BufferSource, info: info as BufferSource },
		key,
		length * 8
	);
	return new Uint8Array(bits);
}

export async function hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
	const k = await subtle.importKey(
		'raw',
		key as BufferSource,
		{ name: 'HMAC', hash: 'SHA-256' },
		false,
		['sign']
	);
	return new Uint8Array(await subtle.sign('HMAC', k, data as BufferSource));
}

export async function verifyHmac(key: Uint8Array, data: Uint8Array, tag: Uint8Array) {
	if (!equalBytes(await hmac(key, data), tag)) fail('bad_mac');
}

// --- secretbox: nonce ‖ ciphertext -------------------------------------------------------

export function seal(key: Uint8Array, message: Uint8Array): Uint8Array {
	const nonce = randomBytes(nacl.secretbox.nonceLength);
	return concat(nonce, nacl.secretbox(message, nonce, key));
}

export function open(key: Uint8Array, sealed: Uint8Array): Uint8Array {
	const n = nacl.secretbox.nonceLength;
	if (sealed.length < n + nacl.secretbox.overheadLength) fail('decrypt_failed');
	const out = nacl.secretbox.open(sealed.subarray(n), sealed.subarray(0, n), key);
	if (!out) fail('decrypt_failed');
	return out;
}

// --- box: authenticated between two X25519 keys, deniable -----------------------------------

const SIGMA = new TextEncoder().encode('expand 32-byte k');
// tweetnacl ships its internals but does not type them.
const lowlevel = (nacl as unknown as { lowlevel: { crypto_core_hsalsa20: Hsalsa20 } }).lowlevel;
type Hsalsa20 = (out: Uint8Array, nonce: Uint8Array, key: Uint8Array, c: Uint8Array) => void;

/** The shared key for `box`; an all-zero X25519 result means a small-order key: refused. */
export function sharedKey(theirBoxPk: Uint8Array, myBoxSk: Uint8Array): Uint8Array {
	if (theirBoxPk.length !== nacl.box.publicKeyLength) fail('bad_length', 'box key');
	const s = nacl.scalarMult(myBoxSk, theirBoxPk);
	if (isAllZero(s)) fail('weak_key');
	// The same derivation as box.before (HSalsa20 of the X25519 output), without a second
	// scalar multiplication.
	const k = new Uint8Array(32);
	lowlevel.crypto_core_hsalsa20(k, new Uint8Array(16), s, SIGMA);
	s.fill(0);
	return k;
}

export function boxSeal(message: Uint8Array, theirBoxPk: Uint8Array, myBoxSk: Uint8Array) {
	const nonce = randomBytes(nacl.box.nonceLength);
	return concat(nonce, nacl.box.after(message, nonce, sharedKey(theirBoxPk, myBoxSk)));
}

export function boxOpen(sealed: Uint8Array, theirBoxPk: Uint8Array, myBoxSk: Uint8Array) {
	const n = nacl.box.nonceLength;
	if (sealed.length < n + nacl.box.overheadLength) fail('decrypt_failed');
	const k = sharedKey(theirBoxPk, myBoxSk);
	const out = nacl.box.open.after(sealed.subarray(n), sealed.subarray(0, n), k);
	k.fill(0);
	if (!out) fail('decrypt_failed');
	return out;
}

// --- Ed25519 ---------------------------------------------------------------------------------

export function sign(message: Uint8Array, signSk: Uint8Array): Uint8Array {
	return nacl.sign.detached(message, signSk);
}

// The group order L, little-endian: a canonical signature has S < L.
const L = [
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
];

function lessThanL(s: Uint8Array): boolean {
	for (let i = 31; i >= 0; i--) {
		if (s[i]! < L[i]!) return true;
		if (s[i]! > L[i]!) return false;
	}
	return false;
}

// Encodings of the points of small order (libsodium's list), compared without the sign bit.
const SMALL_ORDER = [
	'0000000000000000000000000000000000000000000000000000000000000000',
	'0100000000000000000000000000000000000000000000000000000000000000',
	'26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
	'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
	'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
	'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
	'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'
].map((h) => Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16)));

export function isSmallOrder(point: Uint8Array): boolean {
	return SMALL_ORDER.some((bad) => {
		let diff = (point[31]! & 0x7f) ^ bad[31]!;
		for (let i = 0; i < 31; i++) diff |= point[i]! ^ bad[i]!;
		return diff === 0;
	});
}

/** y ≥ p (2^255 − 19) is a non-canonical encoding that some verifiers reduce and others refuse. */
function isCanonicalPoint(point: Uint8Array): boolean {
	if ((point[31]! & 0x7f) !== 0x7f) return true;
	for (let i = 30; i > 0; i--) if (point[i] !== 0xff) return true;
	return point[0]! < 0xed;
}

/** A signing key we would accept: right length, canonical, not of small order. */
export function checkSignKey(signPk: Uint8Array): void {
	if (signPk.length !== 32) fail('bad_length', 'sign key');
	if (!isCanonicalPoint(signPk) || isSmallOrder(signPk)) fail('weak_key');
}

let webCryptoEd25519: boolean | undefined;
const keyCache = new Map<string, CryptoKey>();

async function verifyWithWebCrypto(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array) {
	if (webCryptoEd25519 === false) return null;
	try {
		// A log has a few signers and many entries: import each key once (a bounded cache).
		const id = pk.join();
		let key = keyCache.get(id);
		if (!key) {
			key = await subtle.importKey('raw', pk as BufferSource, { name: 'Ed25519' }, false, [
				'verify'
			]);
			if (keyCache.size >= 256) keyCache.clear();
			keyCache.set(id, key);
		}
		webCryptoEd25519 = true;
		return await subtle.verify('Ed25519', key, sig as BufferSource, msg as BufferSource);
	} catch (e) {
		if (webCryptoEd25519) throw e;
		webCryptoEd25519 = false;
		return null;
	}
}

/**
 * Verifies an Ed25519 signature, refusing non-canonical S, small-order or non-canonical keys
 * and R, so WebCrypto and tweetnacl give every client the same answer. Throws `bad_signature`.
 */
export async function verifySignature(
	signPk: Uint8Array,
	message: Uint8Array,
	signature: Uint8Array,
	options: { forceFallback?: boolean } = {}
): Promise<void> {
	checkSignKey(signPk);
	if (signature.length !== 64) fail('bad_signature');
	const r = signature.subarray(0, 32);
	if (!lessThanL(signature.subarray(32)) || !isCanonicalPoint(r) || isSmallOrder(r)) {
		fail('bad_signature');
	}
	const ok = options.forceFallback ? null : await verifyWithWebCrypto(signPk, message, signature);
	const valid = ok ?? nacl.sign.detached.verify(message, signature, signPk);
	if (!valid) fail('bad_signature');
}
