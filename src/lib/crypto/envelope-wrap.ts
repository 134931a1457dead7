import { equalBytes, wipe } from './bytes';
import { bin, decoder, encode, int, opt, text } from './encoding';
import { optInt, type EnvelopeHeader } from './envelope-header';
import type { Membership } from './members';
import { fail } from './errors';
import { checkPublicIdentity, type Identity, type PublicIdentity } from './identity';
import { boxOpen, boxSeal } from './primitives';
import { mayRead, mayWrap, type Members } from './reader-rules';

/**
 * A reader's wrap: `box` from the wrapper to the reader of the content key, the header hash,
 * both ids and the wrapper's log seq, so the reader can judge the wrapper's role at the time
 * they wrapped. `box`, not a signature: the reader could have made it, so it proves nothing
 * to anyone else (deniability, DESIGN §4).
 */
export type Wrap = { reader: string; wrapper: string; box: Uint8Array };
export type WrapContent = {
	contentKey: Uint8Array;
	headerHash: Uint8Array;
	reader: string;
	wrapper: string;
	/** The wrapper's validated log head when wrapping; null in personal scope. */
	wrapSeq: number | null;
};
/** An envelope someone holds the key to. */
export type Keyed = { header: EnvelopeHeader; headerHash: Uint8Array; contentKey: Uint8Array };

const WRAP = 'envelope/wrap/v1';

export function encodeWrapContent(w: WrapContent): Uint8Array {
	return encode(
		WRAP,
		bin(w.contentKey),
		bin(w.headerHash),
		text(w.reader),
		text(w.wrapper),
		opt(w.wrapSeq === null ? null : int(w.wrapSeq))
	);
}

export function decodeWrapContent(bytes: Uint8Array): WrapContent {
	const d = decoder(WRAP, bytes);
	const contentKey = d.bytes(32);
	const hash = d.bytes(32);
	const reader = d.text();
	const wrapper = d.text();
	const seq = d.opt();
	d.end();
	return { contentKey, headerHash: hash, reader, wrapper, wrapSeq: optInt(seq) };
}

/**
 * One wrap per reader, after the checks each reader will make: the rules let this wrapper give
 * this reader this kind, and the reader's keys are the ones the log binds (in personal scope,
 * the author's own).
 */
export function makeWraps(
	keyed: Keyed,
	wrapper: Identity,
	members: Members | null,
	wrapSeq: number | null,
	readers: readonly PublicIdentity[]
): Wrap[] {
	const h = keyed.header;
	if (readers.length === 0) fail('reader_not_allowed', 'no readers');
	const wraps: Wrap[] = [];
	for (const r of readers) {
		if (wraps.some((w) => w.reader === r.userId)) continue;
		if (!mayRead(members, h, r.userId)) fail('reader_not_allowed');
		if (!mayWrap(members, h, wrapper.userId, r.userId)) fail('wrapper_not_allowed');
		checkPublicIdentity(r, members ? members.get(r.userId)!.fp : h.author.fp);
		const plain = encodeWrapContent({
			contentKey: keyed.contentKey,
			headerHash: keyed.headerHash,
			reader: r.userId,
			wrapper: wrapper.userId,
			wrapSeq
		});
		wraps.push({
			reader: r.userId,
			wrapper: wrapper.userId,
			box: boxSeal(plain, r.boxPk, wrapper.boxSk)
		});
		wipe(plain);
	}
	return wraps;
}

/** Opens my wrap with the wrapper's keys and checks it is mine, for this header. */
export function openWrap(
	wrap: Wrap,
	me: Identity,
	wrapperKeys: PublicIdentity,
	hash: Uint8Array
): WrapContent {
	const plain = boxOpen(wrap.box, wrapperKeys.boxPk, me.boxSk);
	try {
		const content = decodeWrapContent(plain);
		if (content.reader !== me.userId) fail('wrong_reader');
		if (content.wrapper !== wrap.wrapper) fail('wrapper_not_allowed', 'relabelled wrap');
		if (!equalBytes(content.headerHash, hash)) fail('header_mismatch', 'wrap');
		return content;
	} finally {
		wipe(plain);
	}
}

/** Members as of `seq` in the envelope's case; null in personal scope, which has no log. */
export function logMembers(
	h: EnvelopeHeader,
	membership: Membership | null,
	seq: number | null
): Members | null {
	if (h.caseId === null) {
		if (membership) fail('bad_log', 'personal scope has no log');
		return null;
	}
	if (!membership || membership.caseId !== h.caseId) fail('bad_log', 'log of another case');
	if (seq === null || seq > membership.headSeq) fail('log_behind');
	return membership.membersAt(seq);
}
