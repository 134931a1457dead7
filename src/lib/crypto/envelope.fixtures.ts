import { fixedIdentity, people, T0 } from './case-log.fixtures';
import type { Envelope } from './envelope';
import { bodyHash, encodeHeader, headerHash, type EnvelopeHeader } from './envelope-header';
import { encodeWrapContent, type Keyed, type Wrap } from './envelope-wrap';
import { fail } from './errors';
import { fingerprint, publicOf, type Identity, type PublicIdentity } from './identity';
import type { CaseRole, Member, Membership } from './members';
import { boxSeal, randomBytes, seal } from './primitives';

/** Shared by the envelope, rules and agreement specs (not shipped: only *.spec.ts import it). */
export const CASE = 'case-1';
export const T = T0;
export const cast = {
	...people,
	/** supports rio */
	pat: fixedIdentity('pat', 7),
	/** community member */
	cam: fixedIdentity('cam', 8)
};

export function member(
	id: Identity | PublicIdentity,
	role: CaseRole,
	supports: string | null = null
) {
	return { userId: id.userId, fp: fingerprint(id.signPk, id.boxPk), role, supports } as Member;
}

/** ana, ben facilitate; sam survivor (kit supports); rio responsible (pat supports); cam community. */
export const standardMembers = (): Member[] => [
	member(cast.ana, 'facilitator'),
	member(cast.ben, 'facilitator'),
	member(cast.sam, 'survivor'),
	member(cast.rio, 'responsible'),
	member(cast.kit, 'supporter', 'sam'),
	member(cast.pat, 'supporter', 'rio'),
	member(cast.cam, 'community')
];

/** A Membership from plain snapshots: `history[seq]` is who is in the case as of `seq`. */
export function listMembership(history: Member[][], caseId = CASE): Membership {
	const snapshots = history.map((ms) => new Map(ms.map((m) => [m.userId, m])));
	const headSeq = snapshots.length - 1;
	return {
		caseId,
		headSeq,
		headHash: new Uint8Array(32).fill(headSeq),
		membersAt(seq = headSeq) {
			return snapshots[seq] ?? fail('rolled_back', 'seq beyond the validated log');
		}
	};
}

export const directoryOf =
	(...ids: (Identity | PublicIdentity)[]) =>
	(userId: string): PublicIdentity | undefined => {
		const id = ids.find((i) => i.userId === userId);
		return id && publicOf(id as Identity);
	};

export const everyone = directoryOf(...Object.values(cast));
export const pub = (...ids: Identity[]) => ids.map((i) => publicOf(i));

/**
 * Builds an envelope the way a malicious client or server could: any header, any wrapper, no
 * rules checked. `header` overrides a valid case-summary by ana at seq 0.
 */
export async function craft(o: {
	header?: Partial<EnvelopeHeader>;
	body?: Uint8Array;
	wrapper: Identity;
	readers: PublicIdentity[];
	wrapSeq?: number | null;
	label?: string;
}) {
	const contentKey = randomBytes(32);
	const body = seal(contentKey, o.body ?? new Uint8Array([1, 2, 3]));
	const header: EnvelopeHeader = {
		v: 1,
		kind: 'case-summary',
		caseId: CASE,
		objectId: 'obj-1',
		version: 1,
		prev: null,
		author: { userId: 'ana', fp: fingerprint(cast.ana.signPk, cast.ana.boxPk) },
		subject: null,
		logSeq: 0,
		bodyHash: await bodyHash(contentKey, body),
		createdAt: T,
		deleted: false,
		attachment: null,
		...o.header
	};
	const bytes = encodeHeader(header);
	const keyed = { header, headerHash: await headerHash(bytes), contentKey };
	const wrapSeq = o.wrapSeq === undefined ? header.logSeq : o.wrapSeq;
	const wraps = o.readers.map((r) => forgeWrap(keyed, o.wrapper, r, wrapSeq, o.label));
	const { kind, objectId, version } = header;
	const envelope: Envelope = { v: 1, kind, objectId, version, header: bytes, body, wraps };
	return { envelope, keyed };
}

/** A wrap from anyone to anyone, optionally labelled as someone else's. */
export function forgeWrap(
	keyed: Keyed,
	wrapper: Identity,
	reader: PublicIdentity,
	wrapSeq: number | null,
	label = wrapper.userId
): Wrap {
	const plain = encodeWrapContent({
		contentKey: keyed.contentKey,
		headerHash: keyed.headerHash,
		reader: reader.userId,
		wrapper: label,
		wrapSeq
	});
	return {
		reader: reader.userId,
		wrapper: label,
		box: boxSeal(plain, reader.boxPk, wrapper.boxSk)
	};
}
