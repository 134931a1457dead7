import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ICAL from 'ical.js';
import { icsFileName, meetingIcs, type MeetingIcsInput } from './ics';

const base: MeetingIcsInput = {
	uid: 'k3Jq9vXr2LmPz7Wd8TnB@calendar',
	startMs: Date.parse('2026-12-01T17:00:00Z'),
	durationMin: 90,
	stampMs: Date.parse('2026-11-20T09:30:15.789Z')
};

function parse(text: string) {
	const calendar = new ICAL.Component(ICAL.parse(text));
	const vevent = calendar.getFirstSubcomponent('vevent');
	if (!vevent) throw new Error('no VEVENT');
	return { calendar, vevent, event: new ICAL.Event(vevent) };
}

const physicalLines = (text: string) => text.slice(0, -2).split('\r\n');
const octets = (line: string) => new TextEncoder().encode(line).length;

describe('meetingIcs', () => {
	it('says only "Appointment" and when, unless the person adds more', () => {
		expect(meetingIcs(base)).toBe(
			[
				'BEGIN:VCALENDAR',
				'PRODID:-//Calendar//EN',
				'VERSION:2.0',
				'CALSCALE:GREGORIAN',
				'METHOD:PUBLISH',
				'BEGIN:VEVENT',
				'UID:k3Jq9vXr2LmPz7Wd8TnB@calendar',
				'DTSTAMP:20261120T093015Z',
				'DTSTART:20261201T170000Z',
				'DTEND:20261201T183000Z',
				'SUMMARY:Appointment',
				'CLASS:PRIVATE',
				'END:VEVENT',
				'END:VCALENDAR',
				''
			].join('\r\n')
		);
		const { calendar, vevent, event } = parse(meetingIcs(base));
		expect(event.summary).toBe('Appointment');
		for (const name of ['location', 'description', 'url'])
			expect(vevent.hasProperty(name)).toBe(false);
		expect(calendar.getFirstPropertyValue('prodid')).toBe('-//Calendar//EN');
		expect(meetingIcs(base)).not.toMatch(/circle|keeper|restorative/i);
	});

	it('falls back to "Appointment" for a blank title and leaves out blank details', () => {
		const text = meetingIcs({ ...base, title: '  ', location: '', description: '\n', url: ' ' });
		const { vevent, event } = parse(text);
		expect(event.summary).toBe('Appointment');
		for (const name of ['location', 'description', 'url'])
			expect(vevent.hasProperty(name)).toBe(false);
	});

	it('starts and ends at exactly the given instants, in UTC', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: Date.UTC(1970, 0, 1) / 60_000, max: Date.UTC(2100, 0, 1) / 60_000 }),
				fc.integer({ min: 1, max: 24 * 60 }),
				(minutes, durationMin) => {
					const startMs = minutes * 60_000;
					const { event } = parse(meetingIcs({ ...base, startMs, durationMin }));
					expect(event.startDate.zone?.tzid).toBe('UTC');
					expect(event.startDate.toJSDate().getTime()).toBe(startMs);
					expect(event.endDate.toJSDate().getTime()).toBe(startMs + durationMin * 60_000);
				}
			),
			{ numRuns: 300 }
		);
		const { vevent } = parse(meetingIcs(base));
		const stamp = vevent.getFirstPropertyValue('dtstamp') as ICAL.Time;
		expect(stamp.toJSDate().getTime()).toBe(Date.parse('2026-11-20T09:30:15Z'));
	});

	it('includes the details the person chose, escaped so they read back exactly', () => {
		const location = 'Café; Raum 2, "Ost"\nzweiter Stock';
		const description = 'Bring: tea, notes; C:\\new\\n\\, and 🙂👩‍👩‍👧\nSecond line\n\nAfter a gap';
		const text = meetingIcs({
			...base,
			title: 'Preparation meeting, part 1; room "A"',
			location,
			description,
			url: 'https://meet.example.org/room?id=1,2;3'
		});
		expect(text).toContain('LOCATION:Café\\; Raum 2\\, "Ost"\\nzweiter Stock\r\n');
		const { vevent, event } = parse(text);
		expect(event.summary).toBe('Preparation meeting, part 1; room "A"');
		expect(event.location).toBe(location);
		expect(event.description).toBe(description);
		expect(vevent.getFirstPropertyValue('url')).toBe('https://meet.example.org/room?id=1,2;3');
	});

	it('round-trips any text, folded or not', () => {
		const tricky = fc.constantFrom('\\', ';', ',', '\n', '"', ':', ' ', 'é', '€', '😀', '👩‍👩‍👧', 'N');
		const char = fc.oneof(tricky, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
		// Carriage returns and other control characters are normalised; tested separately below.
		// eslint-disable-next-line no-control-regex -- the same control characters ics.ts drops
		const controls = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
		const text = fc.string({ unit: char, maxLength: 300 }).map((s) => s.replace(controls, ''));
		fc.assert(
			fc.property(text, text, (title, description) => {
				const ics = meetingIcs({ ...base, title, description });
				const { vevent, event } = parse(ics);
				expect(event.summary).toBe(title.trim() || 'Appointment');
				if (description.trim()) expect(event.description).toBe(description.trim());
				else expect(vevent.hasProperty('description')).toBe(false);
				for (const line of physicalLines(ics)) {
					expect(octets(line)).toBeLessThanOrEqual(75);
					// A lone surrogate would mean a character was cut in two.
					expect(line).not.toMatch(/\p{Cs}/u);
				}
			}),
			{ numRuns: 300 }
		);
	});

	it('turns any line break into \\n and drops other control characters', () => {
		const text = meetingIcs({ ...base, description: 'one\r\ntwo\rthree\nfour\u0000\u0007\tend' });
		expect(text).toContain('DESCRIPTION:one\\ntwo\\nthree\\nfour\tend\r\n');
		expect(parse(text).event.description).toBe('one\ntwo\nthree\nfour\tend');
		const onlyControls = meetingIcs({ ...base, title: '\u0007', location: '\u0000 \u001b' });
		expect(parse(onlyControls).event.summary).toBe('Appointment');
		expect(onlyControls).not.toContain('LOCATION');
	});

	it('folds at 75 octets without splitting a character, and unfolds back exactly', () => {
		const fits = meetingIcs({ ...base, title: 'a'.repeat(67) });
		expect(physicalLines(fits)).toContain(`SUMMARY:${'a'.repeat(67)}`);
		const folds = meetingIcs({ ...base, title: 'a'.repeat(68) });
		expect(folds).toContain(`SUMMARY:${'a'.repeat(67)}\r\n a\r\n`);

		const accents = physicalLines(meetingIcs({ ...base, description: 'é'.repeat(100) }));
		const start = accents.findIndex((line) => line.startsWith('DESCRIPTION:'));
		// 12 + 31 × 2, then 1 + 37 × 2, then 1 + 32 × 2.
		expect(accents.slice(start, start + 3).map(octets)).toEqual([74, 75, 65]);

		const emoji = physicalLines(meetingIcs({ ...base, title: '😀'.repeat(20) }));
		const at = emoji.findIndex((line) => line.startsWith('SUMMARY:'));
		expect(emoji.slice(at, at + 2).map(octets)).toEqual([72, 1 + 4 * 4]);

		const long = `${'Agenda: welcome, check-in; talking piece — '.repeat(20)}end`;
		const text = meetingIcs({ ...base, description: long });
		const lines = physicalLines(text);
		for (const line of lines) expect(octets(line)).toBeLessThanOrEqual(75);
		expect(lines.filter((line) => line.startsWith(' ')).length).toBeGreaterThan(10);
		const unfolded = text.replace(/\r\n /g, '');
		expect(unfolded).toContain(`DESCRIPTION:${long.replace(/[;,]/g, (c) => `\\${c}`)}\r\n`);
		expect(parse(text).event.description).toBe(long);
	});

	it('uses CRLF everywhere and ends with exactly one', () => {
		const text = meetingIcs({ ...base, title: 'x\ny', description: 'a'.repeat(300) });
		expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
		expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
		expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
	});

	it('refuses input that would make a broken or revealing file', () => {
		const bad: Partial<MeetingIcsInput>[] = [
			{ uid: 'short' },
			{ uid: 'abcdefghijklmnop\r\nX-INJECTED:1' },
			{ uid: 'abcdefghijklmnop;q' },
			{ durationMin: 0 },
			{ durationMin: -5 },
			{ durationMin: 1.5 },
			{ startMs: NaN },
			{ startMs: Date.parse('+010000-01-01T00:00:00Z') },
			{ stampMs: Infinity },
			{ url: 'javascript:alert(1)' },
			{ url: 'not a url' },
			{ url: 'mailto:someone@example.org' }
		];
		for (const change of bad) {
			expect(() => meetingIcs({ ...base, ...change }), JSON.stringify(change)).toThrow(RangeError);
		}
	});
});

describe('icsFileName', () => {
	it('is neutral', () => {
		expect(icsFileName()).toBe('appointment.ics');
	});
});
