import { acceptAsJoiner, createCaseLog, validateLog } from '$lib/crypto/case-log';
import type { CaseLogEntry } from '$lib/crypto/case-log-entry';
import { entryFromJson, type CaseLogEntryJson } from '$lib/crypto/case-log-json';
import type { PendingChangeJson } from '$lib/crypto/case-log-pending';
import { CryptoError } from '$lib/crypto/errors';
import {
	fingerprint,
	type Identity,
	type PublicIdentity,
	publicFromJson,
	type PublicKeysJson
} from '$lib/crypto/identity';
import type { Membership } from '$lib/crypto/members';
import { currentPin, raiseLogHead, type LogHead } from '$lib/crypto/personal-state';
import { getJson } from './http';
import { nextTask } from './next-task';
import { loadPersonalState, updatePersonalState } from './personal-state';

/**
 * A case as this browser validated it: the signed log, who it says is in the case, and the
 * server's directory of keys (trusted only where they match the fingerprints the log binds).
 */
export type CaseContext = {
	caseId: string;
	deploymentId: string;
	me: Identity;
	entries: CaseLogEntry[];
	membership: Membership;
	directory: Map<string, PublicIdentity>;
	/** As the server sent them; only a facilitator's browser parses and signs them. */
	pending: { id: string; change: PendingChangeJson }[];
};

export type DirectoryJson = (PublicKeysJson & { userId: string })[];

export function directoryFrom(json: DirectoryJson): Map<string, PublicIdentity> {
	return new Map(json.map((p) => [p.userId, publicFromJson(p.userId, p)]));
}

/** Validates a log against the head this person saw before (the server may not roll it back). */
export async function validateEntries(
	caseId: string,
	deploymentId: string,
	json: CaseLogEntryJson[],
	directory: Map<string, PublicIdentity>,
	known: LogHead | undefined
) {
	const entries = json.map((e) => entryFromJson(e, { deploymentId, caseId }));
	const membership = await validateLog(entries, {
		deploymentId,
		caseId,
		directory: (id) => directory.get(id),
		known
	});
	return { entries, membership };
}

/** Remembers newer validated heads, all in one write of personal state. */
export async function raiseHeads(me: Identity, heads: Map<string, Membership>) {
	// raiseLogHead returns the same state when nothing is newer, and then nothing is written.
	await updatePersonalState(me, (s) =>
		[...heads].reduce(
			(acc, [id, m]) => raiseLogHead(acc, id, { seq: m.headSeq, hash: m.headHash }),
			s
		)
	);
}

export async function loadCase(
	me: Identity,
	caseId: string,
	deploymentId: string
): Promise<CaseContext> {
	const res = await getJson<{
		entries: CaseLogEntryJson[];
		pending: { id: string; change: PendingChangeJson }[];
		directory: DirectoryJson;
	}>(`/api/cases/${caseId}/log`);
	const directory = directoryFrom(res.directory);
	const known = (await loadPersonalState(me)).logHeads.get(caseId);
	// Each step its own task, so opening a case never blocks the page for long (nothing is
	// shown from it until every check below has passed).
	await nextTask();
	const { entries, membership } = await validateEntries(
		caseId,
		deploymentId,
		res.entries,
		directory,
		known
	);
	await nextTask();
	await raiseHeads(me, new Map([[caseId, membership]]));
	return { caseId, deploymentId, me, entries, membership, directory, pending: res.pending };
}

/** The first entry of a new case's log, signed by the facilitator opening it. */
export async function startCaseLog(me: Identity, caseId: string, deploymentId: string) {
	return createCaseLog(me, { deploymentId, caseId, createdAt: Date.now() });
}

export const myFp = (me: Identity) => fingerprint(me.signPk, me.boxPk);

export type JoinState = 'confirmed' | 'waiting' | 'mismatch';

/**
 * A participant's check of the log: it adds me with my own keys, and someone whose fingerprint
 * I pinned when I accepted their invite was a facilitator before that.
 */
export async function checkMyPlace(ctx: CaseContext): Promise<JoinState> {
	const me = { userId: ctx.me.userId, fp: myFp(ctx.me) };
	const inLog = ctx.entries.some((e) => e.op === 'add' && e.subject.userId === me.userId);
	if (!inLog) {
		// The person who opened the case is in it from the first entry.
		return ctx.entries[0]?.subject.userId === me.userId ? 'confirmed' : 'waiting';
	}
	const state = await loadPersonalState(ctx.me);
	const facilitators = new Set(
		ctx.entries.filter((e) => e.role === 'facilitator').map((e) => e.subject.userId)
	);
	for (const id of facilitators) {
		const pinned = currentPin(state, id);
		if (!pinned) continue;
		try {
			acceptAsJoiner(ctx.membership, ctx.entries, { me, pinnedInviterFp: pinned.fp });
			return 'confirmed';
		} catch (e) {
			if (!(e instanceof CryptoError)) throw e;
		}
	}
	return 'mismatch';
}
