import { and, asc, eq, gt, inArray, ne } from 'drizzle-orm';
import { isTimeZone } from '$lib/time-zones';
import { getDb, write, type Tx } from './db';
import {
	caseMembers,
	caseWraps,
	meetingInvitees,
	meetingNotices,
	meetings,
	pollInvitees,
	type Meeting
} from './db/schema';
import { caseAccess, facilitatorAccess, rosterIn } from './case-access';
import { CLOSED_STAGES, currentStageIn } from './cases';
import { auditIn } from './audit';
import { Problem } from './problem';
import { checkInvitees, checkStagger, checkSurvivorRules, checkTimes } from './meeting-rules';

/**
 * Meetings of a case (DESIGN §2, §5): times, people and answers as readable structure, so the
 * rules in meeting-rules.ts hold on the server; place, link and agenda are sealed elsewhere.
 * Everyone invited hears, without content, when a meeting is scheduled, moved or cancelled.
 */

export type Kind = Meeting['kind'];
export type Rsvp = 'pending' | 'attending' | 'not_attending' | 'need_to_talk';
export type InviteeInput = { userId: string; arriveAfterMin: number; leaveBeforeMin: number };
export type MeetingTimes = { startsAt: number; endsAt: number; timeZone: string };
export type NewMeeting = MeetingTimes & { id: string; kind: Kind; invitees: InviteeInput[] };

export function checkZone(timeZone: string) {
	if (!isTimeZone(timeZone)) throw new Problem(400, 'time_zone_unknown');
}

/** A closed or withdrawn case takes no new meetings. */
export async function checkOpen(tx: Tx, caseId: string) {
	if (CLOSED_STAGES.includes(await currentStageIn(tx, caseId))) {
		throw new Problem(409, 'case_closed');
	}
}

/** Survivors who agreed to the meeting a poll was for: their consent travels with it. */
export async function consentsOf(tx: Tx, pollId: string | null): Promise<Set<string>> {
	if (!pollId) return new Set();
	const rows = await tx
		.select({ userId: pollInvitees.userId })
		.from(pollInvitees)
		.where(and(eq(pollInvitees.pollId, pollId), eq(pollInvitees.jointConsent, 'yes')));
	return new Set(rows.map((r) => r.userId));
}

async function notify(
	tx: Tx,
	caseId: string,
	meetingId: string,
	kind: 'scheduled' | 'moved' | 'cancelled',
	userIds: string[],
	now: number
) {
	if (userIds.length === 0) return;
	await tx
		.insert(meetingNotices)
		.values(userIds.map((userId) => ({ caseId, meetingId, userId, kind, createdAt: now })));
}

/**
 * Stores a meeting whose rules were checked by the caller (at once, or from a poll), tells its
 * invitees, and records who did it.
 */
export async function insertMeetingIn(
	tx: Tx,
	actorId: string,
	caseId: string,
	m: NewMeeting & { pollId: string | null },
	now: number
) {
	const durationMin = (m.endsAt - m.startsAt) / 60_000;
	const [clash] = await tx.select({ id: meetings.id }).from(meetings).where(eq(meetings.id, m.id));
	if (clash) throw new Problem(409, 'bad_request');
	await tx.insert(meetings).values({
		id: m.id,
		caseId,
		kind: m.kind,
		startsAt: m.startsAt,
		durationMin,
		timeZone: m.timeZone,
		pollId: m.pollId,
		createdBy: actorId,
		createdAt: now,
		changedAt: now
	});
	await tx.insert(meetingInvitees).values(m.invitees.map((i) => ({ meetingId: m.id, ...i })));
	const others = m.invitees.map((i) => i.userId).filter((id) => id !== actorId);
	await notify(tx, caseId, m.id, 'scheduled', others, now);
	await auditIn(
		tx,
		{ actorId, action: 'meeting.scheduled', objectType: 'meeting', objectId: m.id, caseId },
		now
	);
}

/** Everything about who and when, checked against the case as it is now. */
export async function checkMeetingIn(
	tx: Tx,
	caseId: string,
	m: Omit<NewMeeting, 'id'>,
	consents: ReadonlySet<string>,
	now: number
) {
	checkZone(m.timeZone);
	checkTimes(m.startsAt, m.endsAt, now);
	const roster = await rosterIn(tx, caseId);
	const ids = m.invitees.map((i) => i.userId);
	checkInvitees(m.kind, ids, roster);
	checkSurvivorRules(ids, roster, consents);
	checkStagger((m.endsAt - m.startsAt) / 60_000, m.invitees);
}

/**
 * A facilitator schedules a meeting at once. A meeting with both parties cannot be made this
 * way: the survivor's consent to it is asked in a poll first (meeting-polls.ts).
 */
export async function createMeeting(
	actorId: string,
	caseId: string,
	m: NewMeeting,
	now = Date.now()
) {
	await write(async (tx) => {
		await facilitatorAccess(actorId, caseId, tx);
		await checkOpen(tx, caseId);
		await checkMeetingIn(tx, caseId, m, new Set(), now);
		await insertMeetingIn(tx, actorId, caseId, { ...m, pollId: null }, now);
	});
}

async function scheduledMeeting(tx: Tx, caseId: string, meetingId: string) {
	const [row] = await tx
		.select()
		.from(meetings)
		.where(and(eq(meetings.id, meetingId), eq(meetings.caseId, caseId)));
	if (!row) throw new Problem(404, 'meeting_not_found');
	if (row.status === 'cancelled') throw new Problem(409, 'meeting_cancelled');
	return row;
}

const inviteesOf = (tx: Tx, meetingId: string) =>
	tx.select().from(meetingInvitees).where(eq(meetingInvitees.meetingId, meetingId));

