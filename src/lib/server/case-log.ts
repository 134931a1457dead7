import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import { getDb, write, type Tx } from './db';
import { caseLog, caseMembers, casePending, identities } from './db/schema';
import { byCase, caseAccess, facilitatorAccess } from './case-access';
import { dropSecretIn } from './case-envelopes';
import { generateId } from './auth/tokens';
import { Problem } from './problem';
import type { CaseRoleName, LogEntryInput } from './validation/cases';

/**
 * The signed case log, stored and served in order. The server cannot check signatures (every
 * browser does); it keeps the chain gap-free, lets only a facilitator of the case append, and
 * only as the completion of a change it made itself (a pending add, removal or role change).
 */

export type PendingChangeJson = {
	op: 'add' | 'remove' | 'role';
	subject: { userId: string; fp: string };
	role: CaseRoleName;
	supports: string | null;
	invite: { inviteId: string; tag: string } | null;
};

export async function addPendingIn(tx: Tx, caseId: string, change: PendingChangeJson, now: number) {
	await tx.insert(casePending).values({
		id: generateId(),
		caseId,
		userId: change.subject.userId,
		change: JSON.stringify(change),
		createdAt: now
	});
}

export async function appendFirstEntryIn(
	tx: Tx,
	caseId: string,
	entry: LogEntryInput,
	now: number
) {
	await tx.insert(caseLog).values({ caseId, seq: 0, entry: JSON.stringify(entry), createdAt: now });
}

/** Everything a member's browser needs to validate the log: entries, pending changes, keys. */
export async function getCaseLog(userId: string, caseId: string) {
	const access = await caseAccess(userId, caseId);
	const db = getDb();
	const entries = await db
		.select({ entry: caseLog.entry })
		.from(caseLog)
		.where(eq(caseLog.caseId, caseId))
		.orderBy(asc(caseLog.seq));
	// Only facilitators complete pending changes; nobody else needs to see them.
	const pending =
		access.member.role === 'facilitator'
			? await db
					.select({ id: casePending.id, change: casePending.change })
					.from(casePending)
					.where(eq(casePending.caseId, caseId))
					.orderBy(asc(casePending.createdAt))
			: [];
	// Keys of everyone who ever was in the case: the log names them all.
	const people = await caseDirectory([caseId]);
	return {
		entries: entries.map((e) => JSON.parse(e.entry) as LogEntryInput),
		pending: pending.map((p) => ({ id: p.id, change: JSON.parse(p.change) as PendingChangeJson })),
		directory: people
	};
}

/**
 * Appends the entry a facilitator's browser signed for a pending change. The entry must be the
 * next in the chain (a race between two facilitators loses with a 409 and reloads), signed by
 * the one posting it, and be the change the server asked for.
 */
export async function completePendingEntry(
	actorId: string,
	caseId: string,
	{ pendingId, entry }: { pendingId: string; entry: LogEntryInput },
	now = Date.now()
) {
	await write(async (tx) => {
		await facilitatorAccess(actorId, caseId, tx);
		const [pending] = await tx
			.select()
			.from(casePending)
			.where(and(eq(casePending.id, pendingId), eq(casePending.caseId, caseId)));
		if (!pending) throw new Problem(409, 'log_conflict');
		const change = JSON.parse(pending.change) as PendingChangeJson;
		const [head] = await tx
			.select({ seq: caseLog.seq })
			.from(caseLog)
			.where(eq(caseLog.caseId, caseId))
			.orderBy(desc(caseLog.seq))
			.limit(1);
		if (entry.seq !== (head?.seq ?? -1) + 1) throw new Problem(409, 'log_conflict');
		const matches =
			entry.signer === actorId &&
			entry.op === change.op &&
			entry.subject.userId === change.subject.userId &&
			entry.subject.fp === change.subject.fp &&
			entry.role === change.role &&
			entry.supports === change.supports;
		if (!matches) throw new Problem(400, 'bad_request');
		await tx
			.insert(caseLog)
			.values({ caseId, seq: entry.seq, entry: JSON.stringify(entry), createdAt: now });
		await tx.delete(casePending).where(eq(casePending.id, pendingId));
		if (change.invite) await dropSecretIn(tx, caseId, change.invite.inviteId);
	});
}

/** Pending changes per case, for the dashboard's "needs attention". */
export async function countPending(caseIds: readonly string[]) {
	return getDb()
		.select({ caseId: casePending.caseId, n: count() })
		.from(casePending)
		.where(inArray(casePending.caseId, [...caseIds]))
		.groupBy(casePending.caseId)
		.then(byCase);
}

/** Public keys of everyone who is or was in these cases (browsers check them against the log). */
export async function caseDirectory(caseIds: readonly string[]) {
	return getDb()
		.selectDistinct({
			userId: identities.userId,
			keyVersion: identities.keyVersion,
			boxPk: identities.boxPk,
			signPk: identities.signPk
		})
		.from(caseMembers)
		.innerJoin(identities, eq(identities.userId, caseMembers.userId))
		.where(inArray(caseMembers.caseId, [...caseIds]));
}
