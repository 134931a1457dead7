import { describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from './db';
import { caseWraps, meetingNotices, meetings } from './db/schema';
import {
	answerMeeting,
	cancelMeeting,
	createMeeting,
	rescheduleMeeting,
	type NewMeeting
} from './meetings';
import { meetingNewsFor, meetingsFor } from './meeting-views';
import { answerPoll, closePoll, createPoll, pickSlot, pollsFor } from './meeting-polls';
import { setChoices } from './case-choices';
import { setMyParticipation } from './case-notices';
import { addCaseWraps, putCaseEnvelope } from './case-envelopes';
import { generateId } from './auth/tokens';
import { expectProblem, useTestDb } from './test-db';
import { addMember, caseWith, fakeEnvelope, person, T } from './case-fixtures';
import type { User } from './db/schema';
import type { ProblemCode } from './problem';

useTestDb();

const H = 60 * 60 * 1000;
const DAY = 24 * H;
const ZONE = 'Europe/Berlin';

const who = (...people: User[]) =>
	people.map((p) => ({ userId: p.id, arriveAfterMin: 0, leaveBeforeMin: 0 }));

function meeting(fields: Partial<NewMeeting> & { invitees: NewMeeting['invitees'] }): NewMeeting {
	return {
		id: generateId(),
		kind: 'preparation',
		startsAt: T + DAY,
		endsAt: T + DAY + H,
		timeZone: ZONE,
		...fields
	};
}

const meetingRows = (caseId: string) =>
	getDb().select().from(meetings).where(eq(meetings.caseId, caseId));
const noticesOf = async (u: User) =>
	(await meetingNewsFor(u.id)).map((n) => ({ kind: n.kind, meetingId: n.meetingId }));

describe('scheduling a meeting at once', () => {
	test('a facilitator schedules a preparation meeting; only its invitees see it and hear of it', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const m = meeting({ invitees: who(lead, survivor!) });
		await createMeeting(lead.id, caseId, m, T);

		const [seen] = await meetingsFor(survivor!.id, { caseId, from: T });
		expect(seen).toMatchObject({
			id: m.id,
			kind: 'preparation',
			status: 'scheduled',
			timeZone: ZONE,
			startsAt: T + DAY,
			endsAt: T + DAY + H,
			myRsvp: 'pending',
			asFacilitator: false
		});
		// A participant is not shown anyone's answer but their own.
		expect(seen!.invitees.every((i) => i.rsvp === undefined)).toBe(true);
		expect(await noticesOf(survivor!)).toEqual([{ kind: 'scheduled', meetingId: m.id }]);
		expect(await noticesOf(lead)).toEqual([]);
		expect(await meetingsFor(responsible!.id, { caseId, from: T })).toEqual([]);
		expect(await noticesOf(responsible!)).toEqual([]);
		const [forLead] = await meetingsFor(lead.id, { from: T });
		expect(forLead!.invitees.map((i) => i.rsvp)).toEqual(['pending', 'pending']);
	});

	test('only a facilitator of the case schedules', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const outsider = await person('facilitator');
		const m = meeting({ invitees: who(lead, survivor!) });
		await expectProblem(createMeeting(survivor!.id, caseId, m, T), 403, 'forbidden');
		await expectProblem(createMeeting(outsider.id, caseId, m, T), 404, 'case_not_found');
		expect(await meetingRows(caseId)).toEqual([]);
	});

	test('bad times, zones and people are refused in words, and nothing is stored', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const outsider = await person();
		const ok = who(lead, survivor!);
		const cases: [Partial<NewMeeting>, 400 | 409, ProblemCode][] = [
			[{ endsAt: T + DAY - H }, 400, 'meeting_end_before_start'],
			[{ endsAt: T + DAY }, 400, 'meeting_end_before_start'],
			[{ endsAt: T + DAY + 13 * H }, 400, 'meeting_duration'],
			[{ endsAt: T + DAY + 60_000 }, 400, 'meeting_duration'],
			[{ endsAt: T + DAY + 30_500 * 60 }, 400, 'meeting_duration'],
			[{ timeZone: 'Mars/Olympus' }, 400, 'time_zone_unknown'],
			[{ timeZone: '' }, 400, 'time_zone_unknown'],
			[{ startsAt: T - H, endsAt: T }, 400, 'meeting_in_past'],
			[{ startsAt: T + 500 * DAY, endsAt: T + 500 * DAY + H }, 400, 'meeting_too_far'],
			[{ invitees: who(lead, outsider) }, 400, 'invitee_not_in_case'],
			[{ invitees: who(survivor!) }, 400, 'meeting_needs_facilitator'],
			[{ invitees: [...ok, ...who(survivor!)] }, 400, 'bad_request'],
			[{ kind: 'readiness' }, 400, 'readiness_facilitators_only'],
			[{ invitees: who(lead, survivor!, responsible!) }, 400, 'preparation_one_party'],
			[
				{
					invitees: [{ userId: survivor!.id, arriveAfterMin: 50, leaveBeforeMin: 10 }, ...who(lead)]
				},
				400,
				'meeting_stagger'
			]
		];
		for (const [fields, status, code] of cases) {
			await expectProblem(
				createMeeting(lead.id, caseId, meeting({ invitees: ok, ...fields }), T),
				status,
				code
			);
		}
		expect(await meetingRows(caseId)).toEqual([]);
	});
});

