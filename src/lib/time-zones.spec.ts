import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	describeZone,
	formatInZone,
	formatRange,
	isPast,
	isTimeZone,
	offsetLabel,
	utcToWallTime,
	wallTimeToUtc,
	zoneOffsetMinutes,
	type WallTime
} from './time-zones';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const utc = (iso: string) => Date.parse(`${iso}Z`);
const wall = (date: string, time: string): WallTime => ({ date, time });
// A wall time written as if it were UTC, so tests can step through it minute by minute.
const wallAt = (naiveMs: number): WallTime => {
	const iso = new Date(naiveMs).toISOString();
	return wall(iso.slice(0, 10), iso.slice(11, 16));
};

const ZONES = [
	'Europe/Berlin',
	'America/New_York',
	'Australia/Sydney',
	'Asia/Kolkata',
	'Pacific/Chatham',
	'America/St_Johns',
	'UTC',
	'Asia/Tokyo'
];
const ALL_ZONES = [...Intl.supportedValuesOf('timeZone'), ...ZONES];

describe('the runtime', () => {
	it('has full time-zone data', () => {
		expect(Intl.supportedValuesOf('timeZone').length).toBeGreaterThan(400);
		for (const zone of ZONES) expect(isTimeZone(zone)).toBe(true);
	});
});

