/**
 * Due dates of agreement items, shared by the server (overdue lists) and the browser. A due date
 * is a calendar day, stored as that day's UTC midnight in ms: a day, not an instant, so nothing
 * shifts with time zones or clocks changing. A recurring item is due on its first day and then
 * every week or every month, a fixed number of times.
 */

export const DAY_MS = 86_400_000;
export const REPEAT_UNITS = ['week', 'month'] as const;
export type RepeatUnit = (typeof REPEAT_UNITS)[number];
export type Repeat = { every: RepeatUnit; count: number };
/** Two years of weekly check-ins: enough for any agreement, small enough to list. */
export const MAX_REPEATS = 104;

/** 'YYYY-MM-DD' to its day, or null if it is not a real date. */
export function dayOf(date: string): number | null {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
	if (!m) return null;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const ms = Date.UTC(y, mo - 1, d);
	const back = new Date(ms);
	// Date.UTC rolls 2026-02-30 over to March; a date that does not exist is refused instead.
	if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
		return null;
	}
	return ms;
}

export function isDay(ms: number): boolean {
	return Number.isSafeInteger(ms) && ms % DAY_MS === 0;
}

/** A day as 'YYYY-MM-DD' (what `<input type="date">` shows and posts). */
export function dayString(day: number): string {
	return new Date(day).toISOString().slice(0, 10);
}

function addMonths(day: number, months: number): number {
	const d = new Date(day);
	const y = d.getUTCFullYear();
	const m = d.getUTCMonth() + months;
	// The 31st repeats on the last day of shorter months, and comes back to the 31st after.
	const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
	return Date.UTC(y, m, Math.min(d.getUTCDate(), last));
}

/** Every day an item is due: its one due day, each repeat, or none for an item with no date. */
export function dueDays(due: number | null, repeat: Repeat | null): number[] {
	if (due === null) return [];
	if (!repeat) return [due];
	const out: number[] = [];
	for (let i = 0; i < repeat.count; i++) {
		out.push(repeat.every === 'week' ? due + i * 7 * DAY_MS : addMonths(due, i));
	}
	return out;
}

/**
 * The earliest date it still is anywhere on Earth (UTC−12). A due day before it is in the past
 * for everyone; one on or after it is still to come somewhere, so nobody is refused a day that
 * is today where they are.
 */
export function earliestToday(now: number): number {
	const t = now - 12 * 3_600_000;
	return t - (((t % DAY_MS) + DAY_MS) % DAY_MS);
}

/** A due day is over once it has ended everywhere (UTC−12's midnight after it). */
export function dayIsOver(day: number, now: number): boolean {
	return now >= day + DAY_MS + 12 * 3_600_000;
}

export type ItemProgress = {
	/** Due days already over. */
	dueSoFar: number;
	/** The first due day over and not yet covered by a check-in, if the item is still open. */
	overdueSince: number | null;
	/** The next due day not yet over. */
	next: number | null;
};

/**
 * Where an item stands. Each due day that is over asks for one check-in; an item done, verified
 * or missed is settled and never overdue (a missed item is shown as missed, not as late).
 */
export function progressOf(
	item: { due: number | null; repeat: Repeat | null },
	checkIns: number,
	settled: boolean,
	now: number
): ItemProgress {
	const days = dueDays(item.due, item.repeat);
	const over = days.filter((d) => dayIsOver(d, now));
	const next = days.find((d) => !dayIsOver(d, now)) ?? null;
	const uncovered = settled ? null : (over[checkIns] ?? null);
	return { dueSoFar: over.length, overdueSince: uncovered, next };
}
