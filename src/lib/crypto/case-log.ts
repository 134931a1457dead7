import { equalBytes } from './bytes';
import {
	checkEntryShape,
	entryHash,
	GENESIS_PREV,
	signEntry,
	entrySigningBytes,
	entryHashOf,
	type CaseLogEntry,
	type LogContext,
	type LogSubject,
	type UnsignedEntry
} from './case-log-entry';
import { applyChange, type Members } from './case-log-rules';
import { fail } from './errors';
import { verifySignature } from './primitives';
import {
	checkPublicIdentity,
	fingerprint,
	publicOf,
	type Identity,
	type PublicIdentity
} from './identity';
import type { CaseRole, Member, Membership } from './members';

/**
 * The case log — who is in a case. Browsers derive members, roles and readers from a log
 * they validated themselves; the server only stores it. Signer keys come from the server's
 * directory and are trusted only as far as the fingerprint the log already binds.
 */
export type Directory = (userId: string) => PublicIdentity | undefined;
/** A log head this browser saw before (personal state): the log may grow, never shrink or fork. */
export type LogMark = { seq: number; hash: Uint8Array };
export type LogChange = {
	op: 'add' | 'remove' | 'role';
	subject: LogSubject;
	role: CaseRole;
	supports: string | null;
	createdAt: number;
};
export type LogStep = { entry: CaseLogEntry; entries: CaseLogEntry[]; membership: Membership };

type Head = { seq: number; hash: Uint8Array; createdAt: number; members: Members };

export async function validateLog(
	entries: readonly CaseLogEntry[],
	options: LogContext & { directory: Directory; known?: LogMark }
): Promise<Membership> {
	const { known } = options;
	// A corrupt mark must not silently switch the rollback check off.
	if (known && (!Number.isSafeInteger(known.seq) || known.seq < 0 || known.hash.length !== 32)) {
		fail('bad_encoding', 'log mark');
	}
	if (known && entries.length <= known.seq) fail('rolled_back', 'case log');
	let head: Head | undefined;
	const snapshots: Members[] = [];
	const keys = signerKeys(options.directory);
	for (const e of entries) {
		head = await applyEntry(head, e, options, keys);
		snapshots.push(head.members);
		if (known?.seq === head.seq && !equalBytes(head.hash, known.hash)) fail('bad_log', 'fork');
	}
	if (!head) fail('bad_log', 'empty');
	return membershipOf(options.caseId, snapshots, head.hash);
}

export async function createCaseLog(
	identity: Identity,
	{ deploymentId, caseId, createdAt }: LogContext & { createdAt: number }
): Promise<LogStep> {
	const subject = { userId: identity.userId, fp: fingerprint(identity.signPk, identity.boxPk) };
	const unsigned: UnsignedEntry = {
		v: 1,
		deploymentId,
		caseId,
		seq: 0,
		prev: new Uint8Array(32),
		op: 'create',
		subject,
		role: 'facilitator',
		supports: null,
		signer: identity.userId,
		createdAt
	};
	const entry = signEntry(unsigned, identity.signSk);
	const head = await applyEntry(undefined, entry, entry, signerKeys(selfOnly(identity)));
	return { entry, entries: [entry], membership: membershipOf(caseId, [head.members], head.hash) };
}

/** Signs the next entry after checking the same rules every reader will apply. */
export async function appendEntry(
	membership: Membership,
	entries: readonly CaseLogEntry[],
	signer: Identity,
	change: LogChange
): Promise<LogStep> {
	const head = headOf(membership, entries);
	const me = head.members.get(signer.userId);
	if (!me || me.role !== 'facilitator') fail('not_a_member', 'only a facilitator signs the log');
	if (!equalBytes(me.fp, fingerprint(signer.signPk, signer.boxPk))) fail('fingerprint_mismatch');
	const { deploymentId, caseId } = entries[0]!;
	const unsigned: UnsignedEntry = {
		v: 1,
		deploymentId,
		caseId,
		seq: head.seq + 1,
		prev: head.hash.slice(),
		op: change.op,
		subject: { userId: change.subject.userId, fp: change.subject.fp.slice() },
		role: change.role,
		supports: change.supports,
		signer: signer.userId,
		// Another facilitator's clock may run ahead; never sign a time the log would refuse.
		createdAt: Math.max(change.createdAt, head.createdAt)
	};
	checkEntryShape(unsigned);
	applyChange(head.members, unsigned);
	const entry = signEntry(unsigned, signer.signSk);
	const next = await applyEntry(head, entry, entry, signerKeys(selfOnly(signer)));
	const snapshots = Array.from({ length: head.seq + 1 }, (_, s) => membership.membersAt(s));
	return {
		entry,
		entries: [...entries, entry],
		membership: membershipOf(caseId, [...snapshots, next.members], next.hash)
	};
}

