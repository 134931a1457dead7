import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CryptoError } from './errors';
import { formatRecoveryCode, newRecoveryCode, parseRecoveryCode } from './recovery-code';

describe('recovery code', () => {
	it('is 160 bits as 32 Crockford symbols and a check symbol, in groups of five', () => {
		const code = formatRecoveryCode(newRecoveryCode());
		expect(code).toMatch(
			/^([0-9A-HJKMNP-TV-Z]{5}-){6}[0-9A-HJKMNP-TV-Z]{2}[0-9A-HJKMNP-TV-Z*~$=U]$/
		);
	});

	it('has known answers', () => {
		expect(formatRecoveryCode(new Uint8Array(20))).toBe('00000-00000-00000-00000-00000-00000-000');
		const ones = new Uint8Array(20).fill(0xff);
		// The check symbol is the whole 160-bit value mod 37, computed here with BigInt.
		const expectedCheck = '0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U'[Number((2n ** 160n - 1n) % 37n)];
		expect(formatRecoveryCode(ones)).toBe('ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZ' + expectedCheck);
	});

	it('reads back what it wrote, forgiving case, spaces and look-alike letters', () => {
		fc.assert(
			fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (bytes) => {
				const code = formatRecoveryCode(bytes);
				expect(parseRecoveryCode(code)).toEqual(bytes);
				const sloppy = code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
				expect(parseRecoveryCode(sloppy)).toEqual(bytes);
			})
		);
	});

	it('catches a mistyped symbol or a wrong length', () => {
		fc.assert(
			fc.property(
				fc.uint8Array({ minLength: 20, maxLength: 20 }),
				fc.nat(31),
				fc.nat(30),
				(bytes, at, shift) => {
					const symbols = formatRecoveryCode(bytes).replace(/-/g, '');
					const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
					const old = alphabet.indexOf(symbols[at]!);
					const typo = alphabet[(old + shift + 1) % 32]!;
					const wrong = symbols.slice(0, at) + typo + symbols.slice(at + 1);
					// A single substituted symbol always changes the value mod 37.
					expect(() => parseRecoveryCode(wrong)).toThrow(CryptoError);
				}
			)
		);
		expect(() => parseRecoveryCode('ABCDE')).toThrow(/bad_recovery_code/);
		expect(() => parseRecoveryCode('UUUUU-00000-00000-00000-00000-00000-000')).toThrow(
			/bad_recovery_code/
		);
	});
});
