import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromBase64url, fromBase64urlStrict, toBase64url } from './bytes';
import { CryptoError } from './errors';

describe('strict base64url', () => {
	it('reads back exactly what was written', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
				expect(fromBase64urlStrict(toBase64url(bytes))).toEqual(bytes);
			})
		);
	});

	it('accepts a string only if it is the one canonical encoding of its bytes', () => {
		fc.assert(
			fc.property(fc.stringMatching(/^[A-Za-z0-9_=+/-]{0,12}$/), (s) => {
				let canonical = false;
				try {
					canonical = toBase64url(fromBase64url(s)) === s;
				} catch {
					canonical = false;
				}
				if (canonical) expect(toBase64url(fromBase64urlStrict(s))).toBe(s);
				else expect(() => fromBase64urlStrict(s)).toThrow(CryptoError);
			})
		);
		// "AB" has unused bits set; "AA" is the canonical form of the same byte.
		expect(() => fromBase64urlStrict('AB')).toThrow(/non-canonical/);
		expect(Array.from(fromBase64urlStrict('AA'))).toEqual([0]);
		expect(() => fromBase64urlStrict('A')).toThrow(CryptoError);
	});
});
