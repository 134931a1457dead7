import type { InStatement, ResultSet } from '@libsql/client';
import { closeDb, getDb, openDb } from '../src/lib/server/db';
import { listCasesFor } from '../src/lib/server/cases';
import { unreadByCase, waitingFor } from '../src/lib/server/waiting';
import { agreementFor, followUpDashboard } from '../src/lib/server/agreement-views';
import { caseSummariesFor } from '../src/lib/server/case-summaries';
import { meetingsFor } from '../src/lib/server/meeting-views';
import { getCaseLog } from '../src/lib/server/case-log';
import { listCaseEnvelopes } from '../src/lib/server/case-envelopes';
import { casePage } from '../src/lib/server/case-page';
import { dashboardFor } from '../src/lib/server/dashboard';
import { caseAuditFor } from '../src/lib/server/case-audit';
import { getDeploymentId, getOrgSettings } from '../src/lib/server/org';

/**
 * The queries behind the facilitator's dashboard and a case page, timed on the seeded org as
 * the routes call them (domain functions, real database file), with the SQL each one sends and
 * SQLite's plan for it. Loaded by bench/run.js through Vite's module runner.
 */

/** `ms`: the median time of the statement alone (one execution, first arguments seen). */
export type QueryPlan = {
	sql: string;
	args: unknown[];
	ms: number;
	plan: string[];
	fullScans: string[];
};
export type QueryResult = {
	group: string;
	label: string;
	covers?: 'page' | 'all';
	/** Statements sent and rows they returned, in one run. */
	queries: number;
	rows: number;
	/** Wall-clock milliseconds per run, and this process's CPU milliseconds per run. */
	times: number[];
	cpu: number[];
	plans: QueryPlan[];
};
type Plan = { warmup: number; runs: number; capMs: number };

/** Tables small enough, or read whole on purpose, that scanning them is fine. */
const SMALL = new Set(['settings', 'form_templates', 'program_stats']);

/** `page`: covers one page of the dashboard; `all`: every case of the person, so grows with them. */
type Target = {
	group: string;
	label: string;
	covers?: 'page' | 'all';
	run: () => Promise<unknown>;
};

function targets(facilitatorId: string, caseId: string, survivorId: string): Target[] {
	const dashboard = 'dashboard';
	const onCase = 'case page';
	// The facilitator's cases on the dashboard's first page: the titles its script asks for.
	let firstPage: string[] = [];
	let lastPage = 1;
	return [
		// GET /cases (the load, page 1 and the last page), then the titles its script fetches;
		// GET /cases/follow-up; GET /home.
		{
			group: dashboard,
			label: 'dashboardFor (page 1)',
			covers: 'page',
			run: async () => {
				const d = await dashboardFor(facilitatorId, 1);
				firstPage = d.cases.filter((c) => c.myRole === 'facilitator').map((c) => c.id);
				lastPage = d.pages;
			}
		},
		{
			group: dashboard,
			label: 'dashboardFor (last page)',
			covers: 'page',
			run: () => dashboardFor(facilitatorId, lastPage)
		},
		{
			group: dashboard,
			label: 'caseSummariesFor (page 1)',
			covers: 'page',
			run: () => caseSummariesFor(facilitatorId, firstPage)
		},
		{
			group: dashboard,
			label: '/cases load, all of it',
			covers: 'page',
			run: async () => {
				await getOrgSettings();
				await dashboardFor(facilitatorId, 1);
				await getDeploymentId();
			}
		},
		{
			group: dashboard,
			label: 'followUpDashboard (/cases/follow-up)',
			covers: 'all',
			run: () => followUpDashboard(facilitatorId)
		},
		{
			group: dashboard,
			label: 'waitingFor (home)',
			covers: 'all',
			run: () => waitingFor(facilitatorId)
		},
		{
			group: dashboard,
			label: 'before: listCasesFor + unreadByCase',
			covers: 'all',
			run: async () =>
				unreadByCase(
					facilitatorId,
					(await listCasesFor(facilitatorId)).map((c) => c.id)
				)
		},
		// GET /cases/[id] (the load), the log and summary its script fetches, then the
		// agreement, meetings and audit pages of the same case.
		{ group: onCase, label: 'casePage (the load)', run: () => casePage(facilitatorId, caseId) },
		{
			group: onCase,
			label: '/cases/[id] load, all of it',
			run: async () => {
				await getOrgSettings();
				await casePage(facilitatorId, caseId);
				await getDeploymentId();
			}
		},
		{ group: onCase, label: 'getCaseLog', run: () => getCaseLog(facilitatorId, caseId) },
		{
			group: onCase,
			label: 'listCaseEnvelopes (summary)',
			run: () => listCaseEnvelopes(facilitatorId, caseId, ['case-summary', 'facilitator-notes'])
		},
		{ group: onCase, label: 'agreementFor', run: () => agreementFor(facilitatorId, caseId) },
		{
			group: onCase,
			label: 'meetingsFor (case)',
			run: () => meetingsFor(facilitatorId, { caseId, from: 0 })
		},
		{ group: onCase, label: 'caseAuditFor', run: () => caseAuditFor(facilitatorId, caseId) },
		{ group: 'survivor', label: 'waitingFor (home)', run: () => waitingFor(survivorId) },
		{ group: 'survivor', label: 'casePage', run: () => casePage(survivorId, caseId) },
		{ group: 'survivor', label: 'agreementFor', run: () => agreementFor(survivorId, caseId) }
	];
}

