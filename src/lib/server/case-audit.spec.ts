import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { getDb } from './db';
import { auditEvents } from './db/schema';
import { listCaseAudit } from './audit';
import { caseAuditFor } from './case-audit';
import {
	addCaseWraps,
	getCaseEnvelope,
	listCaseEnvelopes,
	putCaseEnvelope
} from './case-envelopes';
import { addMember, b64, caseWith, fakeEnvelope, person, T } from './case-fixtures';
import { setChoices } from './case-choices';
import { rosterIn } from './case-access';
import { approveItems, consent, draftVersion, requiredSigners } from './agreements';
import { answerMeeting, cancelMeeting, createMeeting, rescheduleMeeting } from './meetings';
import { answerPoll, closePoll, createPoll } from './meeting-polls';
import { deleteParticipantAccount } from './account-deletion';
import { DAY } from './retention';
import { generateId } from './auth/tokens';
import { expectProblem, useTestDb } from './test-db';

useTestDb();

const H = 3_600_000;
const ZONE = 'Europe/Berlin';

const eventsOf = (caseId: string, action: string) =>
	getDb()
		.select()
		.from(auditEvents)
		.where(and(eq(auditEvents.caseId, caseId), eq(auditEvents.action, action)))
		.orderBy(asc(auditEvents.id));

describe("a party's own words in the audit", () => {
	test('written, then fetched by others at most once a day per reader and version', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const s = survivor!;
		await putCaseEnvelope(s.id, caseId, fakeEnvelope('input', 'in1', s, [lead]), T);
		await putCaseEnvelope(s.id, caseId, fakeEnvelope('input', 'in1', s, [lead], { version: 2 }), T);
		expect(await eventsOf(caseId, 'input.created')).toEqual([
			expect.objectContaining({ actorId: s.id, objectType: 'input', objectId: 'in1', at: T })
		]);

		// The author reading their own words is no event.
		await listCaseEnvelopes(s.id, caseId, ['input'], undefined, T + H);
		await getCaseEnvelope(s.id, caseId, 'in1', 2, T + H);
		expect(await eventsOf(caseId, 'input.fetched')).toEqual([]);

		// The facilitator: once however often the page is reloaded that day.
		await listCaseEnvelopes(lead.id, caseId, ['input'], undefined, T + H);
		await listCaseEnvelopes(lead.id, caseId, ['input'], undefined, T + 2 * H);
		await getCaseEnvelope(lead.id, caseId, 'in1', 2, T + 3 * H);
		const fetched = await eventsOf(caseId, 'input.fetched');
		expect(fetched).toEqual([
			expect.objectContaining({
				actorId: lead.id,
				objectType: 'input',
				objectId: 'in1',
				caseId,
				subjectId: s.id,
				at: T + H
			})
		]);
		// A newer version the same day is news; so is the next UTC day.
		await putCaseEnvelope(
			s.id,
			caseId,
			fakeEnvelope('input', 'in1', s, [lead], { version: 3 }),
			T + 4 * H
		);
		await getCaseEnvelope(lead.id, caseId, 'in1', 3, T + 5 * H);
		await getCaseEnvelope(lead.id, caseId, 'in1', 3, T + 6 * H);
		await listCaseEnvelopes(lead.id, caseId, ['input'], undefined, T + DAY);
		await listCaseEnvelopes(lead.id, caseId, ['input'], undefined, T + DAY + H);
		expect((await eventsOf(caseId, 'input.fetched')).map((e) => e.at)).toEqual([
			T + H,
			T + 5 * H,
			T + DAY
		]);
		// Other kinds are not an input fetched.
		await listCaseEnvelopes(lead.id, caseId, ['case-summary'], undefined, T + 2 * DAY);
		expect(await eventsOf(caseId, 'input.fetched')).toHaveLength(3);
	});

	test('taken back: deleted, with whose words they were', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const s = survivor!;
		await putCaseEnvelope(s.id, caseId, fakeEnvelope('input', 'in1', s, [lead]), T);
		const tombstone = fakeEnvelope('input', 'in1', s, [], {
			version: 2,
			deleted: true,
			body: b64(32)
		});
		await putCaseEnvelope(s.id, caseId, tombstone, T + 1);
		expect(await eventsOf(caseId, 'case.input_deleted')).toEqual([
			expect.objectContaining({ actorId: s.id, objectId: 'in1', subjectId: s.id, at: T + 1 })
		]);
	});

	test('more readers: recorded with whose object it is, once per change', async () => {
		const { lead, caseId, survivor, supporter } = await caseWith(['survivor', 'supporter']);
		const s = survivor!;
		await putCaseEnvelope(s.id, caseId, fakeEnvelope('input', 'in1', s, [lead]), T);
		const more = { version: 1, wraps: [{ reader: supporter!.id, wrapper: s.id, box: b64(100) }] };
		await addCaseWraps(s.id, caseId, 'in1', more, T + 1);
		await addCaseWraps(s.id, caseId, 'in1', more, T + 2);
		const co = await addMember(lead, caseId, 'facilitator', null, 'Co');
		// A co-facilitator shares the lead's summary with a newer colleague: the lead's object.
		const toLead = { version: 1, wraps: [{ reader: co.id, wrapper: lead.id, box: b64(100) }] };
		await addCaseWraps(lead.id, caseId, 'summary', toLead, T + 3);
		const third = await addMember(lead, caseId, 'facilitator', null, 'Third');
		const toThird = { version: 1, wraps: [{ reader: third.id, wrapper: co.id, box: b64(100) }] };
		await addCaseWraps(co.id, caseId, 'summary', toThird, T + 4);
		expect(
			(await eventsOf(caseId, 'readers.added')).map((e) => [
				e.actorId,
				e.objectType,
				e.objectId,
				e.subjectId,
				e.at
			])
		).toEqual([
			[s.id, 'input', 'in1', null, T + 1],
			[lead.id, 'envelope', 'summary', null, T + 3],
			[co.id, 'envelope', 'summary', lead.id, T + 4]
		]);
	});
});

