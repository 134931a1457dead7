import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bin, decoder, encode, int, list, opt, text, tuple, untuple } from './encoding';
import { toHex } from './bytes';
import { CryptoError } from './errors';

describe('encode', () => {
	it('writes the domain, then each field as a 4-byte big-endian length and its bytes', () => {
		const out = encode('test/v1', text('ab'), int(258), bin(new Uint8Array([9])));
		const expected =
			Buffer.from('circlekeeper/test/v1\0').toString('hex') +
			'00000002' +
			'6162' +
			'00000008' +
			'0000000000000102' +
			'00000001' +
			'09';
		expect(toHex(out)).toBe(expected);
	});

	it('writes lists as a count and framed items, optionals as a presence byte', () => {
		expect(toHex(list([text('a'), text('')]))).toBe('00000002' + '0000000161' + '00000000');
		expect(toHex(opt(null))).toBe('00');
		expect(toHex(opt(text('a')))).toBe('01' + '0000000161');
	});

	it('keeps different field splits apart (no ambiguity)', () => {
		expect(toHex(encode('t/v1', text('ab'), text('c')))).not.toBe(
			toHex(encode('t/v1', text('a'), text('bc')))
		);
		expect(toHex(encode('a/v1'))).not.toBe(toHex(encode('a/v2')));
	});

	it('refuses integers that are not safe, non-negative numbers', () => {
		expect(() => int(-1)).toThrow();
		expect(() => int(2 ** 53)).toThrow();
		expect(() => int(1.5)).toThrow();
	});
});

describe('decoder', () => {
	it('reads back every field kind', () => {
		fc.assert(
			fc.property(
				fc.string(),
				fc.nat(),
				fc.uint8Array({ maxLength: 64 }),
				fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 5 }),
				fc.option(fc.uint8Array({ maxLength: 8 })),
				(s, n, b, items, o) => {
					const bytes = encode('p/v1', text(s), int(n), bin(b), list(items), opt(o));
					const d = decoder('p/v1', bytes);
					expect(d.text()).toBe(s);
					expect(d.int()).toBe(n);
					expect(d.bin()).toEqual(b);
					expect(d.list()).toEqual(items);
					expect(d.opt()).toEqual(o);
					d.end();
				}
			)
		);
	});

	it('reads nested tuples', () => {
		const r = untuple(tuple(text('x'), int(7)));
		expect(r.text()).toBe('x');
		expect(r.int()).toBe(7);
		r.end();
	});

	it('fails closed on another purpose or version, truncation and trailing bytes', () => {
		const bytes = encode('p/v1', text('hello'));
		const code = (f: () => unknown) => {
			try {
				f();
			} catch (e) {
				return e instanceof CryptoError ? e.code : 'other';
			}
			return 'none';
		};
		expect(code(() => decoder('p/v2', bytes).text())).toBe('unknown_version');
		expect(code(() => decoder('p/v1', bytes.slice(0, -1)).text())).toBe('bad_encoding');
		const d = decoder('p/v1', new Uint8Array([...bytes, 0]));
		d.text();
		expect(code(() => d.end())).toBe('bad_encoding');
		expect(code(() => decoder('p/v1', encode('p/v1', bin(new Uint8Array([0xff])))).text())).toBe(
			'bad_encoding'
		);
		expect(code(() => decoder('p/v1', encode('p/v1', bin(new Uint8Array([0xff])))).list())).toBe(
			'bad_encoding'
		);
	});

	it('refuses a list count larger than its bytes could hold', () => {
		const bogus = encode('p/v1', bin(new Uint8Array([0xff, 0xff, 0xff, 0xff])));
		expect(() => decoder('p/v1', bogus).list()).toThrow(CryptoError);
	});
});

describe('decoding views', () => {
	it('reads fields from a view into a larger buffer (a Node Buffer, a subarray)', () => {
		const bytes = encode('p/v1', int(258), list([text('a')]));
		const padded = new Uint8Array(bytes.length + 16);
		padded.set(bytes, 16);
		for (const view of [padded.subarray(16), Buffer.from(bytes)]) {
			const d = decoder('p/v1', view);
			expect(d.int()).toBe(258);
			expect(d.list().map((x) => Array.from(x))).toEqual([[97]]);
			d.end();
		}
	});
});