/** Records every statement sent through the app's client while `fn` runs. */
async function capture(fn: () => Promise<unknown>) {
	const client = getDb().$client;
	const seen: InStatement[] = [];
	let rows = 0;
	const original = client.execute;
	const run = original.bind(client) as (stmt: InStatement) => Promise<ResultSet>;
	client.execute = (async (stmt: InStatement | string, args?: unknown) => {
		const s = typeof stmt === 'string' ? { sql: stmt, args: (args ?? []) as [] } : stmt;
		seen.push(s);
		const result = await run(s);
		rows += result.rows.length;
		return result;
	}) as typeof client.execute;
	try {
		await fn();
	} finally {
		client.execute = original;
	}
	return { statements: seen, rows };
}

/** EXPLAIN QUERY PLAN for each distinct statement, with the tables it reads without an index. */
async function plansOf(statements: InStatement[]): Promise<QueryPlan[]> {
	const client = getDb().$client;
	const distinct = new Map<string, InStatement>();
	for (const s of statements) {
		const sql = typeof s === 'string' ? s : s.sql;
		if (!distinct.has(sql)) distinct.set(sql, s);
	}
	const { rows: names } = await client.execute(
		"SELECT name FROM sqlite_master WHERE type = 'table'"
	);
	const tables = new Set(names.map((r) => String(r[0])));
	const out: QueryPlan[] = [];
	for (const [sql, s] of distinct) {
		const args = typeof s === 'string' ? [] : (s.args ?? []);
		const { rows } = await client.execute({
			sql: `EXPLAIN QUERY PLAN ${sql}`,
			args
		} as InStatement);
		// The statement alone, on the raw client: SQLite's share of the time, without the ORM.
		const times: number[] = [];
		for (let i = 0; i < 7; i++) {
			const t0 = performance.now();
			await client.execute({ sql, args } as InStatement);
			times.push(performance.now() - t0);
		}
		const ms = times.sort((a, b) => a - b)[3]!;
		// Rows are (id, parent, notused, detail); indent by depth like the sqlite3 shell.
		const depth = new Map<number, number>();
		const plan = rows.map((r) => {
			const d = (depth.get(Number(r[1])) ?? -1) + 1;
			depth.set(Number(r[0]), d);
			return `${'  '.repeat(d)}${String(r[3])}`;
		});
		// `SCAN latest` reads a subquery's rows, not a table: only tables count.
		const fullScans = plan
			.map((line) => line.trim().match(/^SCAN (\w+)(?: AS \w+)?$/)?.[1])
			.filter((t): t is string => !!t && tables.has(t) && !SMALL.has(t));
		out.push({ sql, args: [...(args as unknown[])], ms, plan, fullScans });
	}
	return out;
}

export async function measureQueries(
	file: string,
	ids: { facilitatorId: string; caseId: string; survivorId: string },
	plan: Plan = { warmup: 3, runs: 30, capMs: 4000 },
	progress: (line: string) => void = () => {}
): Promise<QueryResult[]> {
	process.env.DATABASE_URL = `file:${file}`;
	await openDb();
	try {
		const results: QueryResult[] = [];
		for (const t of targets(ids.facilitatorId, ids.caseId, ids.survivorId)) {
			const { statements, rows } = await capture(t.run);
			const plans = await plansOf(statements);
			for (let i = 0; i < plan.warmup; i++) await t.run();
			const times: number[] = [];
			const cpu: number[] = [];
			const start = performance.now();
			while (
				times.length < plan.runs &&
				(times.length < 5 || performance.now() - start < plan.capMs)
			) {
				const t0 = performance.now();
				const c0 = process.cpuUsage();
				await t.run();
				const c = process.cpuUsage(c0);
				times.push(performance.now() - t0);
				// CPU time of this process: what the run costs when other work shares the machine.
				cpu.push((c.user + c.system) / 1000);
			}
			progress(`  ${t.group.padEnd(10)} ${t.label.padEnd(30)} ${times.length} runs`);
			results.push({
				group: t.group,
				label: t.label,
				covers: t.covers,
				queries: statements.length,
				rows,
				times,
				cpu,
				plans
			});
		}
		return results;
	} finally {
		await closeDb();
	}
}
