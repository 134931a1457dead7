import { and, asc, eq, inArray } from 'drizzle-orm';
import { getDb } from './db';
import { caseLog, caseMembers } from './db/schema';
import { caseDirectory } from './case-log';
import { latestWrappedFor, type StoredCaseEnvelope } from './case-envelopes';
import type { LogEntryInput } from './validation/cases';
import { Problem } from './problem';

/** At most this many cases per request: a page of the dashboard (dashboard.ts). */
export const SUMMARIES_MAX = 50;

/**
 * The dashboard's titles, for the cases of one page in one answer: each case's log (to
 * validate who wrote the summary) and the summary wrapped for them, plus everyone's keys.
 * Facilitators only: nobody else can read a summary, so nobody else is sent one; ids of cases
 * they do not facilitate are left out, as if they did not exist.
 */
export async function caseSummariesFor(userId: string, caseIds: readonly string[]) {
	if (caseIds.length === 0) return { cases: [], directory: [] };
	if (caseIds.length > SUMMARIES_MAX) throw new Problem(400, 'bad_request');
	const db = getDb();
	const mine = await db
		.select({ caseId: caseMembers.caseId })
		.from(caseMembers)
		.where(
			and(
				eq(caseMembers.userId, userId),
				inArray(caseMembers.caseId, [...new Set(caseIds)]),
				eq(caseMembers.role, 'facilitator'),
				inArray(caseMembers.status, ['active', 'paused'])
			)
		);
	const ids = mine.map((c) => c.caseId);
	if (ids.length === 0) return { cases: [], directory: [] };
	const entries = await db
		.select({ caseId: caseLog.caseId, entry: caseLog.entry })
		.from(caseLog)
		.where(inArray(caseLog.caseId, ids))
		.orderBy(asc(caseLog.caseId), asc(caseLog.seq));
	const logs = new Map<string, LogEntryInput[]>(ids.map((id) => [id, []]));
	for (const e of entries) logs.get(e.caseId)?.push(JSON.parse(e.entry) as LogEntryInput);
	// Every case's summary in three queries (not three per case): the earliest made, as before.
	const summaries = new Map<string, StoredCaseEnvelope>();
	for (const { caseId, envelope } of await latestWrappedFor(userId, ids, ['case-summary'])) {
		if (!summaries.has(caseId)) summaries.set(caseId, envelope);
	}
	const cases = ids.map((caseId) => ({
		caseId,
		entries: logs.get(caseId) ?? [],
		summary: summaries.get(caseId) ?? null
	}));
	const directory = await caseDirectory(ids);
	return { cases, directory };
}
