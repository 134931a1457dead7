import { toBase64url } from '$lib/crypto/bytes';
import { encode, text } from '$lib/crypto/encoding';
import type { PreviousVersion } from '$lib/crypto/envelope';
import type { Identity } from '$lib/crypto/identity';
import { hmac } from '$lib/crypto/primitives';
import { meetingIcs } from '$lib/ics';
import type { CaseContext } from './case-log';
import {
	fromJsonBody,
	jsonBody,
	listCaseObjects,
	logFacilitators,
	putCaseObject,
	readCaseObject
} from './case-objects';

/**
 * The parts of scheduling that must happen in the browser: a meeting's place, link and agenda
 * sealed for the facilitators and its invitees only, and a calendar file made from them. Times,
 * people and answers are structure, posted as forms (cases/[id]/meetings).
 */

// A meeting's details: sealed for the facilitators and its invitees, the meeting's id as the
// object's id, so the server can keep anyone else's wrap out.

export type Details = { place: string; link: string; agenda: string };
export type SealedDetails = { details: Details; prev: PreviousVersion; readers: string[] };

const LIMIT = 4000;
const field = (v: unknown, max = LIMIT) => (typeof v === 'string' ? v.slice(0, max) : '');

export function detailsFrom(bytes: Uint8Array | null): Details {
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
	await putCaseObject(ctx, {
		kind: 'meeting',
		objectId: meetingId,
		prev: previous?.prev ?? null,
		body: jsonBody({ v: 1, ...details }),
		readers: [...new Set([...logFacilitators(ctx), ...invitees])]
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