describe('the survivor goes first', () => {
	test('nothing with the responsible party before the survivor has chosen how to take part', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const prep = () => meeting({ invitees: who(lead, responsible!) });
		await expectProblem(createMeeting(lead.id, caseId, prep(), T), 409, 'survivor_not_decided');
		// A preparation meeting with the survivor is fine meanwhile.
		await createMeeting(lead.id, caseId, meeting({ invitees: who(lead, survivor!) }), T);
		await setChoices(survivor!.id, caseId, { mode: 'letter' }, T);
		await createMeeting(lead.id, caseId, prep(), T);
		expect(await meetingsFor(responsible!.id, { caseId, from: T })).toHaveLength(1);
	});

	test('both parties together only with the direct mode and consent to that meeting, asked in a poll', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const everyone = who(lead, survivor!, responsible!);
		const circle = () => meeting({ kind: 'circle', invitees: everyone });
		await setChoices(survivor!.id, caseId, { mode: 'letter' }, T);
		await expectProblem(createMeeting(lead.id, caseId, circle(), T), 409, 'joint_needs_direct');
		await setChoices(survivor!.id, caseId, { mode: 'direct' }, T);
		await expectProblem(createMeeting(lead.id, caseId, circle(), T), 409, 'joint_needs_consent');

		const pollId = generateId();
		const slots = [T + 2 * DAY, T + 3 * DAY];
		await createPoll(
			lead.id,
			caseId,
			{
				id: pollId,
				kind: 'circle',
				durationMin: 120,
				timeZone: ZONE,
				slots,
				invitees: everyone.map((i) => i.userId)
			},
			T
		);
		const stagger = [
			{ userId: responsible!.id, arriveAfterMin: 0, leaveBeforeMin: 15 },
			{ userId: survivor!.id, arriveAfterMin: 15, leaveBeforeMin: 0 }
		];
		const pick = (meetingId = generateId()) =>
			pickSlot(lead.id, caseId, pollId, { idx: 1, meetingId, stagger }, T);
		await expectProblem(pick(), 409, 'joint_needs_consent');
		await answerPoll(
			survivor!.id,
			caseId,
			pollId,
			{ answers: [{ idx: 1, answer: 'yes' }], jointConsent: 'no' },
			T
		);
		await expectProblem(pick(), 409, 'joint_needs_consent');
		// The responsible party is never asked, and cannot answer for her.
		await expectProblem(
			answerPoll(responsible!.id, caseId, pollId, { answers: [], jointConsent: 'yes' }, T),
			400,
			'bad_request'
		);
		await answerPoll(
			survivor!.id,
			caseId,
			pollId,
			{ answers: [{ idx: 1, answer: 'yes' }], jointConsent: 'yes' },
			T
		);
		const meetingId = generateId();
		await pick(meetingId);

		// Each party is told their own times only; the facilitators see both.
		const start = T + 3 * DAY;
		const [hers] = await meetingsFor(survivor!.id, { caseId, from: T });
		expect(hers).toMatchObject({
			id: meetingId,
			startsAt: start + 15 * 60_000,
			endsAt: start + 2 * H
		});
		const [his] = await meetingsFor(responsible!.id, { caseId, from: T });
		expect(his).toMatchObject({ startsAt: start, endsAt: start + 2 * H - 15 * 60_000 });
		expect(JSON.stringify(his)).not.toContain('arriveAfterMin');
		const [theirs] = await meetingsFor(lead.id, { caseId, from: T });
		expect(theirs).toMatchObject({ startsAt: start, endsAt: start + 2 * H });
		expect(theirs!.invitees.find((i) => i.userId === survivor!.id)?.arriveAfterMin).toBe(15);
		// The poll is closed; answers can no longer change.
		await expectProblem(
			answerPoll(survivor!.id, caseId, pollId, { answers: [{ idx: 0, answer: 'no' }] }, T),
			409,
			'poll_closed'
		);
		expect((await pollsFor(lead.id, caseId))[0]).toMatchObject({ status: 'closed', meetingId });
	});
});

