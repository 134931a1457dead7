import { sealAttachment, type AttachmentInfo } from './attachment';
import { equalBytes, wipe } from './bytes';
import {
	bodyHash,
	checkChain,
	checkHeader,
	encodeHeader,
	headerHash,
	type EnvelopeHeader
} from './envelope-header';
import { logMembers, makeWraps, type Keyed, type Wrap } from './envelope-wrap';
import { fail } from './errors';
import { fingerprint, type Identity, type PublicIdentity } from './identity';
import type { Membership } from './members';
import { randomBytes, seal } from './primitives';
import { mayAuthor } from './reader-rules';

/**
 * Envelopes — the one way content is stored (DESIGN §4). A random content key seals the body;
 * each reader gets a wrap (envelope-wrap.ts). No signatures on content: it stays deniable.
 */
export { checkChain, checkHeaderChain, headerHash, type EnvelopeHeader } from './envelope-header';
export { envelopeFromJson, envelopeToJson, type EnvelopeJson } from './envelope-json';
export { openEnvelope, type Opened, type OpenOptions } from './envelope-open';
export type { Keyed, Wrap } from './envelope-wrap';

export type Envelope = {
	v: 1;
	kind: string;
	objectId: string;
	version: number;
	/** The encoded header, exactly as hashed. */
	header: Uint8Array;
	/** nonce ‖ secretbox(body) under the content key. */
	body: Uint8Array;
	wraps: Wrap[];
};

/** The previous version as its writer opened or sealed it (`Opened` and `Sealed` are). */
export type PreviousVersion = { header: EnvelopeHeader; headerHash: Uint8Array };

export type SealParams = {
	kind: string;
	/** The case id, or null for personal scope. */
	scope: string | null;
	objectId: string;
	prev: PreviousVersion | null;
	author: Identity;
	/** The author's validated log (its head becomes the header's logSeq); null: personal. */
	membership: Membership | null;
	subject?: string | null;
	body: Uint8Array;
	/** Sealed in chunks beside the envelope; the chunk hashes go into the header. */
	attachment?: Uint8Array;
	chunkSize?: number;
	/**
	 * An attachment already sealed chunk by chunk (`sealChunk`) under this content key, which
	 * then seals the body too. The caller keeps and wipes the key.
	 */
	streamed?: { contentKey: Uint8Array; info: AttachmentInfo };
	/** Keys from the directory; each must match the fp the log binds. */
	readers: readonly PublicIdentity[];
	createdAt: number;
	/** A tombstone: empty body, no attachment. */
	deleted?: boolean;
};
export type Sealed = PreviousVersion & { envelope: Envelope; chunks: Uint8Array[] };

export async function sealEnvelope(p: SealParams): Promise<Sealed> {
	if (p.deleted && (p.body.length > 0 || p.attachment || p.streamed)) {
		fail('bad_encoding', 'tombstone body');
	}
	if (p.attachment && p.streamed) fail('bad_encoding', 'two attachments');
	if ((p.scope === null) !== (p.membership === null)) fail('bad_log', 'scope and log disagree');
	if (p.streamed && p.streamed.contentKey.length !== 32) fail('bad_length', 'content key');
	const contentKey = p.streamed ? p.streamed.contentKey : randomBytes(32);
	try {
		const body = seal(contentKey, p.body);
		const att = p.streamed
			? { info: p.streamed.info, chunks: [] }
			: p.attachment && (await sealAttachment(contentKey, p.attachment, p.chunkSize));
		const header: EnvelopeHeader = {
			v: 1,
			kind: p.kind,
			caseId: p.scope,
			objectId: p.objectId,
			version: p.prev ? p.prev.header.version + 1 : 1,
			prev: p.prev?.headerHash ?? null,
			author: { userId: p.author.userId, fp: fingerprint(p.author.signPk, p.author.boxPk) },
			subject: p.subject ?? null,
			logSeq: p.membership?.headSeq ?? null,
			bodyHash: await bodyHash(contentKey, body),
			createdAt: p.createdAt,
			deleted: !!p.deleted,
			attachment: att ? att.info : null
		};
		checkHeader(header);
		if (p.prev) checkChain(p.prev, header);
		const members = logMembers(header, p.membership, header.logSeq);
		const bound = members?.get(p.author.userId);
		if (bound && !equalBytes(bound.fp, header.author.fp)) fail('fingerprint_mismatch', 'author');
		if (!mayAuthor(members, header)) fail('author_not_allowed');
		const headerBytes = encodeHeader(header);
		const hash = await headerHash(headerBytes);
		const keyed = { header, headerHash: hash, contentKey };
		const wraps = makeWraps(keyed, p.author, members, header.logSeq, p.readers);
		const { kind, objectId, version } = header;
		const envelope: Envelope = { v: 1, kind, objectId, version, header: headerBytes, body, wraps };
		return { envelope, header, headerHash: hash, chunks: att ? att.chunks : [] };
	} finally {
		if (!p.streamed) wipe(contentKey);
	}
}

/**
 * More readers for an envelope I opened, wrapped at my log head: a facilitator adding a new
 * co-facilitator, or an input's author sharing it further. Checked as each reader will check.
 */
export function addReaders(
	opened: Keyed,
	wrapper: Identity,
	membership: Membership | null,
	readers: readonly PublicIdentity[]
): Wrap[] {
	const h = opened.header;
	const seq = h.caseId === null ? null : (membership?.headSeq ?? null);
	const members = logMembers(h, membership, seq);
	const bound = members ? members.get(wrapper.userId)?.fp : h.author.fp;
	if (!bound) fail('wrapper_not_allowed', 'not a member');
	if (!equalBytes(bound, fingerprint(wrapper.signPk, wrapper.boxPk))) {
		fail('fingerprint_mismatch', 'wrapper');
	}
	return makeWraps(opened, wrapper, members, seq, readers);
}
