import {
	and,
	count,
	eq,
	inArray,
	isNotNull,
	isNull,
	lt,
	lte,
	or,
	sql,
	type SQL
} from 'drizzle-orm';
import { checkpoint, getDb, write, type Tx } from './db';
import { auditEvents, caseInvites, caseMembers, cases, links, users } from './db/schema';
import { auditIn } from './audit';
import { deleteExpired } from './cleanup';
import { describeError } from './log';
import { countPurgedCaseIn } from './program-stats';
import { DAY, retentionPolicy, setRetentionPolicy, type RetentionPolicy } from './retention';

export type PurgeReport = {
	cases: number;
	accounts: number;
	invites: number;
	auditEvents: number;
	/** Whether the WAL was emptied afterwards (null on a libsql server). */
	checkpointed: boolean | null;
};

// What each step deletes, shared by the purge and the admin's preview so both agree.

const expiredCases = (now: number, p: RetentionPolicy) =>
	and(isNotNull(cases.closedAt), lte(cases.closedAt, now - p.closedCaseDays * DAY)) as SQL;

const unusedInvites = (now: number, p: RetentionPolicy) =>
	and(
		inArray(links.kind, ['facilitator', 'case']),
		isNull(links.usedAt),
		lte(links.createdAt, now - p.inviteDays * DAY)
	) as SQL;

const hasCase = sql`exists (select 1 from ${caseMembers} where ${caseMembers.userId} = ${users.id})`;
// Cases name their lead and opener without cascading: such an account stays while they do.
const namedByCase = sql`exists (select 1 from ${cases} where ${cases.leadId} = ${users.id} or ${cases.createdBy} = ${users.id})`;

/**
 * Accounts to delete: a participant with no case left once the window has passed since their
 * last case was purged, and a deleted account's remainder (its public keys, kept so signatures
 * in shared records still verify) once no case is left that shows it.
 */
const orphanAccounts = (now: number, p: RetentionPolicy) =>
	and(
		sql`not ${hasCase}`,
		sql`not ${namedByCase}`,
		or(
			eq(users.status, 'deleted'),
			and(isNull(users.orgRole), lte(users.orphanedAt, now - p.orphanDays * DAY))
		)
	) as SQL;

const oldAudit = (now: number, p: RetentionPolicy) =>
	and(isNull(auditEvents.caseId), lt(auditEvents.at, now - p.auditDays * DAY)) as SQL;

/** What the next purge would delete under `policy` (the admin's preview of a change). */
export async function previewPurge(policy: RetentionPolicy, now = Date.now()) {
	const db = getDb();
	const n = async (q: Promise<{ n: number }[]>) => (await q)[0]?.n ?? 0;
	// Participants whose window has not started yet start it at the next purge.
	return {
		cases: await n(db.select({ n: count() }).from(cases).where(expiredCases(now, policy))),
		invites: await n(db.select({ n: count() }).from(links).where(unusedInvites(now, policy))),
		accounts: await n(db.select({ n: count() }).from(users).where(orphanAccounts(now, policy))),
		auditEvents: await n(db.select({ n: count() }).from(auditEvents).where(oldAudit(now, policy)))
	};
}

/**
 * Deletes one expired case and everything in it, in one transaction: every row that names the
 * case cascades from it (envelopes and their wraps, files, keys granted, meetings, the agreement,
 * its audit events), so it is all gone or all there. It is counted for the program statistics
 * first. Checked again inside the transaction: a case reopened meanwhile stays.
 */
async function purgeCase(caseId: string, now: number, policy: RetentionPolicy) {
	return write(async (tx) => {
		const [row] = await tx
			.select({ id: cases.id })
			.from(cases)
			.where(and(eq(cases.id, caseId), expiredCases(now, policy)));
		if (!row) return false;
		await countPurgedCaseIn(tx, caseId);
		const members = await tx
			.select({ userId: caseMembers.userId })
			.from(caseMembers)
			.where(eq(caseMembers.caseId, caseId));
		// Invite links are not the case's rows (a facilitator invite is not in any case).
		const invites = tx
			.select({ id: caseInvites.linkId })
			.from(caseInvites)
			.where(eq(caseInvites.caseId, caseId));
		await tx.delete(links).where(inArray(links.id, invites));
		await tx.delete(cases).where(eq(cases.id, caseId));
		await startOrphanClockIn(
			tx,
			members.map((m) => m.userId),
			now
		);
		return true;
	});
}

