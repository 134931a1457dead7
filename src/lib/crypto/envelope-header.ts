import { decodeAttachmentInfo, encodeAttachmentInfo, type AttachmentInfo } from './attachment';
import { equalBytes } from './bytes';
import { bin, decoder, encode, int, opt, text, tuple, untuple } from './encoding';
import { fail } from './errors';
import { sha256 } from './primitives';
import { kindScope, needsSubject, singleAuthor } from './reader-rules';

/**
 * An envelope's header: everything a reader checks before trusting the body. It is stored in
 * the clear (the server knows this much anyway, DESIGN §5) and bound to the content key by
 * each reader's wrap, which carries its hash.
 */
export type EnvelopeHeader = {
	v: 1;
	kind: string;
	/** null: personal scope (personal state, private notebook), no case and no log. */
	caseId: string | null;
	objectId: string;
	/** 1-based. */
	version: number;
	/** headerHash of the previous version; null for version 1. */
	prev: Uint8Array | null;
	author: { userId: string; fp: Uint8Array };
	/** The participant a person-scoped kind is about (a conversation's participant). */
	subject: string | null;
	/** The author's validated log head when writing; null in personal scope. */
	logSeq: number | null;
	/** See `bodyHash`. */
	bodyHash: Uint8Array;
	createdAt: number;
	/** A tombstone: the body is empty and the server deletes earlier versions' bodies and wraps. */
	deleted: boolean;
	attachment: AttachmentInfo | null;
};

const HEADER = 'envelope/header/v1';
const MAX_ID = 256;

export function encodeHeader(h: EnvelopeHeader): Uint8Array {
	return encode(
		HEADER,
		text(h.kind),
		opt(h.caseId === null ? null : text(h.caseId)),
		text(h.objectId),
		int(h.version),
		opt(h.prev),
		tuple(text(h.author.userId), bin(h.author.fp)),
		opt(h.subject === null ? null : text(h.subject)),
		opt(h.logSeq === null ? null : int(h.logSeq)),
		bin(h.bodyHash),
		int(h.createdAt),
		int(h.deleted ? 1 : 0),
		opt(h.attachment && encodeAttachmentInfo(h.attachment))
	);
}

/** Decodes and checks a header as stored; only a canonical encoding is accepted. */
export function decodeHeader(bytes: Uint8Array): EnvelopeHeader {
	const d = decoder(HEADER, bytes);
	const kind = d.text();
	const caseId = d.opt();
	const objectId = d.text();
	const version = d.int();
	const prev = d.opt();
	const author = untuple(d.bin());
	const authorRef = { userId: author.text(), fp: author.bytes(32) };
	author.end();
	const subject = d.opt();
	const logSeq = d.opt();
	const bodyHash = d.bytes(32);
	const createdAt = d.int();
	const deleted = d.int();
	const attachment = d.opt();
	d.end();
	const h: EnvelopeHeader = {
		v: 1,
		kind,
		caseId: optText(caseId),
		objectId,
		version,
		prev,
		author: authorRef,
		subject: optText(subject),
		logSeq: optInt(logSeq),
		bodyHash,
		createdAt,
		deleted: deleted === 1,
		attachment: attachment && decodeAttachmentInfo(attachment)
	};
	if (deleted > 1) fail('bad_encoding', 'deleted');
	checkHeader(h);
	if (!equalBytes(encodeHeader(h), bytes)) fail('bad_encoding', 'not canonical');
	return h;
}

/** What every header must satisfy, whoever made it: known kind, scope, ids, version chain. */
export function checkHeader(h: EnvelopeHeader): void {
	const scope = kindScope(h.kind);
	// A kind this code does not know comes from a newer format: never guess its readers.
	if (!scope) fail('unknown_version', 'kind');
	for (const id of [h.objectId, h.author.userId, h.caseId ?? 'x', h.subject ?? 'x']) {
		if (id.length === 0 || id.length > MAX_ID) fail('bad_encoding', 'id');
	}
	if ((scope === 'personal') !== (h.caseId === null)) fail('bad_encoding', 'scope');
	if ((h.caseId === null) !== (h.logSeq === null)) fail('bad_encoding', 'log seq');
	if (needsSubject(h.kind) !== (h.subject !== null)) fail('bad_encoding', 'subject');
	if (h.version < 1 || (h.version === 1) !== (h.prev === null)) fail('bad_encoding', 'version');
	if (h.prev && h.prev.length !== 32) fail('bad_length', 'prev');
	if (h.deleted && h.attachment) fail('bad_encoding', 'tombstone with attachment');
}

// `opt()` hands back the raw field: frame it again to read it with the decoder's own checks.
export const optText = (b: Uint8Array | null) => b && untuple(tuple(b)).text();
export const optInt = (b: Uint8Array | null) => b && untuple(tuple(b)).int();

export async function headerHash(headerBytes: Uint8Array): Promise<Uint8Array> {
	return sha256(headerBytes);
}

/**
 * SHA-256 over the content key and the sealed body. Over the ciphertext, so the clear header
 * cannot confirm a guessed answer; over the key, so every reader of a header gets the same
 * plaintext (secretbox alone is not key-committing: one ciphertext can open under two keys).
 */
export async function bodyHash(contentKey: Uint8Array, sealedBody: Uint8Array) {
	return sha256(encode('envelope/body/v1', bin(contentKey), bin(sealedBody)));
}

/** Version n must name version n − 1 as prev, keep its object, and not follow a tombstone. */
export function checkChain(
	prev: { header: EnvelopeHeader; headerHash: Uint8Array },
	next: EnvelopeHeader
): void {
	const p = prev.header;
	if (
		next.version !== p.version + 1 ||
		!next.prev ||
		!equalBytes(next.prev, prev.headerHash) ||
		next.kind !== p.kind ||
		next.caseId !== p.caseId ||
		next.objectId !== p.objectId ||
		next.subject !== p.subject ||
		p.deleted ||
		(singleAuthor(p.kind) && next.author.userId !== p.author.userId)
	) {
		fail('header_mismatch', 'version chain');
	}
}

/**
 * Decodes a run of consecutive versions' headers (as stored) and checks every link, so a
 * reader who fetched only the newest can still see the whole object kept its author.
 */
export async function checkHeaderChain(
	headers: readonly Uint8Array[]
): Promise<{ header: EnvelopeHeader; headerHash: Uint8Array }[]> {
	const out: { header: EnvelopeHeader; headerHash: Uint8Array }[] = [];
	for (const bytes of headers) {
		const next = { header: decodeHeader(bytes), headerHash: await headerHash(bytes) };
		const prev = out.at(-1);
		if (prev) checkChain(prev, next.header);
		out.push(next);
	}
	return out;
}