/**
 * A new time: the rules are checked again against the case as it is now (someone may have
 * changed their mind since), answers start afresh, and everyone invited is told.
 */
export async function rescheduleMeeting(
	actorId: string,
	caseId: string,
	meetingId: string,
	times: MeetingTimes,
	now = Date.now()
) {
	await write(async (tx) => {
		await facilitatorAccess(actorId, caseId, tx);
		await checkOpen(tx, caseId);
		const row = await scheduledMeeting(tx, caseId, meetingId);
		if (row.startsAt + row.durationMin * 60_000 <= now) throw new Problem(409, 'meeting_over');
		const invitees = await inviteesOf(tx, meetingId);
		await checkMeetingIn(
			tx,
			caseId,
			{ kind: row.kind, ...times, invitees },
			await consentsOf(tx, row.pollId),
			now
		);
		await tx
			.update(meetings)
			.set({
				startsAt: times.startsAt,
				durationMin: (times.endsAt - times.startsAt) / 60_000,
				timeZone: times.timeZone,
				changedAt: now
			})
			.where(eq(meetings.id, meetingId));
		await tx
			.update(meetingInvitees)
			.set({ rsvp: 'pending', rsvpAt: null })
			.where(eq(meetingInvitees.meetingId, meetingId));
		const others = invitees.map((i) => i.userId).filter((id) => id !== actorId);
		await notify(tx, caseId, meetingId, 'moved', others, now);
		await auditIn(
			tx,
			{ actorId, action: 'meeting.moved', objectType: 'meeting', objectId: meetingId, caseId },
			now
		);
	});
}

export async function cancelMeeting(
	actorId: string,
	caseId: string,
	meetingId: string,
	now = Date.now()
) {
	await write(async (tx) => {
		await facilitatorAccess(actorId, caseId, tx);
		await scheduledMeeting(tx, caseId, meetingId);
		await tx
			.update(meetings)
			.set({ status: 'cancelled', changedAt: now })
			.where(eq(meetings.id, meetingId));
		const others = (await inviteesOf(tx, meetingId))
			.map((i) => i.userId)
			.filter((id) => id !== actorId);
		await notify(tx, caseId, meetingId, 'cancelled', others, now);
		await auditIn(
			tx,
			{ actorId, action: 'meeting.cancelled', objectType: 'meeting', objectId: meetingId, caseId },
			now
		);
	});
}

/** An invitee's answer; only theirs, while the meeting is still to come. */
export async function answerMeeting(
	userId: string,
	caseId: string,
	meetingId: string,
	rsvp: Exclude<Rsvp, 'pending'>,
	now = Date.now()
) {
	await write(async (tx) => {
		await caseAccess(userId, caseId, undefined, tx);
		// Whether they are invited comes first: to anyone else the meeting does not exist, not
		// even as one that was cancelled.
		const mine = and(eq(meetingInvitees.meetingId, meetingId), eq(meetingInvitees.userId, userId));
		const [invited] = await tx.select().from(meetingInvitees).where(mine);
		if (!invited) throw new Problem(404, 'meeting_not_found');
		const row = await scheduledMeeting(tx, caseId, meetingId);
		if (row.startsAt + row.durationMin * 60_000 <= now) throw new Problem(409, 'meeting_over');
		await tx.update(meetingInvitees).set({ rsvp, rsvpAt: now }).where(mine);
		await auditIn(
			tx,
			{
				actorId: userId,
				action: 'meeting.answered',
				objectType: 'meeting',
				objectId: meetingId,
				caseId
			},
			now
		);
	});
}

/**
 * Someone paused or withdrew: every meeting still to come drops them (and their wrap of its
 * details), and each facilitator of the case is told which meetings changed. Returns those.
 */
export async function dropFromUpcomingIn(tx: Tx, caseId: string, userId: string, now: number) {
	const upcoming = await tx
		.select({ id: meetings.id })
		.from(meetings)
		.innerJoin(meetingInvitees, eq(meetingInvitees.meetingId, meetings.id))
		.where(
			and(
				eq(meetings.caseId, caseId),
				eq(meetings.status, 'scheduled'),
				gt(meetings.startsAt, now),
				eq(meetingInvitees.userId, userId)
			)
		);
	const ids = upcoming.map((r) => r.id);
	if (ids.length === 0) return ids;
	await tx
		.delete(meetingInvitees)
		.where(and(inArray(meetingInvitees.meetingId, ids), eq(meetingInvitees.userId, userId)));
	await tx
		.delete(caseWraps)
		.where(
			and(
				eq(caseWraps.caseId, caseId),
				inArray(caseWraps.objectId, ids),
				eq(caseWraps.readerId, userId)
			)
		);
	const facilitators = await tx
		.select({ userId: caseMembers.userId })
		.from(caseMembers)
		.where(
			and(
				eq(caseMembers.caseId, caseId),
				eq(caseMembers.role, 'facilitator'),
				eq(caseMembers.status, 'active'),
				ne(caseMembers.userId, userId)
			)
		);
	const notices = ids.flatMap((meetingId) =>
		facilitators.map((f) => ({
			caseId,
			meetingId,
			userId: f.userId,
			kind: 'dropped' as const,
			aboutId: userId,
			createdAt: now
		}))
	);
	if (notices.length > 0) await tx.insert(meetingNotices).values(notices);
	return ids;
}

export const meetingsOfCase = (caseId: string) =>
	getDb()
		.select()
		.from(meetings)
		.where(eq(meetings.caseId, caseId))
		.orderBy(asc(meetings.startsAt));
