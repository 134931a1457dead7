import { and, asc, eq, isNull, max, sql } from 'drizzle-orm';
import { getDb, type Tx } from './db';
import { caseEvents, cases, programStats } from './db/schema';
import type { OutcomeName as Outcome } from '$lib/outcome-labels';
import { DAY } from './retention';

/** Smaller counts are never shown: with so few cases, a number could point to a person. */
export const MIN_SHOWN = 5;

/** The stages a case moves forward through; paused, closed and withdrawn are not steps. */
export const STAGE_STEPS = ['referral', 'preparation', 'circle', 'agreement', 'follow-up'] as const;
export type StageStep = (typeof STAGE_STEPS)[number];

export const OUTCOMES: readonly Outcome[] = ['completed', 'partial', 'ended', 'withdrawn'];

/** How long a case was open, in broad bands (months of 30 days), so no date can be recovered. */
export const LENGTHS = ['under-1', '1-3', '3-6', '6-12', 'over-12'] as const;
export type LengthBand = (typeof LENGTHS)[number];

export function lengthBand(ms: number): LengthBand {
	const months = ms / (30 * DAY);
	if (months < 1) return 'under-1';
	if (months < 3) return '1-3';
	if (months < 6) return '3-6';
	if (months < 12) return '6-12';
	return 'over-12';
}

async function bump(tx: Tx, key: string) {
	await tx
		.insert(programStats)
		.values({ key, count: 1 })
		.onConflictDoUpdate({
			target: programStats.key,
			set: { count: sql`${programStats.count} + 1` }
		});
}

/**
 * Counts a case about to be purged, in the purge's own transaction: its outcome, the furthest
 * stage it reached and how long it was open. Three separate counters, never one row per case,
 * so nothing kept can be joined back into a case.
 */
export async function countPurgedCaseIn(tx: Tx, caseId: string) {
	const [row] = await tx
		.select({ createdAt: cases.createdAt, closedAt: cases.closedAt, outcome: cases.outcome })
		.from(cases)
		.where(eq(cases.id, caseId));
	if (!row || row.closedAt === null) return;
	const stages = await tx
		.select({ value: caseEvents.value })
		.from(caseEvents)
		.where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.kind, 'stage')))
		.orderBy(asc(caseEvents.id));
	const furthest = Math.max(0, ...stages.map((s) => STAGE_STEPS.indexOf(s.value as StageStep)));
	await bump(tx, `outcome:${row.outcome ?? 'ended'}`);
	await bump(tx, `stage:${STAGE_STEPS[furthest]}`);
	await bump(tx, `length:${lengthBand(row.closedAt - row.createdAt)}`);
}

export type Cell<K extends string> = { key: K; count: number | null };

/**
 * Hides every count below MIN_SHOWN (zero too, so an empty row says nothing either). When a
 * group would hide exactly one cell, the smallest shown cell is hidden as well: otherwise the
 * hidden one could be worked out from the total.
 */
export function suppress<K extends string>(counts: ReadonlyMap<K, number>, keys: readonly K[]) {
	const cells: Cell<K>[] = keys.map((key) => {
		const n = counts.get(key) ?? 0;
		return { key, count: n < MIN_SHOWN ? null : n };
	});
	if (cells.filter((c) => c.count === null).length === 1) {
		const shown = cells.filter((c) => c.count !== null);
		const smallest = shown.reduce<Cell<K> | undefined>(
			(a, c) => (a === undefined || (c.count ?? 0) < (a.count ?? 0) ? c : a),
			undefined
		);
		if (smallest) smallest.count = null;
	}
	return cells;
}

const shownTotal = (n: number) => (n < MIN_SHOWN ? null : n);

/** Program statistics for admins: purged cases' counters and today's open cases per stage. */
export async function programStatistics() {
	const db = getDb();
	const rows = await db.select().from(programStats);
	const group = <K extends string>(prefix: string) =>
		new Map(
			rows
				.filter((r) => r.key.startsWith(prefix + ':'))
				.map((r) => [r.key.slice(prefix.length + 1) as K, r.count])
		);
	const outcomes = group<Outcome>('outcome');
	const closedTotal = [...outcomes.values()].reduce((a, b) => a + b, 0);

	// Open cases by the stage they are in now (the latest stage event of each).
	const latest = db
		.select({ latestId: max(caseEvents.id).as('latest_id') })
		.from(caseEvents)
		.innerJoin(cases, eq(cases.id, caseEvents.caseId))
		.where(and(eq(caseEvents.kind, 'stage'), isNull(cases.closedAt)))
		.groupBy(caseEvents.caseId)
		.as('latest');
	const current = await db
		.select({ value: caseEvents.value })
		.from(caseEvents)
		.innerJoin(latest, eq(latest.latestId, caseEvents.id));
	const openStages = new Map<string, number>();
	for (const { value } of current) openStages.set(value, (openStages.get(value) ?? 0) + 1);
	const openKeys = [...STAGE_STEPS, 'paused'] as const;

	return {
		closed: {
			total: shownTotal(closedTotal),
			outcomes: suppress(outcomes, OUTCOMES),
			stages: suppress(group<StageStep>('stage'), STAGE_STEPS),
			lengths: suppress(group<LengthBand>('length'), LENGTHS)
		},
		open: {
			total: shownTotal(current.length),
			stages: suppress(openStages as Map<(typeof openKeys)[number], number>, openKeys)
		}
	};
}

export type ProgramStatistics = Awaited<ReturnType<typeof programStatistics>>;
