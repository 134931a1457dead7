import { toBase64url } from '$lib/crypto/bytes';
import { encode, text } from '$lib/crypto/encoding';
import type { PreviousVersion } from '$lib/crypto/envelope';
import type { Identity } from '$lib/crypto/identity';
import { hmac, randomId } from '$lib/crypto/primitives';
import { meetingIcs } from '$lib/ics';
import { wallTimeToUtc, type WallTime } from '$lib/time-zones';
import type { CaseContext } from './case-log';
import {
	fromJsonBody,
	jsonBody,
	listCaseObjects,
	putCaseObject,
	readCaseObject
} from './case-objects';
import { postJson } from './http';

/**
 * Scheduling in the browser: wall-clock times turned into UTC in the zone the facilitator
 * chose (a time the clocks skip is refused here, in words), the requests to the scheduling API,
 * and a meeting's place, link and agenda sealed for the facilitators and its invitees only.
 */

export type MeetingKind = 'preparation' | 'circle' | 'check-in' | 'readiness';

/** A time the person typed that cannot be used, and which one (for the message). */
export class TimeProblem extends Error {
	constructor(
		public reason: 'invalid' | 'nonexistent' | 'end-before-start',
		public index = 0
	) {
		super(reason);
		this.name = 'TimeProblem';
	}
}

export function toUtc(wall: WallTime, zone: string, index = 0): number {
	const r = wallTimeToUtc(wall, zone);
	if (!r.ok) throw new TimeProblem(r.reason, index);
	return r.utcMs;
}

const base = (caseId: string) => `/api/cases/${encodeURIComponent(caseId)}`;

export type Invitee = { userId: string; arriveAfterMin: number; leaveBeforeMin: number };

/** Schedules at once: a date, a start and an end on that date, in `timeZone`. */
export async function scheduleMeeting(
	caseId: string,
	m: {
		kind: MeetingKind;
		date: string;
		start: string;
		end: string;
		timeZone: string;
		invitees: string[];
	}
) {
	const startsAt = toUtc({ date: m.date, time: m.start }, m.timeZone);
	const endsAt = toUtc({ date: m.date, time: m.end }, m.timeZone);
	if (endsAt <= startsAt) throw new TimeProblem('end-before-start');
	const id = randomId();
	await postJson(`${base(caseId)}/meetings`, {
		id,
		kind: m.kind,
		startsAt,
		endsAt,
		timeZone: m.timeZone,
		invitees: m.invitees.map((userId) => ({ userId, arriveAfterMin: 0, leaveBeforeMin: 0 }))
	});
	return id;
}

export async function moveMeeting(
	caseId: string,
	meetingId: string,
	m: { date: string; start: string; end: string; timeZone: string }
) {
	const startsAt = toUtc({ date: m.date, time: m.start }, m.timeZone);
	const endsAt = toUtc({ date: m.date, time: m.end }, m.timeZone);
	if (endsAt <= startsAt) throw new TimeProblem('end-before-start');
	await postJson(`${base(caseId)}/meetings/${meetingId}`, {
		action: 'move',
		startsAt,
		endsAt,
		timeZone: m.timeZone
	});
}

export const cancelMeeting = (caseId: string, meetingId: string) =>
	postJson(`${base(caseId)}/meetings/${meetingId}`, { action: 'cancel' });

export const answerMeeting = (
	caseId: string,
	meetingId: string,
	rsvp: 'attending' | 'not_attending' | 'need_to_talk'
) => postJson(`${base(caseId)}/meetings/${meetingId}`, { action: 'answer', rsvp });

export async function proposeTimes(
	caseId: string,
	p: {
		kind: MeetingKind;
		durationMin: number;
		timeZone: string;
		slots: WallTime[];
		invitees: string[];
	}
) {
	const slots = p.slots.map((s, i) => toUtc(s, p.timeZone, i));
	await postJson(`${base(caseId)}/polls`, {
		id: randomId(),
		kind: p.kind,
		durationMin: p.durationMin,
		timeZone: p.timeZone,
		slots,
		invitees: p.invitees
	});
}

