import type { CaseLogEntryJson } from '$lib/crypto/case-log-json';
import type { Identity } from '$lib/crypto/identity';
import type { Membership } from '$lib/crypto/members';
import { getJson } from './http';
import { loadPersonalState } from './personal-state';
import { directoryFrom, raiseHeads, validateEntries, type DirectoryJson } from './case-log';
import { readCaseObject, type StoredCaseObject } from './case-objects';
import { parseSummary } from './case-summary';

/**
 * The dashboard's titles: the summaries of one page's cases that this facilitator may read,
 * fetched at once and opened here, each against its own validated log. A case that fails its
 * checks keeps only its reference; the rest still open.
 */
export async function loadCaseTitles(me: Identity, deploymentId: string, caseIds: string[]) {
	if (caseIds.length === 0) return { titles: new Map<string, string>(), failed: 0 };
	const res = await getJson<{
		cases: { caseId: string; entries: CaseLogEntryJson[]; summary: StoredCaseObject | null }[];
		directory: DirectoryJson;
	}>(`/api/cases/summaries?ids=${caseIds.map(encodeURIComponent).join(',')}`);
	const directory = directoryFrom(res.directory);
	const state = await loadPersonalState(me);
	const titles = new Map<string, string>();
	const heads = new Map<string, Membership>();
	let failed = 0;
	for (const c of res.cases) {
		try {
			const known = state.logHeads.get(c.caseId);
			const ctxLog = await validateEntries(c.caseId, deploymentId, c.entries, directory, known);
			heads.set(c.caseId, ctxLog.membership);
			if (!c.summary) continue;
			const ctx = { caseId: c.caseId, deploymentId, me, directory, pending: [], ...ctxLog };
			const summary = await readCaseObject(ctx, c.summary, parseSummary);
			if (summary?.title) titles.set(c.caseId, summary.title);
		} catch {
			failed++;
		}
	}
	await raiseHeads(me, heads).catch(() => undefined);
	return { titles, failed };
}
