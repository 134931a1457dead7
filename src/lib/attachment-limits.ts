/**
 * File limits the browser and the server share, so the message a person reads before
 * uploading and the server's refusal say the same thing.
 */

/** Letters and recordings up to 200 MB (the limit), in the units a computer shows. */
export const ATTACHMENT_MAX_BYTES = 200 * 1024 * 1024;

/**
 * Plaintext bytes per uploaded chunk. 256 KiB keeps a sealed chunk under adapter-node's default
 * request body limit (512 KB) and a 200 MB file's header (one hash per chunk) near 30 KB.
 */
export const CHUNK_BYTES = 256 * 1024;

/** What `secretbox` adds to each chunk: a 24-byte nonce in front and a 16-byte tag. */
export const SEAL_OVERHEAD = 40;
