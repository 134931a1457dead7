/**
 * Time zones with nothing but `Intl`, so the browser and the server agree and no date library
 * ships. A meeting is stored as UTC milliseconds plus the IANA zone it was planned in.
 */

export type WallTime = { date: string; time: string };
export type WallTimeResult =
	| { ok: true; utcMs: number; ambiguous: boolean }
	| { ok: false; reason: 'invalid' | 'nonexistent' };

type Fields = {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
};

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

// Runtimes match names in any case; asking for IANA's capitals keeps 'utc' and 'europe/berlin'
// out of storage. It also refuses offsets ('+02:00'), which newer runtimes take as zones although
// they know nothing of daylight saving.
const ZONE_SHAPE = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/;
const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_SHAPE = /^(\d{2}):(\d{2})$/;

let listed: Set<string> | undefined;

/**
 * A real IANA zone name this runtime knows, spelled as IANA spells it. Aliases count (the runtime
 * may list Asia/Calcutta and Europe/Kiev while a browser reports Asia/Kolkata or Europe/Kyiv).
 */
export function isTimeZone(name: string): boolean {
	if (typeof name !== 'string' || name.length > 64 || !ZONE_SHAPE.test(name)) return false;
	listed ??= new Set(Intl.supportedValuesOf?.('timeZone') ?? []);
	if (name === 'UTC' || listed.has(name)) return true;
	try {
		new Intl.DateTimeFormat('en', { timeZone: name });
		return true;
	} catch {
		return false;
	}
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(key: string, zone: string, options: Intl.DateTimeFormatOptions, locale = 'en-US') {
	let found = formats.get(key);
	if (found) return found;
	if (!isTimeZone(zone)) throw new RangeError(`Unknown time zone: ${zone}`);
	found = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone });
	formats.set(key, found);
	return found;
}

function wallFields(utcMs: number, zone: string): Fields {
	const parts = format(`parts|${zone}`, zone, {
		calendar: 'gregory',
		numberingSystem: 'latn',
		hourCycle: 'h23',
		era: 'short',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: 'numeric',
		minute: 'numeric',
		second: 'numeric'
	}).formatToParts(utcMs);
	const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
	const year = get('year');
	return {
		year: parts.find((part) => part.type === 'era')?.value === 'BC' ? 1 - year : year,
		month: get('month'),
		day: get('day'),
		// Some engines have written 00:05 as 24:05 (on the right date).
		hour: get('hour') % 24,
		minute: get('minute'),
		second: get('second')
	};
}

// Date.UTC would read years 0–99 as 1900–1999.
function fieldsToUtc(f: Fields): number {
	const date = new Date(0);
	date.setUTCFullYear(f.year, f.month - 1, f.day);
	return date.setUTCHours(f.hour, f.minute, f.second, 0);
}

// Exact to the second: local mean times before standard time had odd seconds.
function offsetMs(utcMs: number, zone: string): number {
	return fieldsToUtc(wallFields(utcMs, zone)) - Math.floor(utcMs / 1000) * 1000;
}

/** Minutes the zone is ahead of UTC at that instant (Europe/Berlin in winter: 60). */
export function zoneOffsetMinutes(utcMs: number, zone: string): number {
	return Math.round(offsetMs(utcMs, zone) / MINUTE);
}

function parseWall(wall: WallTime): Fields | null {
	const d = DATE_SHAPE.exec(typeof wall?.date === 'string' ? wall.date : '');
	const t = TIME_SHAPE.exec(typeof wall?.time === 'string' ? wall.time : '');
	if (!d || !t) return null;
	const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
	const fields = { year, month, day, hour: Number(t[1]), minute: Number(t[2]), second: 0 };
	if (year < 1 || month < 1 || month > 12 || fields.hour > 23 || fields.minute > 59) return null;
	// 2026-02-30 would roll over into March.
	return new Date(fieldsToUtc(fields)).getUTCDate() === day ? fields : null;
}

/**
 * The instant a wall-clock time in a zone stands for. A time skipped when the clocks go forward
 * is 'nonexistent'; a time that happens twice when they go back gives the earlier instant (the
 * first time the clock shows it) with `ambiguous: true`, so the form can say which one it means.
 */
