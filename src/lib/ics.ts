/**
 * A calendar file (RFC 5545) for one meeting, made in the browser. By default it says only
 * "Appointment" and when: calendars are shared, synced to work accounts and shown on lock
 * screens, so the title, place, link and agenda go in only when the person chooses.
 */

export type MeetingIcsInput = {
	/**
	 * Random and opaque (at least 16 characters), never a meeting or case id. Reuse it when the same
	 * person downloads the same meeting again so their calendar updates the entry.
	 */
	uid: string;
	startMs: number;
	durationMin: number;
	/** When the file is made. */
	stampMs: number;
	title?: string;
	location?: string;
	description?: string;
	/**
	 * http(s) only. Several calendar apps ignore URL, so a link that matters belongs in the
	 * description too.
	 */
	url?: string;
};

// PRODID travels with the event into synced calendars; naming the program there would tell
// anyone who sees the entry's details that this person is part of one.
const PRODID = '-//Calendar//EN';
const UID_SHAPE = /^[A-Za-z0-9._@-]{16,255}$/;

/** The whole file, CRLF line endings, folded at 75 octets. Times are UTC: no VTIMEZONE needed. */
export function meetingIcs(input: MeetingIcsInput): string {
	if (!UID_SHAPE.test(input.uid)) throw new RangeError('uid must be an opaque random id');
	if (!Number.isInteger(input.durationMin) || input.durationMin <= 0) {
		throw new RangeError('durationMin must be a positive whole number');
	}
	const lines = [
		'BEGIN:VCALENDAR',
		`PRODID:${PRODID}`,
		'VERSION:2.0',
		'CALSCALE:GREGORIAN',
		'METHOD:PUBLISH',
		'BEGIN:VEVENT',
		`UID:${input.uid}`,
		`DTSTAMP:${utcStamp(input.stampMs)}`,
		`DTSTART:${utcStamp(input.startMs)}`,
		`DTEND:${utcStamp(input.startMs + input.durationMin * 60_000)}`,
		`SUMMARY:${escapeText(cleanText(input.title) || 'Appointment')}`,
		// Calendars that honour it hide the entry's details from people the calendar is shared with.
		'CLASS:PRIVATE'
	];
	const location = cleanText(input.location);
	if (location) lines.push(`LOCATION:${escapeText(location)}`);
	const description = cleanText(input.description);
	if (description) lines.push(`DESCRIPTION:${escapeText(description)}`);
	const url = input.url?.trim();
	if (url) lines.push(`URL:${checkedUrl(url)}`);
	lines.push('END:VEVENT', 'END:VCALENDAR');
	return lines.map(fold).join('\r\n') + '\r\n';
}

/** Neutral, like the file's contents: downloads folders and sync logs are seen by others too. */
export function icsFileName(): string {
	return 'appointment.ics';
}

function utcStamp(ms: number): string {
	const stamp = Number.isFinite(ms) ? new Date(ms).toISOString() : '';
	if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(stamp)) throw new RangeError('Bad time');
	return `${stamp.slice(0, 19).replace(/[-:]/g, '')}Z`;
}

// RFC 5545 text allows no control characters but tab and (escaped) line breaks.
// eslint-disable-next-line no-control-regex -- matching control characters is the point: RFC 5545 forbids them
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

function cleanText(text: string | undefined): string {
	return (text ?? '').replace(/\r\n?/g, '\n').replace(CONTROLS, '').trim();
}

// RFC 5545 §3.3.11.
function escapeText(text: string): string {
	return text.replace(/[\\;,]/g, (char) => `\\${char}`).replace(/\n/g, '\\n');
}

function checkedUrl(url: string): string {
	let parsed: URL | undefined;
	try {
		parsed = new URL(url);
	} catch {
		parsed = undefined;
	}
	if (parsed?.protocol !== 'https:' && parsed?.protocol !== 'http:') {
		throw new RangeError('url must be an http(s) address');
	}
	// The parser has percent-encoded anything unsafe, so the href needs no escaping.
	return parsed.href;
}

// RFC 5545 §3.1: at most 75 octets a line, continued after CRLF + space, never inside a character.
function fold(line: string): string {
	let out = '';
	let octets = 0;
	for (const char of line) {
		const size = utf8Length(char);
		if (octets + size > 75) {
			out += '\r\n ';
			octets = 1;
		}
		out += char;
		octets += size;
	}
	return out;
}

function utf8Length(char: string): number {
	const code = char.codePointAt(0) ?? 0;
	return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}
