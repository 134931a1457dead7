import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	DAY_MS,
	MAX_REPEATS,
	dayIsOver,
	dayOf,
	dayString,
	dueDays,
	earliestToday,
	isDay,
	progressOf
} from './agreement-dates';

const H = 3_600_000;
const day = (date: string) => {
	const d = dayOf(date);
	if (d === null) throw new Error(`not a day: ${date}`);
	return d;
};
const strings = (days: number[]) => days.map(dayString);
const lastOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m + 1, 0)).getUTCDate();

describe('dayOf', () => {
	it('reads a calendar date as that day’s UTC midnight', () => {
		expect(dayOf('2026-01-31')).toBe(Date.UTC(2026, 0, 31));
		expect(dayOf('1970-01-01')).toBe(0);
		expect(dayOf('2030-12-31')).toBe(Date.UTC(2030, 11, 31));
		expect(isDay(day('2026-07-15'))).toBe(true);
	});

	it('refuses dates that do not exist instead of rolling them over', () => {
		for (const bad of [
			'2026-02-30',
			'2026-02-29',
			'2100-02-29',
			'2026-04-31',
			'2026-13-01',
			'2026-00-10',
			'2026-01-00',
			'2026-01-32'
		]) {
			expect(dayOf(bad), bad).toBeNull();
		}
	});

	it('knows leap years, including the century rules', () => {
		expect(dayString(day('2028-02-29'))).toBe('2028-02-29');
		expect(dayString(day('2000-02-29'))).toBe('2000-02-29');
		expect(dayString(day('2024-02-29'))).toBe('2024-02-29');
		expect(dayOf('1900-02-29')).toBeNull();
		expect(dayOf('2027-02-29')).toBeNull();
	});

	it('takes only the exact YYYY-MM-DD form', () => {
		for (const bad of [
			'',
			'2026-1-05',
			'2026-01-5',
			' 2026-01-05',
			'2026-01-05 ',
			'2026-01-05T00:00',
			'2026/01/05',
			'05-01-2026',
			'+02026-01-05',
			'２０２６-01-05'
		]) {
			expect(dayOf(bad), JSON.stringify(bad)).toBeNull();
		}
	});

	it('round-trips with dayString for every day of a leap year and a common year', () => {
		for (const year of [2027, 2028]) {
			let count = 0;
			for (let d = Date.UTC(year, 0, 1); d < Date.UTC(year + 1, 0, 1); d += DAY_MS) {
				expect(dayOf(dayString(d))).toBe(d);
				count++;
			}
			expect(count).toBe(year === 2028 ? 366 : 365);
		}
	});
});

describe('isDay', () => {
	it('is true only for whole UTC days', () => {
		expect(isDay(0)).toBe(true);
		expect(isDay(day('2026-03-29'))).toBe(true);
		expect(isDay(day('2026-03-29') + 1)).toBe(false);
		expect(isDay(day('2026-03-29') + H)).toBe(false);
		expect(isDay(1.5 * DAY_MS)).toBe(false);
		expect(isDay(Number.NaN)).toBe(false);
		expect(isDay(Number.MAX_SAFE_INTEGER + 1)).toBe(false);
	});
});

