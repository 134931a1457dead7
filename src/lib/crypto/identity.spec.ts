import { createHash } from 'node:crypto';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { toHex } from './bytes';
import { CryptoError } from './errors';
import {
	checkPublicIdentity,
	decodeBundle,
	encodeBundle,
	fingerprint,
	generateIdentity,
	publicFromJson,
	publicOf,
	publicToJson,
	wipeIdentity,
	type Identity
} from './identity';

function fixedIdentity(): Identity {
	const sign = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(1));
	const box = nacl.box.keyPair.fromSecretKey(new Uint8Array(32).fill(2));
	return {
		userId: 'user-1',
		keyVersion: 1,
		boxPk: box.publicKey,
		boxSk: box.secretKey,
		signPk: sign.publicKey,
		signSk: sign.secretKey
	};
}

function frame(b: Uint8Array): Buffer {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(b.length);
	return Buffer.concat([len, Buffer.from(b)]);
}

describe('fingerprint', () => {
	it('is SHA-512 over the domain and both framed keys, cut to 32 bytes', () => {
		const id = fixedIdentity();
		const expected = createHash('sha512')
			.update('circlekeeper/fp/v1\0')
			.update(frame(id.signPk))
			.update(frame(id.boxPk))
			.digest()
			.subarray(0, 32);
		expect(toHex(fingerprint(id.signPk, id.boxPk))).toBe(expected.toString('hex'));
	});

	it('changes when either key changes', () => {
		const a = generateIdentity('u');
		const b = generateIdentity('u');
		const fp = toHex(fingerprint(a.signPk, a.boxPk));
		expect(toHex(fingerprint(b.signPk, a.boxPk))).not.toBe(fp);
		expect(toHex(fingerprint(a.signPk, b.boxPk))).not.toBe(fp);
	});
});

describe('checkPublicIdentity', () => {
	it('accepts real keys and refuses a pinned fingerprint that differs', () => {
		const a = generateIdentity('u');
		const fp = checkPublicIdentity(publicOf(a));
		expect(checkPublicIdentity(publicOf(a), fp)).toEqual(fp);
		const other = generateIdentity('u');
		expect(() => checkPublicIdentity(publicOf(other), fp)).toThrow(CryptoError);
	});

	it('refuses small-order signing keys and wrong lengths', () => {
		const a = publicOf(generateIdentity('u'));
		expect(() => checkPublicIdentity({ ...a, signPk: new Uint8Array(32) })).toThrow(/weak_key/);
		expect(() => checkPublicIdentity({ ...a, boxPk: new Uint8Array(31) })).toThrow(/bad_length/);
	});
});

describe('key bundle', () => {
	it('round-trips and wipes', () => {
		const id = generateIdentity('user-1', 3);
		const back = decodeBundle(encodeBundle(id), 'user-1');
		expect(back).toEqual(id);
		wipeIdentity(back);
		expect(back.boxSk.every((x) => x === 0)).toBe(true);
		expect(back.signSk.every((x) => x === 0)).toBe(true);
	});

	it('refuses a bundle for another account or with mismatched halves', () => {
		const id = fixedIdentity();
		expect(() => decodeBundle(encodeBundle(id), 'user-2')).toThrow(CryptoError);
		const other = generateIdentity('user-1');
		const mixed = { ...id, boxSk: other.boxSk };
		expect(() => decodeBundle(encodeBundle(mixed), 'user-1')).toThrow(/do not match/);
		const mixedSign = { ...id, signPk: other.signPk };
		expect(() => decodeBundle(encodeBundle(mixedSign), 'user-1')).toThrow(/do not match/);
	});

	it('has a stable encoding (regression vector)', () => {
		const hash = createHash('sha256').update(encodeBundle(fixedIdentity())).digest('hex');
		expect(hash).toMatchInlineSnapshot(
			`"53de598bff07d397a4a3dde6223693a08c376e93a3d19fd3a7ccc00a879ac77a"`
		);
	});
});

describe('public keys as JSON', () => {
	it('round-trips and stays checkable against the fingerprint', () => {
		const id = generateIdentity('user-1', 3);
		const json = publicToJson(id);
		expect(json.boxPk).toMatch(/^[A-Za-z0-9_-]{43}$/);
		const back = publicFromJson('user-1', json);
		expect(back).toEqual(publicOf(id));
		expect(checkPublicIdentity(back, fingerprint(id.signPk, id.boxPk))).toEqual(
			fingerprint(id.signPk, id.boxPk)
		);
	});
});