export type PollAnswer = 'yes' | 'if_need_be' | 'no';

export const answerPoll = (
	caseId: string,
	pollId: string,
	answers: { idx: number; answer: PollAnswer }[],
	jointConsent?: 'yes' | 'no' | null
) =>
	postJson(`${base(caseId)}/polls/${pollId}`, {
		action: 'answer',
		answers,
		...(jointConsent !== undefined && { jointConsent })
	});

export const pickSlot = (caseId: string, pollId: string, idx: number, stagger: Invitee[]) =>
	postJson(`${base(caseId)}/polls/${pollId}`, {
		action: 'pick',
		idx,
		meetingId: randomId(),
		stagger
	});

export const closePoll = (caseId: string, pollId: string) =>
	postJson(`${base(caseId)}/polls/${pollId}`, { action: 'close' });

// A meeting's details: sealed for the facilitators and its invitees, the meeting's id as the
// object's id, so the server can keep anyone else's wrap out.

export type Details = { place: string; link: string; agenda: string };
export type SealedDetails = { details: Details; prev: PreviousVersion; readers: string[] };

const LIMIT = 4000;
const field = (v: unknown, max = LIMIT) => (typeof v === 'string' ? v.slice(0, max) : '');

function detailsFrom(bytes: Uint8Array | null): Details {
	const v = (bytes ? fromJsonBody(bytes) : null) as Record<string, unknown> | null;
	if (!v || v.v !== 1) throw new Error('meeting details');
	return { place: field(v.place, 500), link: field(v.link, 500), agenda: field(v.agenda) };
}

/** Every meeting's details this person can open, by meeting id. */
export async function loadDetails(ctx: CaseContext): Promise<Map<string, SealedDetails>> {
	const out = new Map<string, SealedDetails>();
	for (const row of await listCaseObjects(ctx.caseId, ['meeting'])) {
		if (row.deleted) continue;
		out.set(
			row.objectId,
			await readCaseObject(ctx, row, (body, opened) => ({
				details: detailsFrom(body),
				prev: { header: opened.header, headerHash: opened.headerHash },
				readers: row.readers
			}))
		);
	}
	return out;
}

/** Seals the next version of a meeting's details for its invitees (facilitators always read). */
export async function saveDetails(
	ctx: CaseContext,
	meetingId: string,
	details: Details,
	invitees: string[],
	previous: SealedDetails | null
) {
	const facilitators = [...ctx.membership.membersAt().values()]
		.filter((m) => m.role === 'facilitator')
		.map((m) => m.userId);
	await putCaseObject(ctx, {
		kind: 'meeting',
		objectId: meetingId,
		prev: previous?.prev ?? null,
		body: jsonBody({ v: 1, ...details }),
		readers: [...new Set([...facilitators, ...invitees])]
	});
}

/**
 * An .ics file for this person: "Appointment" and the times unless they chose to include the
 * details. Its UID is derived from their own key and the meeting, so it means nothing to anyone
 * else, and downloading it again updates the same calendar entry.
 */
export async function calendarFile(
	me: Identity,
	m: { id: string; startsAt: number; endsAt: number },
	details: Details | null,
	kindName: string
): Promise<Blob> {
	const tag = await hmac(me.boxSk, encode('ics-uid/v1', text(m.id)));
	const uid = `${toBase64url(tag.slice(0, 18))}@calendar`;
	const ics = meetingIcs({
		uid,
		startMs: m.startsAt,
		durationMin: Math.round((m.endsAt - m.startsAt) / 60_000),
		stampMs: Date.now(),
		...(details && {
			title: kindName,
			location: details.place || undefined,
			description: [details.agenda, details.link].filter(Boolean).join('\n\n') || undefined,
			url: /^https?:\/\//.test(details.link) ? details.link : undefined
		})
	});
	return new Blob([ics], { type: 'text/calendar;charset=utf-8' });
}