describe('finding a time', () => {
	test("each invitee sees only their own answers; facilitators see everyone's and who is missing", async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		await setChoices(survivor!.id, caseId, { mode: 'direct' }, T);
		const pollId = generateId();
		const invitees = [lead.id, survivor!.id, responsible!.id];
		const slots = [T + DAY, T + 2 * DAY, T + 3 * DAY];
		await createPoll(
			lead.id,
			caseId,
			{ id: pollId, kind: 'circle', durationMin: 90, timeZone: ZONE, slots, invitees },
			T
		);
		await answerPoll(
			survivor!.id,
			caseId,
			pollId,
			{
				answers: [
					{ idx: 0, answer: 'no' },
					{ idx: 1, answer: 'if_need_be' },
					{ idx: 2, answer: 'yes' }
				]
			},
			T
		);
		const [forHim] = await pollsFor(responsible!.id, caseId);
		const herRow = forHim!.invitees.find((i) => i.userId === survivor!.id);
		expect(herRow).toEqual({ userId: survivor!.id, name: 'Wren', role: 'survivor' });
		expect(forHim!.invitees.find((i) => i.userId === responsible!.id)).toMatchObject({
			answeredAt: null,
			answers: []
		});
		const [forLead] = await pollsFor(lead.id, caseId);
		expect(forLead!.joint).toBe(true);
		expect(forLead!.invitees.find((i) => i.userId === survivor!.id)).toMatchObject({
			answeredAt: T,
			answers: [
				{ idx: 0, answer: 'no' },
				{ idx: 1, answer: 'if_need_be' },
				{ idx: 2, answer: 'yes' }
			]
		});
		const missing = forLead!.invitees.filter((i) => i.answeredAt === null).map((i) => i.userId);
		expect(missing.sort()).toEqual([lead.id, responsible!.id].sort());
	});

	test('bad polls and answers are refused, and nothing half-written stays', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const outsider = await person();
		const base = {
			kind: 'preparation' as const,
			durationMin: 60,
			timeZone: ZONE,
			slots: [T + DAY],
			invitees: [lead.id, survivor!.id]
		};
		const bad: [Partial<typeof base>, ProblemCode][] = [
			[{ slots: [] }, 'poll_slots'],
			[{ slots: [T + DAY, T + DAY] }, 'poll_slots'],
			[{ slots: Array.from({ length: 21 }, (_, i) => T + (i + 1) * DAY) }, 'poll_slots'],
			[{ slots: [T - H] }, 'meeting_in_past'],
			[{ durationMin: 0 }, 'meeting_duration'],
			[{ durationMin: 24 * 60 }, 'meeting_duration'],
			[{ timeZone: 'Europe/Atlantis' }, 'time_zone_unknown'],
			[{ invitees: [lead.id, outsider.id] }, 'invitee_not_in_case']
		];
		for (const [fields, code] of bad) {
			await expectProblem(
				createPoll(lead.id, caseId, { id: generateId(), ...base, ...fields }, T),
				400,
				code
			);
		}
		expect(await pollsFor(lead.id, caseId)).toEqual([]);

		const pollId = generateId();
		await createPoll(lead.id, caseId, { id: pollId, ...base }, T);
		await expectProblem(
			answerPoll(survivor!.id, caseId, pollId, { answers: [{ idx: 5, answer: 'yes' }] }, T),
			400,
			'bad_request'
		);
		await expectProblem(
			answerPoll(outsider.id, caseId, pollId, { answers: [] }, T),
			404,
			'case_not_found'
		);
		await closePoll(lead.id, caseId, pollId, T);
		await expectProblem(
			answerPoll(survivor!.id, caseId, pollId, { answers: [{ idx: 0, answer: 'yes' }] }, T),
			409,
			'poll_closed'
		);
		const [poll] = await pollsFor(survivor!.id, caseId);
		expect(poll!.invitees.find((i) => i.userId === survivor!.id)?.answers).toEqual([]);
	});
});

