import { createHash } from 'node:crypto';

/**
 * DESIGN §4's encoding written out again with Buffer, so known-answer specs do not trust
 * encoding.ts: the domain, then each field as a 4-byte big-endian length and its bytes.
 * Decode results as `new Uint8Array(...)`: encoding.ts reads ints through `.buffer`, which a
 * Node Buffer shares with its pool.
 */
export const u32 = (n: number) => {
	const b = Buffer.alloc(4);
	b.writeUInt32BE(n);
	return b;
};
export const u64 = (n: number) => {
	const b = Buffer.alloc(8);
	b.writeBigUInt64BE(BigInt(n));
	return b;
};
export const frame = (b: Uint8Array) => Buffer.concat([u32(b.length), b]);
export const str = (s: string) => Buffer.from(s, 'utf8');
export const some = (b: Uint8Array) => Buffer.concat([Buffer.from([1]), frame(b)]);
export const none = Buffer.from([0]);
export const dom = (purpose: string) => Buffer.from(`circlekeeper/${purpose}\0`);
export const listOf = (items: Uint8Array[]) =>
	Buffer.concat([u32(items.length), ...items.map(frame)]);
export const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
