import { concat } from './bytes';
import { fail } from './errors';

/**
 * The one encoding for everything that is signed, MACed, hashed or fed to HKDF:
 * `"circlekeeper/<purpose>\0"` and then each field as a 4-byte big-endian length and its bytes.
 * Purposes carry their version (`fp/v1`), so two purposes or versions never collide, and the
 * length prefixes make every encoding unambiguous. JSON is never signed.
 */

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

function putU32(out: Uint8Array, at: number, n: number) {
	out[at] = n >>> 24;
	out[at + 1] = (n >>> 16) & 0xff;
	out[at + 2] = (n >>> 8) & 0xff;
	out[at + 3] = n & 0xff;
}
function u32(n: number): Uint8Array {
	const out = new Uint8Array(4);
	putU32(out, 0, n);
	return out;
}

function frame(value: Uint8Array): Uint8Array {
	return concat(u32(value.length), value);
}

const domains = new Map<string, Uint8Array>();
export function domain(purpose: string): Uint8Array {
	let d = domains.get(purpose);
	if (!d) {
		if (!/^[a-z0-9-]+(\/[a-z0-9-]+)*\/v[0-9]+$/.test(purpose)) throw new Error('bad purpose');
		d = textEncoder.encode(`circlekeeper/${purpose}\0`);
		domains.set(purpose, d);
	}
	return d.slice();
}

export function encode(purpose: string, ...fields: Uint8Array[]): Uint8Array {
	const d = domains.get(purpose) ?? domain(purpose);
	let length = d.length;
	for (const f of fields) length += 4 + f.length;
	const out = new Uint8Array(length);
	out.set(d, 0);
	let at = d.length;
	for (const f of fields) {
		putU32(out, at, f.length);
		out.set(f, at + 4);
		at += 4 + f.length;
	}
	return out;
}

// Field values. Each is framed by `encode`, so they are plain bytes here.
export const text = (s: string): Uint8Array => textEncoder.encode(s);
export const bin = (b: Uint8Array): Uint8Array => b;

/** Integers are 8-byte big-endian; times are milliseconds. */
export function int(n: number): Uint8Array {
	if (!Number.isSafeInteger(n) || n < 0) throw new Error('int out of range');
	const out = new Uint8Array(8);
	putU32(out, 0, Math.floor(n / 0x100000000));
	putU32(out, 4, n >>> 0);
	return out;
}

export function list(items: Uint8Array[]): Uint8Array {
	return concat(u32(items.length), ...items.map(frame));
}

export function opt(value: Uint8Array | null | undefined): Uint8Array {
	return value == null ? new Uint8Array([0]) : concat(new Uint8Array([1]), frame(value));
}

/** A record inside a field (a list item with several parts): framed fields, no domain. */
export function tuple(...values: Uint8Array[]): Uint8Array {
	return concat(...values.map(frame));
}

/** Reads a `tuple`; call `end()` when done. */
export function untuple(bytes: Uint8Array) {
	return fields(bytes);
}

/**
 * Reads back what `encode` wrote. Every read checks bounds and the caller must call `end()`,
 * so trailing or missing bytes fail closed with `bad_encoding`.
 */
export function decoder(purpose: string, bytes: Uint8Array) {
	const prefix = domain(purpose);
	if (bytes.length < prefix.length) fail('bad_encoding', 'short');
	for (let i = 0; i < prefix.length; i++) {
		if (bytes[i] !== prefix[i]) fail('unknown_version', purpose);
	}
	return fields(bytes.subarray(prefix.length));
}

function fields(bytes: Uint8Array) {
	let offset = 0;
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

	function take(length: number): Uint8Array {
		if (offset + length > bytes.length) fail('bad_encoding', 'truncated');
		const out = bytes.slice(offset, offset + length);
		offset += length;
		return out;
	}
	function field(): Uint8Array {
		if (offset + 4 > bytes.length) fail('bad_encoding', 'truncated');
		const length = view.getUint32(offset);
		offset += 4;
		return take(length);
	}

	return {
		bin: field,
		bytes(length: number): Uint8Array {
			const b = field();
			if (b.length !== length) fail('bad_length');
			return b;
		},
		text(): string {
			try {
				return textDecoder.decode(field());
			} catch {
				return fail('bad_encoding', 'utf-8');
			}
		},
		int(): number {
			const b = field();
			if (b.length !== 8) fail('bad_encoding', 'int');
			const n = new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0);
			if (n > BigInt(Number.MAX_SAFE_INTEGER)) fail('bad_encoding', 'int');
			return Number(n);
		},
		list(): Uint8Array[] {
			const b = field();
			if (b.length < 4) fail('bad_encoding', 'list');
			const count = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0);
			// Each item takes at least its 4-byte length, so a huge count cannot allocate much.
			if (count > (b.length - 4) / 4) fail('bad_encoding', 'list');
			const inner = fields(b.subarray(4));
			const items: Uint8Array[] = [];
			for (let i = 0; i < count; i++) items.push(inner.bin());
			inner.end();
			return items;
		},
		opt(): Uint8Array | null {
			const b = field();
			if (b.length === 1 && b[0] === 0) return null;
			if (b[0] !== 1) fail('bad_encoding', 'optional');
			const inner = fields(b.subarray(1));
			const value = inner.bin();
			inner.end();
			return value;
		},
		end(): void {
			if (offset !== bytes.length) fail('bad_encoding', 'trailing bytes');
		}
	};
}
