import { and, asc, eq, inArray } from 'drizzle-orm';
import { getDb, write, type Tx } from './db';
import {
	caseMembers,
	meetingPolls,
	pollAnswers,
	pollInvitees,
	pollSlots,
	type CaseMember
} from './db/schema';
import { caseAccess, facilitatorAccess, rosterIn } from './case-access';
import { auditIn } from './audit';
import { Problem } from './problem';
import {
	checkInvitees,
	checkStart,
	checkSurvivorRules,
	DURATION_MAX,
	DURATION_MIN,
	byRoleThenName,
	isJoint
} from './meeting-rules';
import {
	checkMeetingIn,
	checkOpen,
	checkZone,
	consentsOf,
	insertMeetingIn,
	type InviteeInput,
	type Kind
} from './meetings';

/**
 * Finding a time: facilitators propose slots, each invitee answers yes / if need be / no for
 * each. An invitee sees only their own answers; facilitators see everyone's and who has not
 * answered. In a poll for a meeting with both parties, the survivor is also asked whether they
 * agree to it; the meeting can be made from the poll only with that yes.
 */

export type Answer = 'yes' | 'if_need_be' | 'no';
export type NewPoll = {
	id: string;
	kind: Kind;
	durationMin: number;
	timeZone: string;
	slots: number[];
	invitees: string[];
};

export const SLOTS_MAX = 20;

export async function createPoll(actorId: string, caseId: string, p: NewPoll, now = Date.now()) {
	await write(async (tx) => {
		await facilitatorAccess(actorId, caseId, tx);
		await checkOpen(tx, caseId);
		checkZone(p.timeZone);
		if (!Number.isInteger(p.durationMin) || p.durationMin < DURATION_MIN) {
			throw new Problem(400, 'meeting_duration');
		}
		if (p.durationMin > DURATION_MAX) throw new Problem(400, 'meeting_duration');
		const unique = new Set(p.slots);
		if (p.slots.length === 0 || p.slots.length > SLOTS_MAX || unique.size !== p.slots.length) {
			throw new Problem(400, 'poll_slots');
		}
		for (const s of p.slots) checkStart(s, now);
		const roster = await rosterIn(tx, caseId);
		checkInvitees(p.kind, p.invitees, roster);
		checkSurvivorRules(p.invitees, roster, 'ask');
		const [clash] = await tx
			.select({ id: meetingPolls.id })
			.from(meetingPolls)
			.where(eq(meetingPolls.id, p.id));
		if (clash) throw new Problem(409, 'bad_request');
		await tx.insert(meetingPolls).values({
			id: p.id,
			caseId,
			kind: p.kind,
			durationMin: p.durationMin,
			timeZone: p.timeZone,
			createdBy: actorId,
			createdAt: now
		});
		const sorted = [...p.slots].sort((a, b) => a - b);
		await tx
			.insert(pollSlots)
			.values(sorted.map((startsAt, idx) => ({ pollId: p.id, idx, startsAt })));
		await tx.insert(pollInvitees).values(p.invitees.map((userId) => ({ pollId: p.id, userId })));
		await auditIn(
			tx,
			{ actorId, action: 'poll.opened', objectType: 'poll', objectId: p.id, caseId },
			now
		);
	});
}

async function pollIn(tx: Tx, caseId: string, pollId: string) {
	const [poll] = await tx
		.select()
		.from(meetingPolls)
		.where(and(eq(meetingPolls.id, pollId), eq(meetingPolls.caseId, caseId)));
	if (!poll) throw new Problem(404, 'poll_not_found');
	return poll;
}

const slotsOf = (tx: Tx | ReturnType<typeof getDb>, pollIds: string[]) =>
	tx.select().from(pollSlots).where(inArray(pollSlots.pollId, pollIds)).orderBy(asc(pollSlots.idx));

/**
 * An invitee's answers, one per slot, replacing any before; and, for a survivor asked in a
 * poll with both parties, whether they agree to that meeting.
 */
