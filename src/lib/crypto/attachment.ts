import { equalBytes } from './bytes';
import { bin, encode, int, list, tuple, untuple } from './encoding';
import { fail } from './errors';
import { open, seal, sha256 } from './primitives';

/**
 * Large attachments (letters, recordings) in chunks, each `secretbox`ed under the envelope's
 * content key with its own random nonce. The header lists every chunk's hash, and each hash
 * binds the chunk's index and last-chunk flag: reordering, dropping, duplicating, truncating or
 * swapping chunks between attachments all fail closed, and any chunk can be opened on its own
 * (seeking in a recording) as it arrives.
 */
export const CHUNK_SIZE = 64 * 1024;
const MAX_CHUNK_SIZE = 4 * 1024 * 1024;
/** Keeps a header under ~600 KB: 1 GiB at the default chunk size. */
export const MAX_CHUNKS = 16 * 1024;

export type AttachmentInfo = {
	/** Plaintext bytes in all. */
	size: number;
	/** Plaintext bytes per chunk; the last holds the rest. */
	chunkSize: number;
	/** SHA-256 of each sealed chunk with its index and last flag, in order. */
	chunks: Uint8Array[];
};

export function chunkCount(size: number, chunkSize: number): number {
	return Math.max(1, Math.ceil(size / chunkSize));
}

export async function chunkHash(index: number, last: boolean, sealed: Uint8Array) {
	return sha256(encode('attachment/chunk/v1', int(index), int(last ? 1 : 0), bin(sealed)));
}

/**
 * One chunk, sealed on its own: a browser streaming a large file seals and uploads chunk by
 * chunk, keeping only the hashes, and passes the finished `AttachmentInfo` to `sealEnvelope`.
 */
export async function sealChunk(
	contentKey: Uint8Array,
	index: number,
	count: number,
	plain: Uint8Array
): Promise<{ sealed: Uint8Array; hash: Uint8Array }> {
	if (!Number.isSafeInteger(index) || index < 0 || index >= count) fail('bad_encoding', 'index');
	const sealed = seal(contentKey, plain);
	return { sealed, hash: await chunkHash(index, index === count - 1, sealed) };
}

export async function sealAttachment(
	contentKey: Uint8Array,
	data: Uint8Array,
	chunkSize = CHUNK_SIZE
): Promise<{ info: AttachmentInfo; chunks: Uint8Array[] }> {
	checkShape(data.length, chunkSize);
	const count = chunkCount(data.length, chunkSize);
	const chunks: Uint8Array[] = [];
	const hashes: Promise<Uint8Array>[] = [];
	for (let i = 0; i < count; i++) {
		const sealed = seal(contentKey, data.subarray(i * chunkSize, (i + 1) * chunkSize));
		chunks.push(sealed);
		hashes.push(chunkHash(i, i === count - 1, sealed));
	}
	return { info: { size: data.length, chunkSize, chunks: await Promise.all(hashes) }, chunks };
}

/** Opens chunk `index` alone, after checking it is exactly the chunk the header names there. */
export async function openChunk(
	contentKey: Uint8Array,
	info: AttachmentInfo,
	index: number,
	sealed: Uint8Array
): Promise<Uint8Array> {
	const count = info.chunks.length;
	const expected = info.chunks[index];
	if (!Number.isSafeInteger(index) || !expected) fail('body_mismatch', 'no such chunk');
	if (!equalBytes(await chunkHash(index, index === count - 1, sealed), expected)) {
		fail('body_mismatch', 'chunk');
	}
	const plain = open(contentKey, sealed);
	const length = index < count - 1 ? info.chunkSize : info.size - (count - 1) * info.chunkSize;
	if (plain.length !== length) fail('body_mismatch', 'chunk length');
	return plain;
}

export async function openAttachment(
	contentKey: Uint8Array,
	info: AttachmentInfo,
	chunks: readonly Uint8Array[]
): Promise<Uint8Array> {
	if (chunks.length !== info.chunks.length) fail('body_mismatch', 'chunk count');
	const out = new Uint8Array(info.size);
	for (let i = 0; i < chunks.length; i++) {
		out.set(await openChunk(contentKey, info, i, chunks[i]!), i * info.chunkSize);
	}
	return out;
}

/** The header field: size, chunk size, then the chunk hashes. */
export function encodeAttachmentInfo(info: AttachmentInfo): Uint8Array {
	return tuple(int(info.size), int(info.chunkSize), list(info.chunks));
}

export function decodeAttachmentInfo(bytes: Uint8Array): AttachmentInfo {
	const d = untuple(bytes);
	const info = { size: d.int(), chunkSize: d.int(), chunks: d.list() };
	d.end();
	checkShape(info.size, info.chunkSize);
	if (info.chunks.length !== chunkCount(info.size, info.chunkSize)) fail('bad_encoding', 'chunks');
	if (info.chunks.some((h) => h.length !== 32)) fail('bad_length', 'chunk hash');
	return info;
}

function checkShape(size: number, chunkSize: number): void {
	if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
		fail('bad_encoding', 'chunk size');
	}
	if (chunkCount(size, chunkSize) > MAX_CHUNKS) fail('bad_length', 'attachment too large');
}
