import { equalBytes, wipe } from './bytes';
import type { Envelope } from './envelope';
import { bodyHash, decodeHeader, headerHash, type EnvelopeHeader } from './envelope-header';
import { logMembers, openWrap, type Keyed, type WrapContent } from './envelope-wrap';
import { fail } from './errors';
import {
	checkPublicIdentity,
	fingerprint,
	publicOf,
	type Identity,
	type PublicIdentity
} from './identity';
import type { Membership } from './members';
import { open } from './primitives';
import { mayAuthor, mayRead, mayWrap } from './reader-rules';

export type OpenOptions = {
	me: Identity;
	/** Where the envelope was fetched: a header naming anything else is refused. */
	expected: { kind: string; caseId: string | null; objectId: string; version?: number };
	/** My validated log for the case; null in personal scope. */
	membership: Membership | null;
	/** The server's directory: its keys count only if they match the fp the log binds. */
	directory: (userId: string) => PublicIdentity | undefined;
	/** The newest version of this object I have seen (a personal-state mark). */
	highWater?: number;
};

export type Opened = Keyed & {
	/** Who gave me the key: the author, or someone the rules let add readers. */
	wrappedBy: string;
	/** My wrap is the author's own, so `box` authenticates them to me (and to no one else). */
	authorConfirmed: boolean;
} & ({ deleted: false; body: Uint8Array } | { deleted: true; body: null });

/**
 * Opens an envelope as its reader, checking everything the server could have changed: the
 * header against where it was fetched and my high-water mark, the author and wrapper against
 * the log as of their own seqs (with the keys the log binds), my wrap, and the body hash.
 * Keep `contentKey` only as long as needed (attachments, addReaders), then wipe it.
 */
export async function openEnvelope(envelope: Envelope, o: OpenOptions): Promise<Opened> {
	if (envelope.v !== 1) fail('unknown_version', 'envelope');
	const h = decodeHeader(envelope.header);
	checkPlace(h, envelope, o.expected);
	if (o.highWater !== undefined && h.version < o.highWater) fail('rolled_back');
	checkAuthor(h, o.membership, o.me);
	const wrap = envelope.wraps.find((w) => w.reader === o.me.userId);
	if (!wrap) fail('wrong_reader');
	// My own wraps need no directory: the server cannot swap in keys for me.
	const keys = wrap.wrapper === o.me.userId ? publicOf(o.me) : o.directory(wrap.wrapper);
	if (!keys || keys.userId !== wrap.wrapper) fail('wrapper_not_allowed', 'unknown wrapper');
	const wrapperFp = checkPublicIdentity(keys);
	const hash = await headerHash(envelope.header);
	const content = openWrap(wrap, o.me, keys, hash);
	const { contentKey } = content;
	try {
		checkWrapper(h, o.membership, content, wrapperFp, o.me.userId);
		if (!equalBytes(await bodyHash(contentKey, envelope.body), h.bodyHash)) fail('body_mismatch');
		const body = open(contentKey, envelope.body);
		const common = {
			header: h,
			headerHash: hash,
			contentKey,
			wrappedBy: wrap.wrapper,
			authorConfirmed: wrap.wrapper === h.author.userId
		};
		if (!h.deleted) return { ...common, deleted: false, body };
		if (body.length > 0) fail('body_mismatch', 'tombstone with a body');
		return { ...common, deleted: true, body: null };
	} catch (e) {
		wipe(contentKey);
		throw e;
	}
}

/** The header names the object it was fetched as, in the wire fields and in the request. */
function checkPlace(h: EnvelopeHeader, env: Envelope, expected: OpenOptions['expected']) {
	if (
		h.kind !== env.kind ||
		h.objectId !== env.objectId ||
		h.version !== env.version ||
		h.kind !== expected.kind ||
		h.caseId !== expected.caseId ||
		h.objectId !== expected.objectId ||
		(expected.version !== undefined && h.version !== expected.version)
	) {
		fail('header_mismatch');
	}
}

/** The author wrote as someone the log (at the header's seq) lets write this kind. */
function checkAuthor(h: EnvelopeHeader, membership: Membership | null, me: Identity) {
	const members = logMembers(h, membership, h.logSeq);
	// Personal scope: only ever my own, under my own keys.
	const mine = h.author.userId === me.userId ? fingerprint(me.signPk, me.boxPk) : undefined;
	const bound = members ? members.get(h.author.userId)?.fp : mine;
	if (!bound || !mayAuthor(members, h)) fail('author_not_allowed');
	if (!equalBytes(bound, h.author.fp)) fail('fingerprint_mismatch', 'author');
}

/** The wrapper, as of the log seq they wrapped at, may give me this kind, with these keys. */
function checkWrapper(
	h: EnvelopeHeader,
	membership: Membership | null,
	c: WrapContent,
	wrapperFp: Uint8Array,
	me: string
) {
	if ((h.caseId === null) !== (c.wrapSeq === null)) fail('bad_encoding', 'wrap seq');
	// Nobody can wrap an object before it was written; a later seq may be judged, an earlier not.
	if (c.wrapSeq !== null && c.wrapSeq < h.logSeq!) fail('wrapper_not_allowed', 'seq');
	const members = logMembers(h, membership, c.wrapSeq);
	if (!mayRead(members, h, me)) fail('reader_not_allowed');
	if (!mayWrap(members, h, c.wrapper, me)) fail('wrapper_not_allowed');
	const bound = members ? members.get(c.wrapper)!.fp : h.author.fp;
	if (!equalBytes(bound, wrapperFp)) fail('fingerprint_mismatch', 'wrapper');
}