/** Participants left with no case start their account's window now. */
async function startOrphanClockIn(tx: Tx, userIds: string[], now: number) {
	if (userIds.length === 0) return;
	await tx
		.update(users)
		.set({ orphanedAt: now })
		.where(
			and(
				inArray(users.id, userIds),
				isNull(users.orgRole),
				isNull(users.orphanedAt),
				sql`not ${hasCase}`
			)
		);
}

async function purgeAccounts(now: number, policy: RetentionPolicy) {
	return write(async (tx) => {
		// Back in a case: the clock stops. No case and no clock (data from before this release):
		// it starts now.
		await tx
			.update(users)
			.set({ orphanedAt: null })
			.where(and(isNotNull(users.orphanedAt), hasCase));
		await tx
			.update(users)
			.set({ orphanedAt: now })
			.where(and(isNull(users.orgRole), isNull(users.orphanedAt), sql`not ${hasCase}`));
		// Passkeys, sessions, keys, notebook and everything else of theirs cascade.
		const gone = await tx
			.delete(users)
			.where(orphanAccounts(now, policy))
			.returning({ id: users.id });
		return gone.length;
	});
}

/**
 * The purge (DESIGN §6): what has expired by the clock (sessions, challenges, links, counters,
 * devices, abandoned uploads), unused invites, closed cases after their window, accounts with
 * no case left, and old audit events. Every delete runs with secure_delete on (see `write`);
 * the WAL is checkpointed at the end so the overwritten pages leave it too. Safe to run while
 * the app serves requests and from another process: each step is its own transaction.
 */
export async function purge(now = Date.now()): Promise<PurgeReport> {
	await deleteExpired(now);
	const policy = await retentionPolicy();
	const invites = await write(
		async (tx) =>
			(await tx.delete(links).where(unusedInvites(now, policy)).returning({ id: links.id })).length
	);
	const due = await getDb().select({ id: cases.id }).from(cases).where(expiredCases(now, policy));
	let purgedCases = 0;
	for (const { id } of due) if (await purgeCase(id, now, policy)) purgedCases++;
	const accounts = await purgeAccounts(now, policy);
	const audit = await write(
		async (tx) =>
			(await tx.delete(auditEvents).where(oldAudit(now, policy)).returning({ id: auditEvents.id }))
				.length
	);
	// Recorded only when it deleted something a person could ask about, not every five minutes.
	if (purgedCases + accounts + audit > 0) {
		await write((tx) => auditIn(tx, { actorId: null, action: 'purge.ran' }, now));
	}
	const checkpointed = await checkpoint();
	return { cases: purgedCases, accounts, invites, auditEvents: audit, checkpointed };
}

/**
 * An admin's change of the policy: saved, then applied at once by a purge (the admin has just
 * seen its preview). Null when that purge failed: the change is saved and the timer applies it.
 */
export async function changeRetentionPolicy(
	adminId: string,
	policy: RetentionPolicy,
	now = Date.now()
): Promise<PurgeReport | null> {
	await setRetentionPolicy(adminId, policy, now);
	try {
		return await purge(now);
	} catch (e) {
		console.error('purge failed:', describeError(e));
		return null;
	}
}

let timer: ReturnType<typeof setInterval> | undefined;

/** Runs the purge in the server every few minutes (`npm run purge` does the same once). */
export function startPurgeTimer(everyMs = 5 * 60_000) {
	if (timer) return;
	timer = setInterval(() => {
		// The message of a database error carries its query parameters, which must not be logged.
		purge().catch((e) => console.error('purge failed:', describeError(e)));
	}, everyMs);
	timer.unref();
}