describe('dueDays', () => {
	it('has no days for an item without a date, and one for an item that does not repeat', () => {
		expect(dueDays(null, null)).toEqual([]);
		expect(dueDays(null, { every: 'week', count: 4 })).toEqual([]);
		expect(dueDays(day('2026-05-01'), null)).toEqual([day('2026-05-01')]);
	});

	it('repeats weekly in exact 7-day steps across spring and autumn clock changes', () => {
		// US clocks change on 8 March and 1 November 2026, European ones on 29 March and 25 October.
		const spring = dueDays(day('2026-03-02'), { every: 'week', count: 6 });
		expect(strings(spring)).toEqual([
			'2026-03-02',
			'2026-03-09',
			'2026-03-16',
			'2026-03-23',
			'2026-03-30',
			'2026-04-06'
		]);
		const autumn = dueDays(day('2026-10-19'), { every: 'week', count: 4 });
		expect(strings(autumn)).toEqual(['2026-10-19', '2026-10-26', '2026-11-02', '2026-11-09']);
		for (const days of [spring, autumn]) {
			for (let i = 1; i < days.length; i++) expect(days[i]! - days[i - 1]!).toBe(7 * DAY_MS);
			expect(days.every(isDay)).toBe(true);
		}
	});

	it('repeats weekly over a leap day and a year end', () => {
		expect(strings(dueDays(day('2028-02-22'), { every: 'week', count: 3 }))).toEqual([
			'2028-02-22',
			'2028-02-29',
			'2028-03-07'
		]);
		expect(strings(dueDays(day('2026-12-24'), { every: 'week', count: 3 }))).toEqual([
			'2026-12-24',
			'2026-12-31',
			'2027-01-07'
		]);
	});

	it('keeps the 31st on the last day of shorter months and returns to it after', () => {
		expect(strings(dueDays(day('2027-01-31'), { every: 'month', count: 5 }))).toEqual([
			'2027-01-31',
			'2027-02-28',
			'2027-03-31',
			'2027-04-30',
			'2027-05-31'
		]);
		// In a leap year February ends on the 29th.
		expect(strings(dueDays(day('2028-01-31'), { every: 'month', count: 3 }))).toEqual([
			'2028-01-31',
			'2028-02-29',
			'2028-03-31'
		]);
		// The 29th and 30th clamp only where they must.
		expect(strings(dueDays(day('2027-01-29'), { every: 'month', count: 3 }))).toEqual([
			'2027-01-29',
			'2027-02-28',
			'2027-03-29'
		]);
		expect(strings(dueDays(day('2028-01-30'), { every: 'month', count: 3 }))).toEqual([
			'2028-01-30',
			'2028-02-29',
			'2028-03-30'
		]);
	});

	it('carries monthly repeats over the year end', () => {
		expect(strings(dueDays(day('2026-10-31'), { every: 'month', count: 6 }))).toEqual([
			'2026-10-31',
			'2026-11-30',
			'2026-12-31',
			'2027-01-31',
			'2027-02-28',
			'2027-03-31'
		]);
	});

	it('lists exactly `count` days, up to the maximum', () => {
		expect(dueDays(day('2026-01-05'), { every: 'week', count: MAX_REPEATS })).toHaveLength(
			MAX_REPEATS
		);
		const monthly = dueDays(day('2026-01-05'), { every: 'month', count: MAX_REPEATS });
		expect(monthly).toHaveLength(MAX_REPEATS);
		expect(dayString(monthly.at(-1)!)).toBe('2034-08-05');
	});

	const startDay = fc
		.record({
			year: fc.integer({ min: 1970, max: 2400 }),
			month: fc.integer({ min: 0, max: 11 }),
			dom: fc.integer({ min: 1, max: 31 })
		})
		.map(({ year, month, dom }) => ({
			year,
			month,
			dom: Math.min(dom, lastOfMonth(year, month))
		}));

	it('monthly: never skips or repeats a month, and each day is real and on the start day or the month’s end', () => {
		fc.assert(
			fc.property(
				startDay,
				fc.integer({ min: 2, max: MAX_REPEATS }),
				({ year, month, dom }, count) => {
					const start = Date.UTC(year, month, dom);
					const days = dueDays(start, { every: 'month', count });
					expect(days).toHaveLength(count);
					expect(days[0]).toBe(start);
					days.forEach((d, i) => {
						const at = new Date(d);
						const y = at.getUTCFullYear();
						const m = at.getUTCMonth();
						// The i-th repeat falls in the i-th month after the start: none skipped.
						expect(y * 12 + m).toBe(year * 12 + month + i);
						expect(isDay(d)).toBe(true);
						expect(dayOf(dayString(d))).toBe(d);
						expect(at.getUTCDate()).toBeLessThanOrEqual(dom);
						expect(at.getUTCDate()).toBe(Math.min(dom, lastOfMonth(y, m)));
						if (i > 0) expect(d).toBeGreaterThan(days[i - 1]!);
					});
				}
			)
		);
	});

	it('weekly: every step is exactly seven days and every day is a whole day', () => {
		fc.assert(
			fc.property(
				startDay,
				fc.integer({ min: 2, max: MAX_REPEATS }),
				({ year, month, dom }, count) => {
					const start = Date.UTC(year, month, dom);
					const days = dueDays(start, { every: 'week', count });
					expect(days).toHaveLength(count);
					days.forEach((d, i) => {
						expect(d).toBe(start + i * 7 * DAY_MS);
						expect(isDay(d)).toBe(true);
						expect(new Date(d).getUTCDay()).toBe(new Date(start).getUTCDay());
					});
				}
			)
		);
	});
});

