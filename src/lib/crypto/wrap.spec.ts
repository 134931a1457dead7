import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from './bytes';
import { CryptoError } from './errors';
import { generateIdentity } from './identity';
import { combineShares, deriveKek, unwrapBundle, wrapBundle, WRAP_KINDS } from './wrap';

function frame(s: string | Uint8Array): Buffer {
	const b = Buffer.from(s);
	const len = Buffer.alloc(4);
	len.writeUInt32BE(b.length);
	return Buffer.concat([len, b]);
}

describe('key wrapping', () => {
	it('derives the KEK as HKDF(ikm, salt, "kek/<kind>/v1" ‖ userId ‖ wrapId)', async () => {
		const ikm = new Uint8Array(32).fill(5);
		const salt = new Uint8Array(32).fill(6);
		const info = Buffer.concat([
			Buffer.from('circlekeeper/kek/prf/v1\0'),
			frame('user-1'),
			frame('cred-1')
		]);
		const expected = Buffer.from(hkdfSync('sha256', ikm, salt, info, 32)).toString('hex');
		expect(toHex(await deriveKek(ikm, salt, 'prf', 'user-1', 'cred-1'))).toBe(expected);
	});

	it('round-trips every kind', async () => {
		const id = generateIdentity('user-1');
		for (const kind of WRAP_KINDS) {
			const ikm = crypto.getRandomValues(new Uint8Array(32));
			const wrap = await wrapBundle(id, ikm, kind, 'w1');
			expect(wrap.kind).toBe(kind);
			expect(await unwrapBundle(wrap, ikm, 'user-1')).toEqual(id);
		}
	});

	it('fails closed with the wrong key, account, id, kind or a flipped byte', async () => {
		const id = generateIdentity('user-1');
		const ikm = new Uint8Array(32).fill(1);
		const wrap = await wrapBundle(id, ikm, 'recovery', 'w1');
		const rejects = (p: Promise<unknown>) => expect(p).rejects.toThrow(CryptoError);
		await rejects(unwrapBundle(wrap, new Uint8Array(32).fill(2), 'user-1'));
		await rejects(unwrapBundle(wrap, ikm, 'user-2'));
		await rejects(unwrapBundle({ ...wrap, wrapId: 'w2' }, ikm, 'user-1'));
		await rejects(unwrapBundle({ ...wrap, kind: 'prf' }, ikm, 'user-1'));
		for (const i of [0, 30, wrap.box.length - 1]) {
			const box = wrap.box.slice();
			box[i]! ^= 1;
			await rejects(unwrapBundle({ ...wrap, box }, ikm, 'user-1'));
		}
		const salt = wrap.salt.slice();
		salt[0]! ^= 1;
		await rejects(unwrapBundle({ ...wrap, salt }, ikm, 'user-1'));
		await rejects(unwrapBundle({ ...wrap, v: 2 as 1 }, ikm, 'user-1'));
	});

	it('combines two shares so neither alone is the key material', () => {
		const a = new Uint8Array(32).fill(1);
		const b = new Uint8Array(32).fill(2);
		const combined = combineShares(a, b);
		expect(toHex(combined)).toBe(
			Buffer.concat([Buffer.from('circlekeeper/shares/v1\0'), frame(a), frame(b)]).toString('hex')
		);
		expect(toHex(combineShares(b, a))).not.toBe(toHex(combined));
		expect(() => combineShares(a, new Uint8Array(16))).toThrow(CryptoError);
	});
});