/**
 * The joiner's check: the log adds me with my own keys, I am still in it, and the inviter
 * whose fingerprint came in the link was a facilitator at or before that entry.
 */
export function acceptAsJoiner(
	membership: Membership,
	entries: readonly CaseLogEntry[],
	{ me, pinnedInviterFp }: { me: LogSubject; pinnedInviterFp: Uint8Array }
): { member: Member; addedAt: number } {
	headOf(membership, entries);
	const added = entries.findLast((e) => e.op === 'add' && e.subject.userId === me.userId);
	if (!added) fail('not_a_member', 'not added yet');
	if (!equalBytes(added.subject.fp, me.fp)) fail('fingerprint_mismatch', 'added with other keys');
	const member = membership.membersAt().get(me.userId);
	if (!member) fail('not_a_member', 'removed since');
	for (let s = 0; s < added.seq; s++) {
		for (const m of membership.membersAt(s).values()) {
			if (m.role === 'facilitator' && equalBytes(m.fp, pinnedInviterFp)) {
				return { member, addedAt: added.seq };
			}
		}
	}
	return fail('fingerprint_mismatch', 'the inviter is not a facilitator in this log');
}

/** Every check on one entry, in order: shape, chain, signer's authority and keys, rules. */
async function applyEntry(
	head: Head | undefined,
	e: CaseLogEntry,
	context: LogContext,
	keysOf: SignerKeys
): Promise<Head> {
	checkEntryShape(e);
	if (e.deploymentId !== context.deploymentId || e.caseId !== context.caseId) {
		fail('bad_log', 'entry from another case');
	}
	if (e.seq !== (head ? head.seq + 1 : 0)) fail('bad_log', 'seq');
	if (!equalBytes(e.prev, head ? head.hash : GENESIS_PREV)) fail('bad_log', 'prev');
	if (head && e.createdAt < head.createdAt) fail('bad_log', 'time went backwards');
	// The fp comes from the log (or, for `create`, the entry itself), never from the server.
	if (!head && e.subject.userId !== e.signer) fail('bad_log', 'create names its signer');
	const signerFp = head ? facilitatorFp(head.members, e.signer) : e.subject.fp;
	const pub = keysOf(e.signer, signerFp);
	const bytes = entrySigningBytes(e);
	await verifySignature(pub.signPk, bytes, e.sig);
	const members = applyChange(head?.members ?? new Map(), e);
	return { seq: e.seq, hash: entryHashOf(bytes, e.sig), createdAt: e.createdAt, members };
}

type SignerKeys = (userId: string, boundFp: Uint8Array) => PublicIdentity;

/**
 * The directory's keys for each signer, checked once per validation (a log has few signers
 * and many entries), and always against the fp the log binds at that entry.
 */
function signerKeys(directory: Directory): SignerKeys {
	const checked = new Map<string, { pub: PublicIdentity; fp: Uint8Array }>();
	return (userId, boundFp) => {
		let hit = checked.get(userId);
		if (!hit) {
			const pub = directory(userId);
			if (!pub || pub.userId !== userId) fail('bad_log', 'unknown signer');
			hit = { pub, fp: checkPublicIdentity(pub) };
			checked.set(userId, hit);
		}
		if (!equalBytes(hit.fp, boundFp)) fail('fingerprint_mismatch');
		return hit.pub;
	};
}

function facilitatorFp(members: Members, userId: string): Uint8Array {
	const m = members.get(userId);
	if (!m || m.role !== 'facilitator') fail('bad_log', 'signer is not a facilitator');
	return m.fp;
}

/** The head of a validated log, after checking that these entries are the ones validated. */
function headOf(membership: Membership, entries: readonly CaseLogEntry[]): Head {
	const last = entries.at(-1);
	if (
		!last ||
		entries.length !== membership.headSeq + 1 ||
		last.caseId !== membership.caseId ||
		!equalBytes(entryHash(last), membership.headHash)
	) {
		fail('bad_log', 'entries do not match the membership');
	}
	const { headSeq: seq, headHash: hash } = membership;
	return { seq, hash, createdAt: last.createdAt, members: membership.membersAt() };
}

function selfOnly(identity: Identity): Directory {
	return (userId) => (userId === identity.userId ? publicOf(identity) : undefined);
}

function membershipOf(caseId: string, snapshots: Members[], headHash: Uint8Array): Membership {
	const headSeq = snapshots.length - 1;
	return {
		caseId,
		headSeq,
		headHash: headHash.slice(),
		membersAt(seq = headSeq) {
			if (!Number.isSafeInteger(seq) || seq < 0) fail('bad_log', 'seq');
			// A newer seq than we validated: our copy of the log is behind (or being withheld).
			if (seq > headSeq) fail('rolled_back', 'seq beyond the validated log');
			return snapshots[seq]!;
		}
	};
}
