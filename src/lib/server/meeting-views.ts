import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { getDb, write } from './db';
import {
	caseMembers,
	cases,
	meetingInvitees,
	meetingNotices,
	meetings,
	type CaseMember
} from './db/schema';
import type { Kind, Rsvp } from './meetings';
import { byRoleThenName } from './meeting-rules';

/**
 * Meetings as each person may see them. Facilitators see every meeting of their cases with
 * everyone's answer and times. Anyone else sees only meetings they are invited to, their own
 * answer, and their own times: with a staggered arrival, their arrival is their start.
 */

export type InviteeView = {
	userId: string;
	name: string;
	role: CaseMember['role'];
	/** Facilitators only. */
	rsvp?: Rsvp;
	arriveAfterMin?: number;
	leaveBeforeMin?: number;
};

export type MeetingView = {
	id: string;
	caseId: string;
	caseRef: string;
	kind: Kind;
	status: 'scheduled' | 'cancelled';
	timeZone: string;
	/** For a participant with a staggered time, their own arrival and departure. */
	startsAt: number;
	endsAt: number;
	myRsvp: Rsvp | null;
	asFacilitator: boolean;
	invitees: InviteeView[];
	/** Facilitators only: who was dropped from it because they paused or left. */
	left: string[];
	changedAt: number;
};

const PRESENT: readonly string[] = ['active', 'paused'];

/**
 * Meetings ending after `from` that `userId` may see, in time order: in one case, or across
 * every case they are in.
 */
export async function meetingsFor(
	userId: string,
	{ caseId, from = Date.now() }: { caseId?: string; from?: number } = {}
): Promise<MeetingView[]> {
	const db = getDb();
	const me = await db
		.select({ caseId: caseMembers.caseId, role: caseMembers.role, ref: cases.ref })
		.from(caseMembers)
		.innerJoin(cases, eq(cases.id, caseMembers.caseId))
		.where(
			and(
				eq(caseMembers.userId, userId),
				inArray(caseMembers.status, ['active', 'paused']),
				caseId ? eq(caseMembers.caseId, caseId) : undefined
			)
		);
	if (me.length === 0) return [];
	const led = me.filter((c) => c.role === 'facilitator').map((c) => c.caseId);
	const refOf = new Map(me.map((c) => [c.caseId, c.ref]));
	const invitedTo = db
		.select({ id: meetingInvitees.meetingId })
		.from(meetingInvitees)
		.where(eq(meetingInvitees.userId, userId));
	const rows = await db
		.select()
		.from(meetings)
		.where(
			and(
				inArray(
					meetings.caseId,
					me.map((c) => c.caseId)
				),
				gt(sql`${meetings.startsAt} + ${meetings.durationMin} * 60000`, from),
				or(
					led.length > 0 ? inArray(meetings.caseId, led) : undefined,
					inArray(meetings.id, invitedTo)
				)
			)
		)
		.orderBy(asc(meetings.startsAt));
	if (rows.length === 0) return [];
	const people = await db
		.select({
			meetingId: meetingInvitees.meetingId,
			userId: meetingInvitees.userId,
			rsvp: meetingInvitees.rsvp,
			arriveAfterMin: meetingInvitees.arriveAfterMin,
			leaveBeforeMin: meetingInvitees.leaveBeforeMin,
			name: caseMembers.displayName,
			role: caseMembers.role,
			status: caseMembers.status
		})
		.from(meetingInvitees)
		.innerJoin(meetings, eq(meetings.id, meetingInvitees.meetingId))
		.innerJoin(
			caseMembers,
			and(eq(caseMembers.caseId, meetings.caseId), eq(caseMembers.userId, meetingInvitees.userId))
		)
		.where(
			inArray(
				meetingInvitees.meetingId,
				rows.map((r) => r.id)
			)
		);
	const ledSet = new Set(led);
	const ledMeetings = rows.filter((r) => ledSet.has(r.caseId)).map((r) => r.id);
	const dropped =
		ledMeetings.length === 0
			? []
			: await db
					.selectDistinct({ meetingId: meetingNotices.meetingId, name: caseMembers.displayName })
					.from(meetingNotices)
					.innerJoin(
						caseMembers,
						and(
							eq(caseMembers.caseId, meetingNotices.caseId),
							eq(caseMembers.userId, meetingNotices.aboutId)
						)
					)
					.where(
						and(
							eq(meetingNotices.userId, userId),
							eq(meetingNotices.kind, 'dropped'),
							inArray(meetingNotices.meetingId, ledMeetings)
						)
					);
	return rows.map((r) => {
		const asFacilitator = ledSet.has(r.caseId);
		// Someone who left stays on a meeting they were not dropped from (one cancelled or under
		// way when they left); like the case's own list, only facilitators still see them.
		const invited = people
			.filter((p) => p.meetingId === r.id && (asFacilitator || PRESENT.includes(p.status)))
			.sort(byRoleThenName);
		const mine = invited.find((p) => p.userId === userId);
		const start = r.startsAt;
		const end = r.startsAt + r.durationMin * 60_000;
		// Someone else's arrival would tell a party when the other side is there.
		const own =
			asFacilitator || !mine
				? { arrive: 0, leave: 0 }
				: {
						arrive: mine.arriveAfterMin,
						leave: mine.leaveBeforeMin
					};
		return {
			id: r.id,
			caseId: r.caseId,
			caseRef: refOf.get(r.caseId) ?? '',
			kind: r.kind,
			status: r.status,
			timeZone: r.timeZone,
			startsAt: start + own.arrive * 60_000,
			endsAt: end - own.leave * 60_000,
			myRsvp: mine?.rsvp ?? null,
			asFacilitator,
			invitees: invited.map((p) =>
				asFacilitator
					? {
							userId: p.userId,
							name: p.name,
							role: p.role,
							rsvp: p.rsvp,
							arriveAfterMin: p.arriveAfterMin,
							leaveBeforeMin: p.leaveBeforeMin
						}
					: { userId: p.userId, name: p.name, role: p.role }
			),
			left: asFacilitator ? dropped.filter((d) => d.meetingId === r.id).map((d) => d.name) : [],
			changedAt: r.changedAt
		};
	});
}

/** Unseen meeting news for one person (content-free), newest first. */
export async function meetingNewsFor(userId: string) {
	return getDb()
		.select({
			id: meetingNotices.id,
			caseId: meetingNotices.caseId,
			meetingId: meetingNotices.meetingId,
			kind: meetingNotices.kind,
			aboutId: meetingNotices.aboutId,
			createdAt: meetingNotices.createdAt
		})
		.from(meetingNotices)
		.where(and(eq(meetingNotices.userId, userId), isNull(meetingNotices.seenAt)))
		.orderBy(sql`${meetingNotices.id} desc`);
}

/** Opening a case's meetings page: its meeting news is no longer new for this person. */
export async function markMeetingNewsSeen(userId: string, caseId: string, now = Date.now()) {
	await write((tx) =>
		tx
			.update(meetingNotices)
			.set({ seenAt: now })
			.where(
				and(
					eq(meetingNotices.userId, userId),
					eq(meetingNotices.caseId, caseId),
					isNull(meetingNotices.seenAt)
				)
			)
	);
}
