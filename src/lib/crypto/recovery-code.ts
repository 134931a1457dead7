import { fail } from './errors';
import { randomBytes } from './primitives';

/**
 * The recovery code: 160 random bits as 32 Crockford base32 symbols plus Crockford's mod-37
 * check symbol, shown in groups of five. It is the key material for the `recovery` wrap, so it
 * needs no slow hash: guessing 160 bits is out of reach.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CHECK = ALPHABET + '*~$=U';
export const RECOVERY_BYTES = 20;

export function newRecoveryCode(): Uint8Array {
	return randomBytes(RECOVERY_BYTES);
}

function toBigInt(bytes: Uint8Array): bigint {
	let n = 0n;
	for (const b of bytes) n = (n << 8n) | BigInt(b);
	return n;
}

export function formatRecoveryCode(bytes: Uint8Array): string {
	if (bytes.length !== RECOVERY_BYTES) fail('bad_length', 'recovery code');
	const n = toBigInt(bytes);
	let symbols = '';
	for (let i = 31; i >= 0; i--) symbols += ALPHABET[Number((n >> BigInt(i * 5)) & 31n)];
	symbols += CHECK[Number(n % 37n)];
	return symbols.match(/.{1,5}/g)!.join('-');
}

/** Reads a typed code forgivingly (case, spaces, dashes, O/0 and I/L/1) but checks the sum. */
export function parseRecoveryCode(input: string): Uint8Array {
	const cleaned = input
		.toUpperCase()
		.replace(/[\s-]/g, '')
		.replace(/O/g, '0')
		.replace(/[IL]/g, '1');
	if (cleaned.length !== 33) fail('bad_recovery_code', 'length');
	let n = 0n;
	for (const c of cleaned.slice(0, 32)) {
		const v = ALPHABET.indexOf(c);
		if (v < 0) fail('bad_recovery_code', 'symbol');
		n = (n << 5n) | BigInt(v);
	}
	if (CHECK[Number(n % 37n)] !== cleaned[32]) fail('bad_recovery_code', 'check');
	const out = new Uint8Array(RECOVERY_BYTES);
	for (let i = RECOVERY_BYTES - 1; i >= 0; i--) {
		out[i] = Number(n & 0xffn);
		n >>= 8n;
	}
	return out;
}
