import * as v from 'valibot';
import { clientId } from './cases';

/** Letters and recordings up to 200 MB (DESIGN §4; the limit). */
export const ATTACHMENT_MAX_BYTES = 200 * 1024 * 1024;
/**
 * Plaintext bytes per chunk, at most. 256 KiB keeps a sealed chunk under adapter-node's default
 * request body limit (512 KB) and a 200 MB file's header (one hash per chunk) near 30 KB.
 */
export const CHUNK_MAX_BYTES = 256 * 1024;
const CHUNK_MIN_BYTES = 16 * 1024;
/** secretbox: a 24-byte nonce in front, a 16-byte tag. */
export const SEAL_OVERHEAD = 40;

export const newUpload = v.strictObject({
	id: clientId,
	// Any size is parsed so the domain can answer "too large" in words rather than a bare 400.
	size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)),
	chunkSize: v.pipe(
		v.number(),
		v.integer(),
		v.minValue(CHUNK_MIN_BYTES),
		v.maxValue(CHUNK_MAX_BYTES)
	)
});
export type NewUpload = v.InferOutput<typeof newUpload>;