export async function answerPoll(
	userId: string,
	caseId: string,
	pollId: string,
	input: { answers: { idx: number; answer: Answer }[]; jointConsent?: 'yes' | 'no' | null },
	now = Date.now()
) {
	await write(async (tx) => {
		const { member } = await caseAccess(userId, caseId, undefined, tx);
		const poll = await pollIn(tx, caseId, pollId);
		const mine = and(eq(pollInvitees.pollId, pollId), eq(pollInvitees.userId, userId));
		const [invited] = await tx.select().from(pollInvitees).where(mine);
		if (!invited) throw new Problem(404, 'poll_not_found');
		if (poll.status !== 'open') throw new Problem(409, 'poll_closed');
		const slots = await slotsOf(tx, [pollId]);
		const idxs = input.answers.map((a) => a.idx);
		const known = new Set(slots.map((s) => s.idx));
		if (new Set(idxs).size !== idxs.length || !idxs.every((i) => known.has(i))) {
			throw new Problem(400, 'bad_request');
		}
		let jointConsent = invited.jointConsent;
		if (input.jointConsent !== undefined) {
			// Only a survivor is asked, and only about a meeting with the other side.
			const invitees = await tx
				.select({ userId: pollInvitees.userId })
				.from(pollInvitees)
				.where(eq(pollInvitees.pollId, pollId));
			const roster = await rosterIn(tx, caseId);
			const asked =
				member.role === 'survivor' &&
				isJoint(
					invitees.map((i) => i.userId),
					roster
				);
			if (!asked) throw new Problem(400, 'bad_request');
			jointConsent = input.jointConsent;
		}
		await tx
			.delete(pollAnswers)
			.where(and(eq(pollAnswers.pollId, pollId), eq(pollAnswers.userId, userId)));
		if (input.answers.length > 0) {
			await tx
				.insert(pollAnswers)
				.values(input.answers.map((a) => ({ pollId, userId, idx: a.idx, answer: a.answer })));
		}
		await tx.update(pollInvitees).set({ answeredAt: now, jointConsent }).where(mine);
		await auditIn(
			tx,
			{ actorId: userId, action: 'poll.answered', objectType: 'poll', objectId: pollId, caseId },
			now
		);
	});
}

/**
 * The facilitators pick a slot: a meeting is made for the poll's invitees (with staggered
 * times if given), under every rule, and the poll closes. The survivor's yes in the poll is
 * the consent a meeting with both parties needs.
 */
export async function pickSlot(
	actorId: string,
	caseId: string,
	pollId: string,
	input: { idx: number; meetingId: string; stagger: InviteeInput[] },
	now = Date.now()
) {
	await write(async (tx) => {
		await facilitatorAccess(actorId, caseId, tx);
		await checkOpen(tx, caseId);
		const poll = await pollIn(tx, caseId, pollId);
		if (poll.status !== 'open') throw new Problem(409, 'poll_closed');
		const slot = (await slotsOf(tx, [pollId])).find((s) => s.idx === input.idx);
		if (!slot) throw new Problem(400, 'bad_request');
		const people = await tx
			.select({ userId: pollInvitees.userId })
			.from(pollInvitees)
			.where(eq(pollInvitees.pollId, pollId));
		const ids = new Set(people.map((p) => p.userId));
		if (input.stagger.some((s) => !ids.has(s.userId))) throw new Problem(400, 'bad_request');
		const invitees = people.map(
			(p) =>
				input.stagger.find((s) => s.userId === p.userId) ?? {
					userId: p.userId,
					arriveAfterMin: 0,
					leaveBeforeMin: 0
				}
		);
		const meeting = {
			id: input.meetingId,
			kind: poll.kind,
			startsAt: slot.startsAt,
			endsAt: slot.startsAt + poll.durationMin * 60_000,
			timeZone: poll.timeZone,
			invitees
		};
		await checkMeetingIn(tx, caseId, meeting, await consentsOf(tx, pollId), now);
		await insertMeetingIn(tx, actorId, caseId, { ...meeting, pollId }, now);
		await tx
			.update(meetingPolls)
			.set({ status: 'closed', meetingId: input.meetingId, closedAt: now })
			.where(eq(meetingPolls.id, pollId));
		await auditIn(
			tx,
			{ actorId, action: 'poll.closed', objectType: 'poll', objectId: pollId, caseId },
			now
		);
	});
}

/** The facilitators close a poll without making a meeting from it. */
export async function closePoll(actorId: string, caseId: string, pollId: string, now = Date.now()) {
	await write(async (tx) => {
		await facilitatorAccess(actorId, caseId, tx);
		const poll = await pollIn(tx, caseId, pollId);
		if (poll.status !== 'open') throw new Problem(409, 'poll_closed');
		await tx
			.update(meetingPolls)
			.set({ status: 'closed', closedAt: now })
			.where(eq(meetingPolls.id, pollId));
		await auditIn(
			tx,
			{ actorId, action: 'poll.closed', objectType: 'poll', objectId: pollId, caseId },
			now
		);
	});
}

