import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { fail } from './errors';

export function concat(...parts: Uint8Array[]): Uint8Array {
	let length = 0;
	for (const p of parts) length += p.length;
	const out = new Uint8Array(length);
	let offset = 0;
	for (const p of parts) {
		out.set(p, offset);
		offset += p.length;
	}
	return out;
}

/** Compares in time that depends only on the length, so a MAC check leaks nothing. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
	return diff === 0;
}

export function isAllZero(b: Uint8Array): boolean {
	let acc = 0;
	for (const x of b) acc |= x;
	return acc === 0;
}

export function wipe(...arrays: (Uint8Array | null | undefined)[]): void {
	for (const a of arrays) a?.fill(0);
}

export function toBase64url(b: Uint8Array): string {
	return encodeBase64urlNoPadding(b);
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) DECODE[B64URL.charCodeAt(i)] = i;

/** Unpadded base64url, canonical only (unused trailing bits zero), in one pass. */
export function fromBase64urlStrict(s: string): Uint8Array {
	const n = s.length;
	if (n % 4 === 1) fail('bad_encoding', 'base64url');
	const out = new Uint8Array(Math.floor((n * 3) / 4));
	let buf = 0;
	let bits = 0;
	let o = 0;
	for (let i = 0; i < n; i++) {
		const c = s.charCodeAt(i);
		const v = c < 128 ? DECODE[c]! : -1;
		if (v < 0) fail('bad_encoding', 'base64url');
		buf = ((buf << 6) | v) & 0xfff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (buf >> bits) & 0xff;
		}
	}
	if (buf & ((1 << bits) - 1)) fail('bad_encoding', 'non-canonical base64url');
	return out;
}

export function fromBase64url(s: string): Uint8Array {
	if (!/^[A-Za-z0-9_-]*$/.test(s)) fail('bad_encoding', 'base64url');
	try {
		return decodeBase64urlIgnorePadding(s);
	} catch {
		return fail('bad_encoding', 'base64url');
	}
}

export function toHex(b: Uint8Array): string {
	return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export function fromHex(s: string): Uint8Array {
	if (!/^(?:[0-9a-f]{2})*$/.test(s)) fail('bad_encoding', 'hex');
	const out = new Uint8Array(s.length / 2);
	for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
	return out;
}

export function expectLength(b: Uint8Array, length: number, what: string): Uint8Array {
	if (b.length !== length) fail('bad_length', what);
	return b;
}
