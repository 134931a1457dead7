import * as v from 'valibot';
import { ATTACHMENT_MAX_BYTES, CHUNK_BYTES, SEAL_OVERHEAD } from '$lib/attachment-limits';
import { clientId } from './cases';

export { ATTACHMENT_MAX_BYTES, SEAL_OVERHEAD };
/** Plaintext bytes per chunk, at most: what browsers upload. */
export const CHUNK_MAX_BYTES = CHUNK_BYTES;
const CHUNK_MIN_BYTES = 16 * 1024;

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