export type PollView = {
	id: string;
	kind: Kind;
	durationMin: number;
	timeZone: string;
	status: 'open' | 'closed';
	meetingId: string | null;
	createdAt: number;
	slots: { idx: number; startsAt: number }[];
	/** Whether this poll is for a meeting with both parties. */
	joint: boolean;
	invitees: {
		userId: string;
		name: string;
		role: CaseMember['role'];
		/** Facilitators see everyone's; anyone else only their own. */
		answeredAt?: number | null;
		answers?: { idx: number; answer: Answer }[];
		jointConsent?: 'yes' | 'no' | null;
	}[];
};

/** The polls of a case this person may see: facilitators all, anyone else those they are in. */
export async function pollsFor(userId: string, caseId: string): Promise<PollView[]> {
	const db = getDb();
	const { member } = await caseAccess(userId, caseId);
	const facilitator = member.role === 'facilitator';
	const mineOnly = db
		.select({ id: pollInvitees.pollId })
		.from(pollInvitees)
		.where(eq(pollInvitees.userId, userId));
	const polls = await db
		.select()
		.from(meetingPolls)
		.where(
			and(
				eq(meetingPolls.caseId, caseId),
				facilitator ? undefined : inArray(meetingPolls.id, mineOnly)
			)
		)
		.orderBy(asc(meetingPolls.createdAt));
	if (polls.length === 0) return [];
	const ids = polls.map((p) => p.id);
	const [slots, invitees, answers, roster] = await Promise.all([
		slotsOf(db, ids),
		db
			.select({
				pollId: pollInvitees.pollId,
				userId: pollInvitees.userId,
				answeredAt: pollInvitees.answeredAt,
				jointConsent: pollInvitees.jointConsent,
				name: caseMembers.displayName,
				role: caseMembers.role,
				status: caseMembers.status
			})
			.from(pollInvitees)
			.innerJoin(
				caseMembers,
				and(eq(caseMembers.caseId, caseId), eq(caseMembers.userId, pollInvitees.userId))
			)
			.where(inArray(pollInvitees.pollId, ids)),
		db
			.select()
			.from(pollAnswers)
			.where(
				and(
					inArray(pollAnswers.pollId, ids),
					facilitator ? undefined : eq(pollAnswers.userId, userId)
				)
			),
		rosterIn(db, caseId)
	]);
	return polls.map((p) => {
		// Someone who left stays in a poll closed before they went; only facilitators see them.
		const people = invitees
			.filter(
				(i) => i.pollId === p.id && (facilitator || i.status === 'active' || i.status === 'paused')
			)
			.sort(byRoleThenName);
		return {
			id: p.id,
			kind: p.kind,
			durationMin: p.durationMin,
			timeZone: p.timeZone,
			status: p.status,
			meetingId: p.meetingId,
			createdAt: p.createdAt,
			slots: slots
				.filter((s) => s.pollId === p.id)
				.map((s) => ({ idx: s.idx, startsAt: s.startsAt })),
			joint: isJoint(
				people.map((i) => i.userId),
				roster
			),
			invitees: people.map((i) => {
				const base = { userId: i.userId, name: i.name, role: i.role };
				if (!facilitator && i.userId !== userId) return base;
				return {
					...base,
					answeredAt: i.answeredAt,
					jointConsent: i.jointConsent,
					answers: answers
						.filter((a) => a.pollId === p.id && a.userId === i.userId)
						.map((a) => ({ idx: a.idx, answer: a.answer }))
				};
			})
		};
	});
}

/** Someone who paused or withdrew is no longer asked in open polls; their answers go. */
export async function dropFromOpenPollsIn(tx: Tx, caseId: string, userId: string) {
	const open = await tx
		.select({ id: meetingPolls.id })
		.from(meetingPolls)
		.where(and(eq(meetingPolls.caseId, caseId), eq(meetingPolls.status, 'open')));
	const ids = open.map((p) => p.id);
	if (ids.length === 0) return;
	await tx
		.delete(pollAnswers)
		.where(and(inArray(pollAnswers.pollId, ids), eq(pollAnswers.userId, userId)));
	await tx
		.delete(pollInvitees)
		.where(and(inArray(pollInvitees.pollId, ids), eq(pollInvitees.userId, userId)));
}