describe('after scheduling', () => {
	test('answers, a new time and a cancellation: everyone invited hears, without content', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const m = meeting({ invitees: who(lead, survivor!) });
		await createMeeting(lead.id, caseId, m, T);
		await answerMeeting(survivor!.id, caseId, m.id, 'need_to_talk', T);
		expect((await meetingsFor(survivor!.id, { caseId, from: T }))[0]!.myRsvp).toBe('need_to_talk');

		await expectProblem(
			rescheduleMeeting(lead.id, caseId, m.id, { startsAt: T - H, endsAt: T, timeZone: ZONE }, T),
			400,
			'meeting_in_past'
		);
		const later = {
			startsAt: T + 2 * DAY,
			endsAt: T + 2 * DAY + 2 * H,
			timeZone: 'America/New_York'
		};
		await rescheduleMeeting(lead.id, caseId, m.id, later, T + 1);
		const [moved] = await meetingsFor(survivor!.id, { caseId, from: T });
		expect(moved).toMatchObject({ ...later, myRsvp: 'pending' });
		expect(await noticesOf(survivor!)).toEqual([
			{ kind: 'moved', meetingId: m.id },
			{ kind: 'scheduled', meetingId: m.id }
		]);

		await cancelMeeting(lead.id, caseId, m.id, T + 2);
		expect((await meetingsFor(survivor!.id, { caseId, from: T }))[0]!.status).toBe('cancelled');
		expect((await noticesOf(survivor!))[0]).toEqual({ kind: 'cancelled', meetingId: m.id });
		await expectProblem(
			answerMeeting(survivor!.id, caseId, m.id, 'attending', T),
			409,
			'meeting_cancelled'
		);
		await expectProblem(cancelMeeting(lead.id, caseId, m.id, T), 409, 'meeting_cancelled');
	});

	test('only an invitee answers, and only a facilitator moves or cancels', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const m = meeting({ invitees: who(lead, survivor!) });
		await createMeeting(lead.id, caseId, m, T);
		await expectProblem(
			answerMeeting(responsible!.id, caseId, m.id, 'attending', T),
			404,
			'meeting_not_found'
		);
		const times = { startsAt: T + 2 * DAY, endsAt: T + 2 * DAY + H, timeZone: ZONE };
		await expectProblem(rescheduleMeeting(survivor!.id, caseId, m.id, times, T), 403, 'forbidden');
		await expectProblem(cancelMeeting(survivor!.id, caseId, m.id, T), 403, 'forbidden');
		await expectProblem(
			answerMeeting(survivor!.id, caseId, m.id, 'attending', T + DAY + H),
			409,
			'meeting_over'
		);
	});

	test('someone who pauses leaves every meeting and poll still to come; the facilitators are told which', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const co = await addMember(lead, caseId, 'facilitator', null, 'Birch');
		const soon = meeting({ invitees: who(lead, survivor!) });
		const other = meeting({
			kind: 'readiness',
			startsAt: T + 2 * DAY,
			endsAt: T + 2 * DAY + H,
			invitees: who(lead, co)
		});
		await createMeeting(lead.id, caseId, soon, T);
		await createMeeting(lead.id, caseId, other, T);
		// Its details are sealed for the survivor too.
		await putCaseEnvelope(
			lead.id,
			caseId,
			fakeEnvelope('meeting', soon.id, lead, [survivor!, co]),
			T
		);
		const pollId = generateId();
		await createPoll(
			lead.id,
			caseId,
			{
				id: pollId,
				kind: 'preparation',
				durationMin: 60,
				timeZone: ZONE,
				slots: [T + 3 * DAY],
				invitees: [lead.id, survivor!.id]
			},
			T
		);

		await setMyParticipation(survivor!.id, caseId, 'paused', T + 10);
		const [after] = await meetingsFor(lead.id, { caseId, from: T }).then((ms) =>
			ms.filter((x) => x.id === soon.id)
		);
		expect(after!.invitees.map((i) => i.userId)).toEqual([lead.id]);
		const dropped = (u: User) =>
			getDb()
				.select({
					kind: meetingNotices.kind,
					meetingId: meetingNotices.meetingId,
					aboutId: meetingNotices.aboutId
				})
				.from(meetingNotices)
				.where(eq(meetingNotices.userId, u.id))
				.then((rows) => rows.filter((r) => r.kind === 'dropped'));
		expect(await dropped(lead)).toEqual([
			{ kind: 'dropped', meetingId: soon.id, aboutId: survivor!.id }
		]);
		expect(await dropped(co)).toEqual([
			{ kind: 'dropped', meetingId: soon.id, aboutId: survivor!.id }
		]);
		const wraps = await getDb()
			.select({ reader: caseWraps.readerId })
			.from(caseWraps)
			.where(eq(caseWraps.objectId, soon.id));
		expect(wraps.map((w) => w.reader).sort()).toEqual([lead.id, co.id].sort());
		// On the meeting itself, the facilitators see who was dropped from it.
		const views = await meetingsFor(co.id, { caseId, from: T });
		expect(views.find((x) => x.id === soon.id)?.left).toEqual(['Wren']);
		expect(views.find((x) => x.id === other.id)?.left).toEqual([]);
		expect((await pollsFor(lead.id, caseId))[0]!.invitees.map((i) => i.userId)).toEqual([lead.id]);
	});
});

describe("a meeting's sealed details", () => {
	test('are for the facilitators and its invitees only', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const m = meeting({ invitees: who(lead, survivor!) });
		await createMeeting(lead.id, caseId, m, T);
		await expectProblem(
			putCaseEnvelope(lead.id, caseId, fakeEnvelope('meeting', m.id, lead, [responsible!]), T),
			403,
			'reader_not_allowed'
		);
		await expectProblem(
			putCaseEnvelope(lead.id, caseId, fakeEnvelope('meeting', 'no-such-meeting', lead, []), T),
			404,
			'meeting_not_found'
		);
		await expectProblem(
			putCaseEnvelope(survivor!.id, caseId, fakeEnvelope('meeting', m.id, survivor!, [lead]), T),
			403,
			'forbidden'
		);
		await putCaseEnvelope(lead.id, caseId, fakeEnvelope('meeting', m.id, lead, [survivor!]), T);
		await expectProblem(
			addCaseWraps(lead.id, caseId, m.id, {
				version: 1,
				wraps: [{ reader: responsible!.id, wrapper: lead.id, box: 'A'.repeat(100) }]
			}),
			403,
			'reader_not_allowed'
		);
	});
});