describe('earliestToday', () => {
	const jan1 = day('2030-01-01');

	it('is the date in UTC−12, which is still yesterday until noon UTC', () => {
		expect(dayString(earliestToday(jan1))).toBe('2029-12-31');
		expect(dayString(earliestToday(jan1 - 1))).toBe('2029-12-31');
		expect(dayString(earliestToday(jan1 + 9 * H))).toBe('2029-12-31');
		expect(dayString(earliestToday(jan1 + 12 * H - 1))).toBe('2029-12-31');
		expect(dayString(earliestToday(jan1 + 12 * H))).toBe('2030-01-01');
		expect(dayString(earliestToday(jan1 + 24 * H - 1))).toBe('2030-01-01');
		expect(dayString(earliestToday(jan1 + 36 * H - 1))).toBe('2030-01-01');
		expect(dayString(earliestToday(jan1 + 36 * H))).toBe('2030-01-02');
	});

	it('works before 1970 too (negative times)', () => {
		expect(earliestToday(0)).toBe(-DAY_MS);
		expect(dayString(earliestToday(Date.UTC(1969, 6, 20, 20, 17)))).toBe('1969-07-20');
	});

	it('is always a whole day, at most 36 hours before now and more than 12 hours before it', () => {
		fc.assert(
			fc.property(fc.integer({ min: -8.6e15, max: 8.6e15 }), (now) => {
				const today = earliestToday(now);
				expect(isDay(today)).toBe(true);
				expect(now - today).toBeGreaterThanOrEqual(12 * H);
				expect(now - today).toBeLessThan(36 * H);
			})
		);
	});
});

describe('dayIsOver', () => {
	const d = day('2030-03-10');

	it('is over exactly 36 hours after the day’s UTC midnight, not a millisecond before', () => {
		expect(dayIsOver(d, d)).toBe(false);
		expect(dayIsOver(d, d + 24 * H)).toBe(false);
		expect(dayIsOver(d, d + 36 * H - 1)).toBe(false);
		expect(dayIsOver(d, d + 36 * H)).toBe(true);
		expect(dayIsOver(d, d + 36 * H + 1)).toBe(true);
		expect(dayIsOver(d, d - DAY_MS)).toBe(false);
	});

	it('agrees with earliestToday: a day is over exactly when it is before the earliest today', () => {
		// So a due day the server refuses as past is one that is already over everywhere.
		fc.assert(
			fc.property(
				fc.integer({ min: -1e6, max: 1e6 }),
				fc.integer({ min: 0, max: 4 * DAY_MS }),
				(n, offset) => {
					const dueDay = n * DAY_MS;
					const now = dueDay + offset - DAY_MS;
					expect(dayIsOver(dueDay, now)).toBe(dueDay < earliestToday(now));
				}
			)
		);
	});
});

