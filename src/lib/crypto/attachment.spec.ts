import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	chunkHash,
	decodeAttachmentInfo,
	encodeAttachmentInfo,
	MAX_CHUNKS,
	openAttachment,
	openChunk,
	sealAttachment,
	type AttachmentInfo
} from './attachment';
import { equalBytes } from './bytes';
import { codeOf } from './case-log.fixtures';
import { dom, frame, sha256, u64 } from './kat.fixtures';
import { randomBytes } from './primitives';

const key = randomBytes(32);
const data = randomBytes(1000);
const sealed = () => sealAttachment(key, data, 256);

describe('sealAttachment / openAttachment', () => {
	it('round-trips any size, including empty, in chunks of any size', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.uint8Array({ maxLength: 5000 }),
				fc.integer({ min: 1, max: 700 }),
				async (bytes, chunkSize) => {
					const { info, chunks } = await sealAttachment(key, bytes, chunkSize);
					expect(chunks).toHaveLength(Math.max(1, Math.ceil(bytes.length / chunkSize)));
					expect(equalBytes(await openAttachment(key, info, chunks), bytes)).toBe(true);
				}
			),
			{ numRuns: 40 }
		);
	});

	it('round-trips a few hundred KB at the default chunk size', async () => {
		const big = randomBytes(300_000);
		const { info, chunks } = await sealAttachment(key, big);
		expect(chunks).toHaveLength(5);
		expect(equalBytes(await openAttachment(key, info, chunks), big)).toBe(true);
	});

	it('opens any chunk on its own (seeking)', async () => {
		const { info, chunks } = await sealed();
		expect(await openChunk(key, info, 3, chunks[3]!)).toEqual(data.subarray(768));
		expect(await openChunk(key, info, 1, chunks[1]!)).toEqual(data.subarray(256, 512));
		expect(await codeOf(() => openChunk(key, info, 4, chunks[3]!))).toBe('body_mismatch');
		expect(await codeOf(() => openChunk(key, info, -1, chunks[0]!))).toBe('body_mismatch');
	});
});

describe('chunks fail closed', () => {
	it('on a flipped byte in any chunk', async () => {
		const { info, chunks } = await sealed();
		for (const [c, chunk] of chunks.entries()) {
			for (let i = 0; i < chunk.length; i += 7) {
				const bad = chunks.map((x, j) => (j === c ? flip(x, i) : x));
				expect(await codeOf(() => openAttachment(key, info, bad))).toBe('body_mismatch');
			}
		}
	});

	it('when reordered, dropped, truncated, duplicated, extended or swapped in', async () => {
		const { info, chunks } = await sealed();
		const [a, b, c, d] = chunks as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
		const other = (await sealAttachment(key, randomBytes(1000), 256)).chunks;
		const cases = [
			[b, a, c, d],
			[a, c, d],
			[a, b, c],
			[a, b, b, d],
			[a, b, c, d, d],
			[a, b, c, other[3]!],
			[a, other[1]!, c, d]
		];
		for (const bad of cases) {
			expect(await codeOf(() => openAttachment(key, info, bad))).toBe('body_mismatch');
		}
	});

	it('under another key, and when the header lies about the size', async () => {
		const { info, chunks } = await sealed();
		expect(await codeOf(() => openAttachment(randomBytes(32), info, chunks))).toBe(
			'decrypt_failed'
		);
		// The same chunks under a header claiming a shorter last chunk.
		const lying: AttachmentInfo = { ...info, size: 999 };
		expect(await codeOf(() => openAttachment(key, lying, chunks))).toBe('body_mismatch');
	});
});

describe('attachment info in the header', () => {
	it('round-trips, and refuses inconsistent shapes', async () => {
		const { info } = await sealed();
		const bytes = encodeAttachmentInfo(info);
		expect(decodeAttachmentInfo(bytes)).toEqual(info);
		const bad = (i: AttachmentInfo) => codeOf(() => decodeAttachmentInfo(encodeAttachmentInfo(i)));
		expect(await bad({ ...info, size: 2000 })).toBe('bad_encoding');
		expect(await bad({ ...info, chunkSize: 0 })).toBe('bad_encoding');
		expect(await bad({ ...info, chunks: [...info.chunks.slice(0, 3), new Uint8Array(31)] })).toBe(
			'bad_length'
		);
		expect(await bad({ size: MAX_CHUNKS * 2, chunkSize: 1, chunks: [] })).toBe('bad_length');
		expect(await codeOf(() => sealAttachment(key, data, 0))).toBe('bad_encoding');
	});

	it('hashes each chunk with its index and last flag (known answer)', async () => {
		const { info, chunks } = await sealed();
		for (const [i, chunk] of chunks.entries()) {
			const last = i === chunks.length - 1 ? 1 : 0;
			const expected = sha256(
				Buffer.concat([dom('attachment/chunk/v1'), frame(u64(i)), frame(u64(last)), frame(chunk)])
			);
			expect(info.chunks[i]).toEqual(expected);
			expect(await chunkHash(i, !!last, chunk)).toEqual(expected);
		}
	});
});

function flip(b: Uint8Array, i: number): Uint8Array {
	const out = b.slice();
	out[i]! ^= 0x80;
	return out;
}