describe('isTimeZone', () => {
	it('accepts every zone the runtime lists, UTC, and aliases it resolves', () => {
		for (const zone of Intl.supportedValuesOf('timeZone')) expect(isTimeZone(zone)).toBe(true);
		for (const zone of ['UTC', 'Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv', 'US/Eastern']) {
			expect(isTimeZone(zone)).toBe(true);
		}
		expect(isTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
		expect(isTimeZone('America/Port-au-Prince')).toBe(true);
		expect(isTimeZone('Etc/GMT+5')).toBe(true);
	});

	it('refuses offsets, made-up names, other spellings and junk', () => {
		const bad = [
			'',
			'Mars/Base',
			'+02:00',
			'-05:00',
			'+0200',
			'Z',
			'local',
			'Local',
			'utc',
			'europe/berlin',
			' Europe/Berlin',
			'Europe/Berlin ',
			'Europe//Berlin',
			'Europe/',
			'/Europe/Berlin',
			'../etc/passwd',
			'Europe/Berlin\n',
			`Europe/${'A'.repeat(80)}`
		];
		for (const zone of bad) expect(isTimeZone(zone), zone).toBe(false);
		expect(isTimeZone(undefined as unknown as string)).toBe(false);
	});
});

// The 2026 changes of the clocks, worked out by hand from each zone's rules.
const CHANGES = [
	{ zone: 'Europe/Berlin', at: utc('2026-03-29T01:00'), before: 60, after: 120 },
	{ zone: 'Europe/Berlin', at: utc('2026-10-25T01:00'), before: 120, after: 60 },
	{ zone: 'America/New_York', at: utc('2026-03-08T07:00'), before: -300, after: -240 },
	{ zone: 'America/New_York', at: utc('2026-11-01T06:00'), before: -240, after: -300 },
	{ zone: 'Australia/Sydney', at: utc('2026-04-04T16:00'), before: 660, after: 600 },
	{ zone: 'Australia/Sydney', at: utc('2026-10-03T16:00'), before: 600, after: 660 },
	{ zone: 'Pacific/Chatham', at: utc('2026-04-04T14:00'), before: 825, after: 765 },
	{ zone: 'Pacific/Chatham', at: utc('2026-09-26T14:00'), before: 765, after: 825 },
	{ zone: 'America/St_Johns', at: utc('2026-03-08T05:30'), before: -210, after: -150 },
	{ zone: 'America/St_Johns', at: utc('2026-11-01T04:30'), before: -150, after: -210 }
];

describe('zoneOffsetMinutes', () => {
	it('knows winter and summer in both hemispheres and the odd offsets', () => {
		const jan = utc('2026-01-15T12:00');
		const jul = utc('2026-07-15T12:00');
		const expected: Record<string, [number, number]> = {
			'Europe/Berlin': [60, 120],
			'America/New_York': [-300, -240],
			'Australia/Sydney': [660, 600],
			'Asia/Kolkata': [330, 330],
			'Pacific/Chatham': [825, 765],
			'America/St_Johns': [-210, -150],
			UTC: [0, 0],
			'Asia/Tokyo': [540, 540]
		};
		for (const [zone, [winter, summer]] of Object.entries(expected)) {
			expect([zoneOffsetMinutes(jan, zone), zoneOffsetMinutes(jul, zone)], zone).toEqual([
				winter,
				summer
			]);
		}
	});

	it('changes at exactly the instant the clocks change', () => {
		for (const { zone, at, before, after } of CHANGES) {
			expect(zoneOffsetMinutes(at - MINUTE, zone), zone).toBe(before);
			expect(zoneOffsetMinutes(at - 1, zone), zone).toBe(before);
			expect(zoneOffsetMinutes(at, zone), zone).toBe(after);
			expect(zoneOffsetMinutes(at + MINUTE, zone), zone).toBe(after);
		}
	});

	it('works before 1970 and with milliseconds', () => {
		expect(zoneOffsetMinutes(utc('1965-07-01T12:00') + 999, 'America/New_York')).toBe(-240);
		expect(zoneOffsetMinutes(-1, 'Asia/Tokyo')).toBe(540);
	});

	it('throws on a bad zone or instant', () => {
		expect(() => zoneOffsetMinutes(0, 'Mars/Base')).toThrow(RangeError);
		expect(() => zoneOffsetMinutes(0, '+02:00')).toThrow(RangeError);
		expect(() => zoneOffsetMinutes(NaN, 'UTC')).toThrow(RangeError);
	});
});

describe('wallTimeToUtc', () => {
	it('converts ordinary times', () => {
		expect(wallTimeToUtc(wall('2026-12-01', '18:00'), 'Europe/Berlin')).toEqual({
			ok: true,
			utcMs: utc('2026-12-01T17:00'),
			ambiguous: false
		});
		const cases: [string, string, string, string][] = [
			['America/New_York', '2026-07-04', '09:15', '2026-07-04T13:15'],
			['Australia/Sydney', '2026-01-01', '00:00', '2025-12-31T13:00'],
			['Asia/Kolkata', '2026-05-10', '10:00', '2026-05-10T04:30'],
			['Pacific/Chatham', '2026-01-10', '12:00', '2026-01-09T22:15'],
			['America/St_Johns', '2026-02-01', '20:00', '2026-02-01T23:30'],
			['UTC', '2026-06-30', '23:59', '2026-06-30T23:59'],
			['Asia/Tokyo', '2026-03-01', '08:00', '2026-02-28T23:00']
		];
		for (const [zone, date, time, iso] of cases) {
			expect(wallTimeToUtc(wall(date, time), zone), zone).toEqual({
				ok: true,
				utcMs: utc(iso),
				ambiguous: false
			});
		}
	});

	it('refuses times skipped when clocks go forward, to the minute', () => {
		expect(wallTimeToUtc(wall('2026-03-29', '02:30'), 'Europe/Berlin')).toEqual({
			ok: false,
			reason: 'nonexistent'
		});
		expect(wallTimeToUtc(wall('2026-03-08', '02:30'), 'America/New_York')).toEqual({
			ok: false,
			reason: 'nonexistent'
		});
		for (const { zone, at, before, after } of CHANGES.filter((c) => c.after > c.before)) {
			const gapStart = at + before * MINUTE; // the first wall minute that does not exist
			const gap = after - before;
			const skipped: number[] = [];
			for (let naive = gapStart - 2 * HOUR; naive < gapStart + gap * MINUTE + 2 * HOUR;) {
				const result = wallTimeToUtc(wallAt(naive), zone);
				if (!result.ok) skipped.push(naive);
				else expect(result.ambiguous).toBe(false);
				naive += MINUTE;
			}
			expect(skipped.length, zone).toBe(gap);
			expect(skipped[0], zone).toBe(gapStart);
			expect(wallTimeToUtc(wallAt(gapStart - MINUTE), zone)).toMatchObject({ utcMs: at - MINUTE });
			expect(wallTimeToUtc(wallAt(gapStart + gap * MINUTE), zone)).toMatchObject({ utcMs: at });
		}
	});

	it('takes the first of a time that happens twice when clocks go back, and says so', () => {
		expect(wallTimeToUtc(wall('2026-10-25', '02:30'), 'Europe/Berlin')).toEqual({
			ok: true,
			utcMs: utc('2026-10-25T00:30'),
			ambiguous: true
		});
		expect(wallTimeToUtc(wall('2026-11-01', '01:30'), 'America/New_York')).toEqual({
			ok: true,
			utcMs: utc('2026-11-01T05:30'),
			ambiguous: true
		});
		for (const { zone, at, before, after } of CHANGES.filter((c) => c.after < c.before)) {
			const repeatStart = at + after * MINUTE; // the clock shows this minute again at `at`
			const repeat = before - after;
			const twice: number[] = [];
			for (let naive = repeatStart - 2 * HOUR; naive < repeatStart + repeat * MINUTE + 2 * HOUR;) {
				const result = wallTimeToUtc(wallAt(naive), zone);
				expect(result.ok).toBe(true);
				if (result.ok && result.ambiguous) {
					twice.push(naive);
					// The earlier instant: still on the offset from before the change.
					expect(result.utcMs).toBe(naive - before * MINUTE);
					expect(result.utcMs).toBeLessThan(at);
				}
				naive += MINUTE;
			}
			expect(twice.length, zone).toBe(repeat);
			expect(twice[0], zone).toBe(repeatStart);
			expect(wallTimeToUtc(wallAt(repeatStart - MINUTE), zone)).toMatchObject({
				utcMs: at - repeat * MINUTE - MINUTE,
				ambiguous: false
			});
			expect(wallTimeToUtc(wallAt(repeatStart + repeat * MINUTE), zone)).toMatchObject({
				utcMs: at + repeat * MINUTE,
				ambiguous: false
			});
		}
	});

	it('treats the skipped day in Samoa (2011) as nonexistent', () => {
		expect(wallTimeToUtc(wall('2011-12-30', '12:00'), 'Pacific/Apia')).toEqual({
			ok: false,
			reason: 'nonexistent'
		});
		expect(wallTimeToUtc(wall('2011-12-31', '00:00'), 'Pacific/Apia')).toMatchObject({ ok: true });
	});

	it('refuses malformed dates, times and zones', () => {
		const dates = [
			'2026-02-30',
			'2026-02-29',
			'2026-04-31',
			'2026-13-01',
			'2026-00-10',
			'2026-01-00',
			'2026-1-05',
			'26-01-05',
			'0000-01-01',
			' 2026-01-05',
			'2026-01-05T10:00',
			'2026/01/05',
			'２０２６-01-05',
			''
		];
		for (const date of dates) {
			expect(wallTimeToUtc(wall(date, '10:00'), 'UTC'), date).toEqual({
				ok: false,
				reason: 'invalid'
			});
		}
		const times = [
			'24:00',
			'9:5',
			'09:5',
			'9:05',
			'12:60',
			'12:00:00',
			'1200',
			'',
			'12:00 ',
			'-1:00'
		];
		for (const time of times) {
			expect(wallTimeToUtc(wall('2026-01-05', time), 'UTC'), time).toEqual({
				ok: false,
				reason: 'invalid'
			});
		}
		for (const zone of ['', 'Mars/Base', '+02:00', 'local']) {
			expect(wallTimeToUtc(wall('2026-01-05', '10:00'), zone)).toEqual({
				ok: false,
				reason: 'invalid'
			});
		}
		expect(wallTimeToUtc(null as unknown as WallTime, 'UTC')).toEqual({
			ok: false,
			reason: 'invalid'
		});
	});

	it('accepts leap days and the ends of the range', () => {
		expect(wallTimeToUtc(wall('2028-02-29', '00:00'), 'UTC')).toMatchObject({
			utcMs: utc('2028-02-29T00:00')
		});
		expect(wallTimeToUtc(wall('0050-06-01', '12:00'), 'UTC')).toMatchObject({
			utcMs: Date.parse('0050-06-01T12:00:00Z')
		});
		expect(wallTimeToUtc(wall('9999-12-31', '23:59'), 'Asia/Tokyo')).toMatchObject({
			utcMs: utc('9999-12-31T14:59')
		});
	});
});

describe('utcToWallTime', () => {
	it('shows the wall clock, with midnight as 00:00 of the next day', () => {
		expect(utcToWallTime(utc('2026-01-01T23:00'), 'Europe/Berlin')).toEqual(
			wall('2026-01-02', '00:00')
		);
		expect(utcToWallTime(utc('2026-01-01T23:00:59.999'), 'Europe/Berlin')).toEqual(
			wall('2026-01-02', '00:00')
		);
		expect(utcToWallTime(utc('2026-03-29T01:00'), 'Europe/Berlin')).toEqual(
			wall('2026-03-29', '03:00')
		);
		expect(utcToWallTime(utc('2026-06-01T00:00'), 'Pacific/Chatham')).toEqual(
			wall('2026-06-01', '12:45')
		);
	});

	it('throws on a bad zone', () => {
		expect(() => utcToWallTime(0, 'Mars/Base')).toThrow(RangeError);
	});
});

// Minute-aligned instants after 1980: earlier local mean times had offsets with seconds.
const instants = fc
	.integer({ min: utc('1980-01-01T00:00') / MINUTE, max: utc('2100-01-01T00:00') / MINUTE })
	.map((minutes) => minutes * MINUTE);
const walls = instants.map((ms) => wallAt(ms));

describe('round trips', () => {
	it('finds the same instant again from the wall time, in every zone', () => {
		fc.assert(
			fc.property(fc.constantFrom(...ALL_ZONES), instants, (zone, ms) => {
				const shown = utcToWallTime(ms, zone);
				const back = wallTimeToUtc(shown, zone);
				expect(back.ok).toBe(true);
				if (!back.ok) return;
				if (back.ambiguous) {
					expect(back.utcMs).toBeLessThanOrEqual(ms);
					expect(utcToWallTime(back.utcMs, zone)).toEqual(shown);
				} else {
					expect(back.utcMs).toBe(ms);
				}
			}),
			{ numRuns: 3000 }
		);
	});

	it('gives back the same wall time, or knows why it cannot', () => {
		fc.assert(
			fc.property(fc.constantFrom(...ALL_ZONES), walls, (zone, asked) => {
				const result = wallTimeToUtc(asked, zone);
				const naive = utc(`${asked.date}T${asked.time}`);
				if (!result.ok) {
					expect(result.reason).toBe('nonexistent');
					// Only when the clocks went forward nearby.
					expect(zoneOffsetMinutes(naive + DAY, zone)).toBeGreaterThan(
						zoneOffsetMinutes(naive - DAY, zone)
					);
					return;
				}
				expect(utcToWallTime(result.utcMs, zone)).toEqual(asked);
				if (result.ambiguous) {
					const repeat =
						zoneOffsetMinutes(result.utcMs, zone) - zoneOffsetMinutes(naive + DAY, zone);
					expect(repeat).toBeGreaterThan(0);
					expect(utcToWallTime(result.utcMs + repeat * MINUTE, zone)).toEqual(asked);
				}
			}),
			{ numRuns: 3000 }
		);
	});

	it('holds for the main zones over a whole year, every 97 minutes', () => {
		for (const zone of ZONES) {
			for (let ms = utc('2026-01-01T00:00'); ms < utc('2027-01-01T00:00'); ms += 97 * MINUTE) {
				const back = wallTimeToUtc(utcToWallTime(ms, zone), zone);
				expect(back.ok && (back.utcMs === ms || back.ambiguous), `${zone} ${ms}`).toBe(true);
			}
		}
	});
});

describe('a meeting planned in one zone, seen in another', () => {
	it('moves by an hour in New York while only one side has changed its clocks', () => {
		const berlinWeekly = [
			'2026-03-03',
			'2026-03-10',
			'2026-03-17',
			'2026-03-24',
			'2026-03-31',
			'2026-10-20',
			'2026-10-27',
			'2026-11-03'
		];
		const inNewYork = berlinWeekly.map((date) => {
			const result = wallTimeToUtc(wall(date, '18:00'), 'Europe/Berlin');
			if (!result.ok) throw new Error(date);
			return utcToWallTime(result.utcMs, 'America/New_York').time;
		});
		expect(inNewYork).toEqual([
			'12:00',
			'13:00',
			'13:00',
			'13:00',
			'12:00',
			'12:00',
			'13:00',
			'12:00'
		]);
	});

	it('names both zones and offsets so nobody has to work it out', () => {
		const result = wallTimeToUtc(wall('2026-03-17', '18:00'), 'Europe/Berlin');
		if (!result.ok) throw new Error('expected a time');
		expect(formatInZone(result.utcMs, 'Europe/Berlin')).toMatch(
			/^Tuesday,? 17 March 2026, 18:00 \(Europe\/Berlin, UTC\+1\)$/
		);
		expect(formatInZone(result.utcMs, 'America/New_York')).toMatch(
			/^Tuesday,? 17 March 2026, 13:00 \(America\/New_York, UTC-4\)$/
		);
	});

	it('needs wall-clock weeks, not UTC weeks, to stay at 18:00 across a change', () => {
		const result = wallTimeToUtc(wall('2026-03-24', '18:00'), 'Europe/Berlin');
		if (!result.ok) throw new Error('expected a time');
		expect(utcToWallTime(result.utcMs + 7 * DAY, 'Europe/Berlin')).toEqual(
			wall('2026-03-31', '19:00')
		);
	});
});

describe('formatting', () => {
	const december = utc('2026-12-01T17:00');

	it('names the zone and its offset at that instant, on a 24-hour clock', () => {
		expect(formatInZone(december, 'Europe/Berlin')).toMatch(
			/^Tuesday,? 1 December 2026, 18:00 \(Europe\/Berlin, UTC\+1\)$/
		);
		expect(formatInZone(utc('2026-12-01T13:00'), 'America/New_York', 'en-US')).toMatch(
			/^Tuesday, December 1, 2026, 08:00 \(America\/New_York, UTC-5\)$/
		);
		expect(formatInZone(december, 'UTC')).toMatch(/^Tuesday,? 1 December 2026, 17:00 \(UTC\)$/);
		expect(formatInZone(december, 'Europe/Berlin', 'de')).toMatch(
			/^Dienstag, 1\. Dezember 2026, 18:00 \(Europe\/Berlin, UTC\+1\)$/
		);
	});

	it('writes offsets plainly, including half and three-quarter hours', () => {
		expect(describeZone(december, 'Asia/Kolkata')).toBe('Asia/Kolkata, UTC+5:30');
		expect(describeZone(december, 'Pacific/Chatham')).toBe('Pacific/Chatham, UTC+13:45');
		expect(describeZone(december, 'America/St_Johns')).toBe('America/St_Johns, UTC-3:30');
		expect(describeZone(december, 'Europe/London')).toBe('Europe/London, UTC+0');
		// Old spellings a runtime may report are shown by today's names.
		expect(describeZone(december, 'Asia/Calcutta')).toBe('Asia/Kolkata, UTC+5:30');
		expect(describeZone(december, 'Europe/Kiev')).toBe('Europe/Kyiv, UTC+2');
		expect(offsetLabel(-570)).toBe('UTC-9:30');
		expect(offsetLabel(0)).toBe('UTC+0');
	});

	it('shows a range on one day, across midnight, and across a change of the clocks', () => {
		expect(formatRange(december, 90, 'Europe/Berlin')).toMatch(
			/^Tuesday,? 1 December 2026, 18:00–19:30 \(Europe\/Berlin, UTC\+1\)$/
		);
		expect(formatRange(utc('2026-12-01T22:00'), 90, 'Europe/Berlin')).toMatch(
			/^Tuesday,? 1 December 2026, 23:00 – Wednesday,? 2 December 2026, 00:30 \(Europe\/Berlin, UTC\+1\)$/
		);
		expect(formatRange(utc('2026-03-29T00:30'), 120, 'Europe/Berlin')).toMatch(
			/^Sunday,? 29 March 2026, 01:30–04:30 \(Europe\/Berlin, UTC\+1 → UTC\+2\)$/
		);
		expect(formatRange(december, 60, 'Asia/Tokyo')).toMatch(
			/^Wednesday,? 2 December 2026, 02:00–03:00 \(Asia\/Tokyo, UTC\+9\)$/
		);
	});

	it('refuses a duration that is not a positive whole number of minutes', () => {
		for (const bad of [0, -30, 1.5, NaN, Infinity]) {
			expect(() => formatRange(december, bad, 'UTC')).toThrow(RangeError);
		}
		expect(() => formatInZone(december, 'Mars/Base')).toThrow(RangeError);
	});
});

describe('isPast', () => {
	it('is past only once the start has gone by', () => {
		const now = utc('2026-05-01T10:00');
		expect(isPast(now - 1, now)).toBe(true);
		expect(isPast(now, now)).toBe(false);
		expect(isPast(now + MINUTE, now)).toBe(false);
	});
});