describe('progressOf', () => {
	const first = day('2030-03-04');
	const weekly = { due: first, repeat: { every: 'week' as const, count: 4 } };
	const overAt = (d: number) => d + 36 * H;

	it('an item with no date is never due and never overdue', () => {
		expect(progressOf({ due: null, repeat: null }, 0, false, overAt(first) * 2)).toEqual({
			dueSoFar: 0,
			overdueSince: null,
			next: null
		});
	});

	it('a one-off item is overdue once its day is over, until a check-in covers it', () => {
		const item = { due: first, repeat: null };
		expect(progressOf(item, 0, false, overAt(first) - 1)).toEqual({
			dueSoFar: 0,
			overdueSince: null,
			next: first
		});
		expect(progressOf(item, 0, false, overAt(first))).toEqual({
			dueSoFar: 1,
			overdueSince: first,
			next: null
		});
		expect(progressOf(item, 1, false, overAt(first))).toEqual({
			dueSoFar: 1,
			overdueSince: null,
			next: null
		});
	});

	it('a weekly item asks for one check-in per due day that is over', () => {
		const week = 7 * DAY_MS;
		// Three of the four days are over.
		const now = overAt(first + 2 * week);
		expect(progressOf(weekly, 0, false, now)).toEqual({
			dueSoFar: 3,
			overdueSince: first,
			next: first + 3 * week
		});
		expect(progressOf(weekly, 1, false, now).overdueSince).toBe(first + week);
		expect(progressOf(weekly, 2, false, now).overdueSince).toBe(first + 2 * week);
		expect(progressOf(weekly, 3, false, now).overdueSince).toBeNull();
		// More check-ins than days so far is fine: nothing is overdue.
		expect(progressOf(weekly, 9, false, now)).toEqual({
			dueSoFar: 3,
			overdueSince: null,
			next: first + 3 * week
		});
		// Once every day is over, nothing is next.
		expect(progressOf(weekly, 4, false, overAt(first + 3 * week))).toEqual({
			dueSoFar: 4,
			overdueSince: null,
			next: null
		});
		expect(progressOf(weekly, 4, false, overAt(first + 3 * week) - 1).next).toBe(first + 3 * week);
	});

	it('a monthly item from the 31st counts its clamped days', () => {
		const item = { due: day('2027-01-31'), repeat: { every: 'month' as const, count: 3 } };
		const now = overAt(day('2027-02-28'));
		expect(progressOf(item, 1, false, now)).toEqual({
			dueSoFar: 2,
			overdueSince: day('2027-02-28'),
			next: day('2027-03-31')
		});
	});

	it('a settled item is never overdue, though its days still count', () => {
		const now = overAt(first + 3 * 7 * DAY_MS) + 100 * DAY_MS;
		expect(progressOf(weekly, 0, true, now)).toEqual({
			dueSoFar: 4,
			overdueSince: null,
			next: null
		});
		expect(progressOf({ due: first, repeat: null }, 0, true, overAt(first))).toEqual({
			dueSoFar: 1,
			overdueSince: null,
			next: null
		});
	});

	it('is overdue exactly when fewer check-ins than days over, for any item and time', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 400 }),
				fc.option(
					fc.record({
						every: fc.constantFrom('week' as const, 'month' as const),
						count: fc.integer({ min: 2, max: 12 })
					}),
					{ nil: null }
				),
				fc.integer({ min: 0, max: 20 }),
				fc.boolean(),
				fc.integer({ min: -5 * DAY_MS, max: 400 * DAY_MS }),
				(startN, repeat, checkIns, settled, after) => {
					const due = day('2030-01-01') + startN * DAY_MS;
					const now = due + after;
					const p = progressOf({ due, repeat }, checkIns, settled, now);
					const days = dueDays(due, repeat);
					expect(p.dueSoFar).toBe(days.filter((d) => dayIsOver(d, now)).length);
					const overdue = !settled && checkIns < p.dueSoFar;
					expect(p.overdueSince !== null).toBe(overdue);
					if (overdue) expect(p.overdueSince).toBe(days[checkIns]);
					if (p.next !== null) {
						expect(dayIsOver(p.next, now)).toBe(false);
						expect(days.indexOf(p.next)).toBe(p.dueSoFar);
					} else {
						expect(p.dueSoFar).toBe(days.length);
					}
				}
			)
		);
	});
});