describe('meetings, polls and the agreement go with their case', () => {
	test('each event names its case', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const s = survivor!;
		const r = responsible!;
		await setChoices(s.id, caseId, { mode: 'letter' }, T);
		const invitees = [lead, s].map((p) => ({ userId: p.id, arriveAfterMin: 0, leaveBeforeMin: 0 }));
		const m = { id: generateId(), kind: 'preparation' as const, invitees, timeZone: ZONE };
		await createMeeting(lead.id, caseId, { ...m, startsAt: T + DAY, endsAt: T + DAY + H }, T);
		await answerMeeting(s.id, caseId, m.id, 'attending', T);
		const later = { startsAt: T + 2 * DAY, endsAt: T + 2 * DAY + H, timeZone: ZONE };
		await rescheduleMeeting(lead.id, caseId, m.id, later, T);
		await cancelMeeting(lead.id, caseId, m.id, T);
		const pollId = generateId();
		await createPoll(
			lead.id,
			caseId,
			{
				id: pollId,
				kind: 'preparation',
				durationMin: 60,
				timeZone: ZONE,
				slots: [T + 3 * DAY, T + 4 * DAY],
				invitees: [lead.id, s.id]
			},
			T
		);
		await answerPoll(s.id, caseId, pollId, { answers: [{ idx: 0, answer: 'yes' }] }, T);
		await closePoll(lead.id, caseId, pollId, T);

		const agreementId = generateId();
		const roster = await rosterIn(getDb(), caseId);
		const signers = requiredSigners(roster).map((x) => ({ ...x, fp: roster.get(x.userId)!.fp }));
		const text = fakeEnvelope('agreement', agreementId, lead, [s, r]);
		const item = 'boundary-item-00000000';
		await draftVersion(
			lead.id,
			caseId,
			{
				agreementId,
				version: 1,
				digest: b64(32, 11),
				prevDigest: null,
				logHead: { seq: 5, hash: b64(32, 21) },
				items: [{ itemId: item, kind: 'boundary', ownerId: r.id, due: null, repeat: null }],
				signers,
				text: { ...text, attachment: null }
			},
			T
		);
		await approveItems(s.id, caseId, 1, [{ itemId: item, decision: 'approve' }], T);
		await consent(s.id, caseId, { method: 'note', version: 1 }, T);

		const rows = await getDb().select().from(auditEvents);
		const about = rows.filter((e) => ['meeting', 'poll', 'agreement'].includes(e.objectType ?? ''));
		expect(about.map((e) => e.action).sort()).toEqual(
			[
				'agreement.drafted',
				'agreement.signed',
				'meeting.answered',
				'meeting.cancelled',
				'meeting.moved',
				'meeting.scheduled',
				'poll.answered',
				'poll.closed',
				'poll.opened'
			].sort()
		);
		for (const e of about) expect(e.caseId, e.action).toBe(caseId);

		// The case's own list has them, newest first, and nothing of another case.
		const other = await caseWith(['survivor']);
		const listed = await listCaseAudit(caseId);
		expect(listed.every((e) => e.caseId === caseId)).toBe(true);
		expect(listed.map((e) => e.id)).toEqual(
			[...listed].sort((a, b) => b.at - a.at || b.id - a.id).map((e) => e.id)
		);
		expect(listed.map((e) => e.action)).toEqual(expect.arrayContaining(about.map((e) => e.action)));
		expect(await listCaseAudit(other.caseId)).not.toEqual(
			expect.arrayContaining([expect.objectContaining({ caseId })])
		);
	});
});

describe("a case's audit page", () => {
	test('for its facilitators only, each person named as the case knows them', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		await putCaseEnvelope(survivor!.id, caseId, fakeEnvelope('input', 'in1', survivor!, [lead]), T);
		await getCaseEnvelope(lead.id, caseId, 'in1', 1, T + 1);
		await deleteParticipantAccount(survivor!.id, T + 2);

		const { events } = await caseAuditFor(lead.id, caseId);
		const fetched = events.find((e) => e.action === 'input.fetched');
		// Her words are gone; the record that they were read stays, naming her as the case does.
		expect(fetched).toMatchObject({
			who: 'River',
			objectType: 'input',
			about: 'a former participant'
		});
		expect(events.find((e) => e.action === 'case.participation_changed')).toMatchObject({
			who: 'a former participant'
		});
		for (const outsider of [responsible!, await person('facilitator')]) {
			await expectProblem(caseAuditFor(outsider.id, caseId), 404, 'case_not_found');
		}
	});
});