export function wallTimeToUtc(wall: WallTime, zone: string): WallTimeResult {
	const fields = parseWall(wall);
	if (!fields || !isTimeZone(zone)) return { ok: false, reason: 'invalid' };
	const naive = fieldsToUtc(fields);
	// Offsets a day either side cover any one change of the clocks, even Samoa's skipped day.
	const offsets = new Set([naive - DAY, naive, naive + DAY].map((ms) => offsetMs(ms, zone)));
	const instants = [...offsets]
		.map((offset) => naive - offset)
		.filter((ms) => fieldsToUtc(wallFields(ms, zone)) === naive)
		.sort((a, b) => a - b);
	const first = instants[0];
	if (first === undefined) return { ok: false, reason: 'nonexistent' };
	return { ok: true, utcMs: first, ambiguous: instants.length > 1 };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The wall-clock date and time (to the minute) an instant shows in a zone, for editing forms. */
export function utcToWallTime(utcMs: number, zone: string): WallTime {
	const f = wallFields(utcMs, zone);
	if (f.year < 1 || f.year > 9999) throw new RangeError('Year outside 0001–9999');
	return {
		date: `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`,
		time: `${pad(f.hour)}:${pad(f.minute)}`
	};
}

/** 'UTC+1', 'UTC-3:30', 'UTC+0': ASCII, the same in every language. */
export function offsetLabel(offsetMinutes: number): string {
	const abs = Math.abs(offsetMinutes);
	const minutes = abs % 60 ? `:${pad(abs % 60)}` : '';
	return `UTC${offsetMinutes < 0 ? '-' : '+'}${Math.floor(abs / 60)}${minutes}`;
}

// Runtimes may still report a few zones by names IANA has since replaced; people should see the
// names used today (a browser in Kyiv reports Europe/Kiev).
const CURRENT_NAMES: Record<string, string> = {
	'Asia/Calcutta': 'Asia/Kolkata',
	'Asia/Katmandu': 'Asia/Kathmandu',
	'Asia/Rangoon': 'Asia/Yangon',
	'Asia/Saigon': 'Asia/Ho_Chi_Minh',
	'America/Godthab': 'America/Nuuk',
	'Atlantic/Faeroe': 'Atlantic/Faroe',
	'Europe/Kiev': 'Europe/Kyiv',
	'Europe/Uzhgorod': 'Europe/Kyiv',
	'Europe/Zaporozhye': 'Europe/Kyiv'
};

/** A zone's name as people know it today. */
export const zoneName = (zone: string) => CURRENT_NAMES[zone] ?? zone;

/** The zone as people should see it beside a time: 'Europe/Berlin, UTC+1'. */
export function describeZone(utcMs: number, zone: string): string {
	const label = offsetLabel(zoneOffsetMinutes(utcMs, zone));
	return zone === 'UTC' ? zone : `${zoneName(zone)}, ${label}`;
}

function dateText(utcMs: number, zone: string, locale: string): string {
	const options = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' } as const;
	return format(`date|${locale}|${zone}`, zone, options, locale).format(utcMs);
}

// Always 24-hour: '00:30' cannot be misread, and 12 am/pm is a classic mix-up.
function timeText(utcMs: number, zone: string, locale: string): string {
	const options = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
	return format(`time|${locale}|${zone}`, zone, options, locale).format(utcMs);
}

/** 'Tuesday, 1 December 2026, 18:00 (Europe/Berlin, UTC+1)'. */
export function formatInZone(utcMs: number, zone: string, locale = 'en-GB'): string {
	const when = `${dateText(utcMs, zone, locale)}, ${timeText(utcMs, zone, locale)}`;
	return `${when} (${describeZone(utcMs, zone)})`;
}

/**
 * 'Tuesday, 1 December 2026, 18:00–19:30 (Europe/Berlin, UTC+1)'; both dates when it crosses
 * midnight in that zone; both offsets ('UTC+1 → UTC+2') when the clocks change during it.
 */
export function formatRange(
	startMs: number,
	durationMin: number,
	zone: string,
	locale = 'en-GB'
): string {
	if (!Number.isInteger(durationMin) || durationMin <= 0) throw new RangeError('Bad duration');
	const endMs = startMs + durationMin * MINUTE;
	const [startDay, endDay] = [startMs, endMs].map((ms) => utcToWallTime(ms, zone).date);
	const [from, to] = [startMs, endMs].map((ms) => timeText(ms, zone, locale));
	const when =
		startDay === endDay
			? `${dateText(startMs, zone, locale)}, ${from}–${to}`
			: `${dateText(startMs, zone, locale)}, ${from} – ${dateText(endMs, zone, locale)}, ${to}`;
	const before = describeZone(startMs, zone);
	const after = zoneOffsetMinutes(endMs, zone);
	const changed = after !== zoneOffsetMinutes(startMs, zone);
	return `${when} (${changed ? `${before} → ${offsetLabel(after)}` : before})`;
}

/** Whether a meeting's start has passed; a start at exactly `nowMs` has not. */
export function isPast(startMs: number, nowMs: number): boolean {
	return startMs < nowMs;
}
