import { createHash, createHmac, hkdfSync } from 'node:crypto';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes';
import { CryptoError } from './errors';
import {
	randomId,
	boxOpen,
	boxSeal,
	hkdf,
	hmac,
	open,
	seal,
	sha256,
	sharedKey,
	sign,
	verifyHmac,
	verifySignature
} from './primitives';

async function code(f: () => unknown): Promise<string> {
	try {
		await f();
	} catch (e) {
		return e instanceof CryptoError ? e.code : 'other';
	}
	return 'none';
}

// RFC 8032, section 7.1, test 1.
const RFC_PK = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
const RFC_SIG = fromHex(
	'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'
);
const RFC_SEED = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function addL(sig: Uint8Array): Uint8Array {
	let s = 0n;
	for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
	s += L;
	const out = sig.slice();
	for (let i = 0; i < 32; i++) {
		out[32 + i] = Number(s & 0xffn);
		s >>= 8n;
	}
	return out;
}

describe('derivations match independent implementations', () => {
	it('HKDF-SHA-256 and HMAC-SHA-256 agree with node:crypto', async () => {
		const ikm = new Uint8Array(32).fill(7);
		const salt = new Uint8Array(32).fill(1);
		const info = new TextEncoder().encode('info');
		const expected = new Uint8Array(hkdfSync('sha256', ikm, salt, info, 32));
		expect(toHex(await hkdf(ikm, salt, info))).toBe(toHex(expected));
		const mac = createHmac('sha256', Buffer.from(ikm)).update(info).digest('hex');
		expect(toHex(await hmac(ikm, info))).toBe(mac);
		await verifyHmac(ikm, info, fromHex(mac));
		expect(await code(() => verifyHmac(ikm, info, new Uint8Array(32)))).toBe('bad_mac');
		expect(toHex(await sha256(info))).toBe(createHash('sha256').update(info).digest('hex'));
	});

	it('the box shared key is exactly tweetnacl box.before', () => {
		const a = nacl.box.keyPair.fromSecretKey(new Uint8Array(32).fill(3));
		const b = nacl.box.keyPair.fromSecretKey(new Uint8Array(32).fill(4));
		expect(toHex(sharedKey(b.publicKey, a.secretKey))).toBe(
			toHex(nacl.box.before(b.publicKey, a.secretKey))
		);
	});
});

describe('secretbox and box', () => {
	it('round-trips and fails closed on any flipped byte', () => {
		const key = new Uint8Array(32).fill(9);
		const sealed = seal(key, new Uint8Array([1, 2, 3]));
		expect(Array.from(open(key, sealed))).toEqual([1, 2, 3]);
		for (let i = 0; i < sealed.length; i++) {
			const bad = sealed.slice();
			bad[i]! ^= 1;
			expect(() => open(key, bad)).toThrow(CryptoError);
		}
	});

	it('box opens only for the right pair', () => {
		const a = nacl.box.keyPair();
		const b = nacl.box.keyPair();
		const c = nacl.box.keyPair();
		const sealed = boxSeal(new Uint8Array([5]), b.publicKey, a.secretKey);
		expect(Array.from(boxOpen(sealed, a.publicKey, b.secretKey))).toEqual([5]);
		expect(() => boxOpen(sealed, a.publicKey, c.secretKey)).toThrow(CryptoError);
	});

	it('refuses an all-zero shared secret from a small-order key', async () => {
		const me = nacl.box.keyPair();
		expect(await code(() => sharedKey(new Uint8Array(32), me.secretKey))).toBe('weak_key');
		const one = new Uint8Array(32);
		one[0] = 1;
		expect(await code(() => boxSeal(new Uint8Array(1), one, me.secretKey))).toBe('weak_key');
	});
});

describe('verifySignature', () => {
	for (const forceFallback of [false, true]) {
		const path = forceFallback ? 'tweetnacl' : 'WebCrypto';
		it(`accepts the RFC 8032 vector and our own signatures (${path})`, async () => {
			await verifySignature(RFC_PK, new Uint8Array(0), RFC_SIG, { forceFallback });
			const kp = nacl.sign.keyPair.fromSeed(RFC_SEED);
			expect(toHex(kp.publicKey)).toBe(toHex(RFC_PK));
			expect(toHex(sign(new Uint8Array(0), kp.secretKey))).toBe(toHex(RFC_SIG));
			const msg = new TextEncoder().encode('a message');
			await verifySignature(kp.publicKey, msg, sign(msg, kp.secretKey), { forceFallback });
		});

		it(`refuses flipped bytes, non-canonical S and small-order keys (${path})`, async () => {
			const check = (pk: Uint8Array, msg: Uint8Array, sig: Uint8Array) =>
				code(() => verifySignature(pk, msg, sig, { forceFallback }));
			expect(await check(RFC_PK, new Uint8Array([0]), RFC_SIG)).toBe('bad_signature');
			for (const i of [0, 31, 32, 63]) {
				const bad = RFC_SIG.slice();
				bad[i]! ^= 1;
				expect(await check(RFC_PK, new Uint8Array(0), bad)).toBe('bad_signature');
			}
			// S + L verifies under a lax verifier; every client must refuse it.
			expect(await check(RFC_PK, new Uint8Array(0), addL(RFC_SIG))).toBe('bad_signature');
			// The identity key with R = identity and S = 0 "signs" every message for tweetnacl.
			const identity = new Uint8Array(32);
			identity[0] = 1;
			const forged = new Uint8Array(64);
			forged[0] = 1;
			const msg = new TextEncoder().encode('anything');
			expect(nacl.sign.detached.verify(msg, forged, identity)).toBe(true);
			expect(await check(identity, msg, forged)).toBe('weak_key');
			expect(await check(new Uint8Array(32), msg, forged)).toBe('weak_key');
			expect(await check(RFC_PK, new Uint8Array(0), RFC_SIG.slice(0, 63))).toBe('bad_signature');
		});
	}
});

describe('randomId', () => {
	it('is 16 random bytes as 22 base64url characters', () => {
		const ids = new Set(Array.from({ length: 100 }, () => randomId()));
		expect(ids.size).toBe(100);
		for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
	});
});
