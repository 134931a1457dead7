import { describe, expect, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { getDb } from './db';
import * as schema from './db/schema';
import {
	caseEnvelopes,
	caseEvents,
	caseMembers,
	caseNotices,
	cases,
	caseSeen,
	caseWraps
} from './db/schema';
import { openCase, setStage } from './cases';
import {
	approveItems,
	closeCase,
	consent,
	draftVersion,
	postCheckIn,
	setAgreementChoices,
	setItemStatus
} from './agreements';
import { markAgreementNewsSeen } from './agreement-views';
import { putCaseEnvelope } from './case-envelopes';
import { createCaseInvite, joinCase } from './case-invites';
import { completePendingEntry, getCaseLog } from './case-log';
import { markNoticeSeen, openNotices, raiseSignal, setMyParticipation } from './case-notices';
import { deactivateFacilitator } from './org';
import { markSeen } from './seen';
import { RECENT_MS, unreadByCase, waitingFor, type WaitingItem } from './waiting';
import { createMeeting } from './meetings';
import { answerPoll, createPoll } from './meeting-polls';
import { markMeetingNewsSeen } from './meeting-views';
import { generateId } from './auth/tokens';
import { expectProblem, useTestDb } from './test-db';
import { b64, entry, fakeEnvelope, person, session, T } from './case-fixtures';
import type { User } from './db/schema';
import type { CaseRoleName } from './validation/cases';
import type { AgreementItemInput } from './validation/agreements';

useTestDb();

const DAY = 24 * 60 * 60 * 1000;
const envelope = fakeEnvelope;

async function newCase(lead: User) {
	const caseId = generateId();
	const summary = envelope('case-summary', 'summary', lead, []);
	const { ref } = await openCase(session(lead), { caseId, entry: entry(lead), summary }, T);
	return { caseId, ref };
}

/** Invites and joins; the lead's browser signs the add unless told not to. */
async function join(
	lead: User,
	caseId: string,
	role: CaseRoleName,
	name: string,
	opts: { supports?: string; sign?: boolean; who?: User } = {}
) {
	const inviteId = generateId();
	const secret = envelope('invite-secret', `inv-${inviteId}`, lead, []);
	const { path } = await createCaseInvite(
		lead.id,
		caseId,
		{ inviteId, role, supports: opts.supports ?? null, secret, replaces: null },
		T
	);
	const who = opts.who ?? (await person(role === 'facilitator' ? 'facilitator' : null));
	await joinCase(
		session(who),
		path.slice(6),
		{ fp: b64(32, 5), tag: b64(32), displayName: name },
		T
	);
	if (opts.sign === false) return who;
	const log = await getCaseLog(lead.id, caseId);
	for (const [i, p] of log.pending.entries()) {
		const { op, subject, role: r, supports } = p.change;
		const signed = entry(lead, { seq: log.entries.length + i, op, subject, role: r, supports });
		await completePendingEntry(lead.id, caseId, { pendingId: p.id, entry: signed }, T);
	}
	return who;
}

/** A case with a lead (River) and a survivor (Wren). */
async function caseWithSurvivor() {
	const lead = await person('facilitator');
	const { caseId, ref } = await newCase(lead);
	const survivor = await join(lead, caseId, 'survivor', 'Wren');
	return { lead, survivor, caseId, ref };
}

const chooseMode = (u: User, caseId: string) =>
	getDb()
		.update(caseMembers)
		.set({ mode: 'letter', choicesAt: T })
		.where(and(eq(caseMembers.caseId, caseId), eq(caseMembers.userId, u.id)));

const kinds = (items: WaitingItem[]) => items.map((i) => i.kind);

describe('to-dos for the parties', () => {
	test('a survivor is asked gently for their way of taking part and their own words', async () => {
		const { lead, survivor, caseId, ref } = await caseWithSurvivor();
		const responsible = await join(lead, caseId, 'responsible', 'Oak');
		const supporter = await join(lead, caseId, 'supporter', 'Fern', { supports: survivor.id });
		expect(await waitingFor(survivor.id, T)).toEqual({
			unread: 0,
			items: [
				{
					kind: 'choose-mode',
					caseId,
					ref,
					href: `/cases/${caseId}/input#taking-part`,
					unread: false,
					at: null
				},
				{ kind: 'own-input', caseId, ref, href: `/cases/${caseId}/input`, unread: false, at: null }
			]
		});
		expect(kinds((await waitingFor(responsible.id, T)).items)).toEqual(['own-input']);
		expect((await waitingFor(supporter.id, T)).items).toEqual([]);
		// Nothing is waiting for the lead: every add was signed, nobody raised anything.
		expect(await waitingFor(lead.id, T)).toEqual({ items: [], unread: 0 });

		await chooseMode(survivor, caseId);
		expect(kinds((await waitingFor(survivor.id, T)).items)).toEqual(['own-input']);
		await putCaseEnvelope(survivor.id, caseId, envelope('input', 'in-w', survivor, [lead]), T + 1);
		expect((await waitingFor(survivor.id, T + 2)).items).toEqual([]);
		// Deleting their words brings the gentle reminder back.
		await putCaseEnvelope(
			survivor.id,
			caseId,
			envelope('input', 'in-w', survivor, [lead], { version: 2, deleted: true, body: b64(40) }),
			T + 3
		);
		expect(kinds((await waitingFor(survivor.id, T + 4)).items)).toEqual(['own-input']);
		expect((await waitingFor(lead.id, T + 4)).items).toEqual([]);
	});

	test('someone who paused, or a paused case, gets no to-dos', async () => {
		const { lead, survivor, caseId } = await caseWithSurvivor();
		await setMyParticipation(survivor.id, caseId, 'paused', T + 1);
		expect((await waitingFor(survivor.id, T + 2)).items).toEqual([]);
		await setMyParticipation(survivor.id, caseId, 'active', T + 3);
		expect(kinds((await waitingFor(survivor.id, T + 4)).items)).toEqual([
			'choose-mode',
			'own-input'
		]);
		await setStage(lead.id, caseId, 'paused', T + 5);
		expect((await waitingFor(survivor.id, T + 6)).items).toEqual([]);
	});
});

describe('new to read', () => {
	test('what others wrote for me is new until I open that version, then read for a while', async () => {
		const { lead, survivor, caseId, ref } = await caseWithSurvivor();
		await chooseMode(survivor, caseId);
		const input = envelope('input', 'in-w', survivor, [lead]);
		await putCaseEnvelope(survivor.id, caseId, input, T + 10);
		const fresh = await waitingFor(lead.id, T + 20);
		expect(fresh).toEqual({
			unread: 1,
			items: [
				{
					kind: 'new',
					caseId,
					ref,
					href: `/cases/${caseId}/input`,
					unread: true,
					objectKind: 'input',
					objectId: 'in-w',
					version: 1,
					authorName: 'Wren',
					at: T + 10
				}
			]
		});
		// The author's own words are never news to them.
		expect((await waitingFor(survivor.id, T + 20)).items).toEqual([]);
		// The dashboard counts the same, per case.
		expect(await unreadByCase(lead.id, [caseId], T + 20)).toEqual(new Map([[caseId, 1]]));
		expect(await unreadByCase(survivor.id, [caseId], T + 20)).toEqual(new Map());

		await markSeen(lead.id, caseId, 'in-w', 1, T + 30);
		expect(await unreadByCase(lead.id, [caseId], T + 40)).toEqual(new Map());
		expect(await waitingFor(lead.id, T + 40)).toMatchObject({
			unread: 0,
			items: [{ kind: 'new', objectId: 'in-w', unread: false }]
		});
		await putCaseEnvelope(survivor.id, caseId, { ...input, version: 2 }, T + 50);
		expect(await waitingFor(lead.id, T + 60)).toMatchObject({
			unread: 1,
			items: [{ objectId: 'in-w', version: 2, unread: true, at: T + 50 }]
		});
		await markSeen(lead.id, caseId, 'in-w', 2, T + 70);
		// Opening an earlier version later does not lower the mark.
		await markSeen(lead.id, caseId, 'in-w', 1, T + 80);
		const seen = await getDb().select().from(caseSeen).where(eq(caseSeen.userId, lead.id));
		expect(seen).toMatchObject([{ caseId, objectId: 'in-w', version: 2, seenAt: T + 70 }]);
		expect((await waitingFor(lead.id, T + 90)).unread).toBe(0);
		// Read items leave the list after a quiet fortnight; unread ones stay until opened.
		expect((await waitingFor(lead.id, T + 70 + RECENT_MS + 1)).items).toEqual([]);
		await putCaseEnvelope(survivor.id, caseId, { ...input, version: 3 }, T + 100);
		expect(await waitingFor(lead.id, T + 100 + 60 * DAY)).toMatchObject({
			unread: 1,
			items: [{ version: 3, unread: true }]
		});
		// A tombstone is nothing to read.
		await putCaseEnvelope(
			survivor.id,
			caseId,
			{ ...input, version: 4, deleted: true, body: b64(40) },
			T + 110
		);
		expect((await waitingFor(lead.id, T + 120)).items).toEqual([]);
	});

	test("a party's answers and the files added to them are one piece of news", async () => {
		const { lead, survivor, caseId } = await caseWithSurvivor();
		await chooseMode(survivor, caseId);
		// Files are input objects of their own (their attachment is not needed here).
		for (const [id, at] of [
			['in-w', 10],
			['file-1', 11],
			['file-2', 12]
		] as const) {
			await putCaseEnvelope(survivor.id, caseId, envelope('input', id, survivor, [lead]), T + at);
		}
		expect(await waitingFor(lead.id, T + 20)).toMatchObject({
			unread: 1,
			items: [{ kind: 'new', objectId: 'file-2', version: 1, unread: true, at: T + 12 }]
		});
		expect(await unreadByCase(lead.id, [caseId], T + 20)).toEqual(new Map([[caseId, 1]]));
		// Opening the page marks each seen; one left unopened keeps the news new.
		await markSeen(lead.id, caseId, 'in-w', 1, T + 30);
		await markSeen(lead.id, caseId, 'file-2', 1, T + 30);
		expect((await waitingFor(lead.id, T + 40)).unread).toBe(1);
		await markSeen(lead.id, caseId, 'file-1', 1, T + 30);
		expect((await waitingFor(lead.id, T + 40)).unread).toBe(0);
	});

	test('meeting news and polls to answer, for the people they concern, until seen or answered', async () => {
		const { lead, survivor, caseId, ref } = await caseWithSurvivor();
		const meetingId = generateId();
		const pollId = generateId();
		const at = T + DAY;
		const me = [
			{ userId: lead.id, arriveAfterMin: 0, leaveBeforeMin: 0 },
			{ userId: survivor.id, arriveAfterMin: 0, leaveBeforeMin: 0 }
		];
		await createMeeting(
			lead.id,
			caseId,
			{
				id: meetingId,
				kind: 'preparation',
				startsAt: at,
				endsAt: at + 3_600_000,
				timeZone: 'UTC',
				invitees: me
			},
			T
		);
		await createPoll(
			lead.id,
			caseId,
			{
				id: pollId,
				kind: 'preparation',
				durationMin: 60,
				timeZone: 'UTC',
				slots: [at + DAY],
				invitees: [lead.id, survivor.id]
			},
			T + 1
		);
		const hers = await waitingFor(survivor.id, T + 10);
		const href = `/cases/${caseId}/meetings`;
		expect(hers.items.filter((i) => i.kind === 'meeting' || i.kind === 'poll')).toEqual([
			{ kind: 'poll', caseId, ref, href, unread: true, count: 1, at: T + 1 },
			{
				kind: 'meeting',
				caseId,
				ref,
				href,
				unread: true,
				change: 'scheduled',
				name: '',
				count: 1,
				at: T
			}
		]);
		// The one who made them has nothing new about them, and no poll to answer (a facilitator's
		// page has no answers to give); answering ends the to-do.
		expect(
			(await waitingFor(lead.id, T + 10)).items.filter(
				(i) => i.kind === 'meeting' || i.kind === 'poll'
			)
		).toEqual([]);
		await answerPoll(survivor.id, caseId, pollId, { answers: [{ idx: 0, answer: 'yes' }] }, T + 11);
		await markMeetingNewsSeen(survivor.id, caseId, T + 12);
		expect(
			(await waitingFor(survivor.id, T + 20)).items.filter(
				(i) => i.kind === 'meeting' || i.kind === 'poll'
			)
		).toEqual([]);
		// Pausing drops her from the meeting; the facilitator is told, by name.
		await setMyParticipation(survivor.id, caseId, 'paused', T + 30);
		expect(
			(await waitingFor(lead.id, T + 40)).items.filter((i) => i.kind === 'meeting')
		).toMatchObject([{ change: 'dropped', name: 'Wren', count: 1 }]);
	});

	test('interim summaries reach the survivor, comments the facilitators; others see neither', async () => {
		const { lead, survivor, caseId } = await caseWithSurvivor();
		await chooseMode(survivor, caseId);
		await putCaseEnvelope(survivor.id, caseId, envelope('input', 'in-w', survivor, [lead]), T);
		const colead = await join(lead, caseId, 'facilitator', 'Birch');
		const responsible = await join(lead, caseId, 'responsible', 'Oak');
		await putCaseEnvelope(
			lead.id,
			caseId,
			envelope('interim-summary', 'is', lead, [survivor]),
			T + 1
		);
		await putCaseEnvelope(
			survivor.id,
			caseId,
			envelope('interim-comment', 'ic', survivor, [lead]),
			T + 2
		);
		expect((await waitingFor(survivor.id, T + 3)).items).toMatchObject([
			{
				kind: 'new',
				objectKind: 'interim-summary',
				authorName: 'River',
				href: `/cases/${caseId}/summary`
			}
		]);
		// Newest first; the lead's own summary is not news to the lead.
		expect((await waitingFor(lead.id, T + 3)).items).toMatchObject([
			{ objectKind: 'interim-comment', href: `/cases/${caseId}/summary`, at: T + 2 },
			{ objectKind: 'input', at: T }
		]);
		// Birch joined after these were sealed and has no wrap yet: nothing exists for Birch.
		expect((await waitingFor(colead.id, T + 3)).items).toEqual([]);
		// The responsible party never reads the survivor's words.
		expect(kinds((await waitingFor(responsible.id, T + 3)).items)).toEqual(['own-input']);
		// A co-facilitator's new version of the summary is news to the lead.
		await putCaseEnvelope(
			colead.id,
			caseId,
			envelope('interim-summary', 'is', colead, [lead, survivor], { version: 2 }),
			T + 4
		);
		expect((await waitingFor(lead.id, T + 5)).items[0]).toMatchObject({
			objectKind: 'interim-summary',
			version: 2,
			authorName: 'Birch',
			unread: true
		});
	});
});

describe('for facilitators', () => {
	test('safety signals come first and urgent; other notices, pending changes and a lead who left', async () => {
		const { lead, survivor, caseId, ref } = await caseWithSurvivor();
		const colead = await join(lead, caseId, 'facilitator', 'Birch');
		await chooseMode(survivor, caseId);
		await putCaseEnvelope(survivor.id, caseId, envelope('input', 'in-w', survivor, [lead]), T + 5);
		await raiseSignal(survivor.id, caseId, 'talk', T + 1);
		const responsible = await join(lead, caseId, 'responsible', 'Oak', { sign: false });
		await setMyParticipation(responsible.id, caseId, 'paused', T + 3);
		const waiting = await waitingFor(lead.id, T + 10);
		expect(waiting.items).toMatchObject([
			{ kind: 'urgent', notice: 'talk', name: 'Wren', href: `/cases/${caseId}`, ref, at: T + 1 },
			{ kind: 'new', objectKind: 'input', at: T + 5 },
			{ kind: 'notice', notice: 'paused', name: 'Oak', unread: true, at: T + 3 },
			{ kind: 'pending', count: 1, unread: false }
		]);
		expect(waiting.unread).toBe(3);
		// Marked as seen by any facilitator, a notice is handled for all of them.
		for (const n of await openNotices(lead.id, caseId)) {
			await markNoticeSeen(colead.id, caseId, n.id, T + 11);
		}
		expect(kinds((await waitingFor(lead.id, T + 12)).items)).toEqual(['new', 'pending']);
		// Survivors and responsible parties never see notices or membership changes.
		expect(kinds((await waitingFor(responsible.id, T + 12)).items)).toEqual([]);

		await deactivateFacilitator(colead.id, lead.id, T + 20);
		expect(await waitingFor(lead.id, T + 21)).toEqual({ items: [], unread: 0 });
		expect((await waitingFor(colead.id, T + 21)).items).toMatchObject([
			{ kind: 'pending', count: 2, at: T + 20 },
			{ kind: 'lead-gone', href: `/cases/${caseId}`, at: T + 20 }
		]);
	});

	test('a lead no longer in the case (their account still active) is gone for the other facilitators only', async () => {
		const { lead, survivor, caseId, ref } = await caseWithSurvivor();
		const colead = await join(lead, caseId, 'facilitator', 'Birch');
		await chooseMode(survivor, caseId);
		const leadGone = async (u: User) =>
			(await waitingFor(u.id, T + 31)).items.filter((i) => i.kind === 'lead-gone');
		expect(await leadGone(colead)).toEqual([]);
		await getDb()
			.update(caseMembers)
			.set({ status: 'removed', statusAt: T + 30 })
			.where(and(eq(caseMembers.caseId, caseId), eq(caseMembers.userId, lead.id)));
		expect(await leadGone(colead)).toEqual([
			{ kind: 'lead-gone', caseId, ref, href: `/cases/${caseId}`, unread: false, at: T + 30 }
		]);
		// Only a facilitator is told; the survivor's page has nothing of it.
		expect(await leadGone(survivor)).toEqual([]);
	});
});

describe('who sees nothing', () => {
	test('a withdrawn, removed or deactivated member, and a closed case', async () => {
		const { lead, survivor, caseId } = await caseWithSurvivor();
		const responsible = await join(lead, caseId, 'responsible', 'Oak');
		await putCaseEnvelope(lead.id, caseId, envelope('interim-summary', 'is', lead, [survivor]), T);
		await setMyParticipation(survivor.id, caseId, 'withdrawn', T + 1);
		expect(await waitingFor(survivor.id, T + 2)).toEqual({ items: [], unread: 0 });
		await getDb()
			.update(caseMembers)
			.set({ status: 'removed' })
			.where(eq(caseMembers.userId, responsible.id));
		expect((await waitingFor(responsible.id, T + 2)).items).toEqual([]);

		const other = await caseWithSurvivor();
		expect((await waitingFor(other.survivor.id, T)).items).toHaveLength(2);
		await getDb()
			.update(schema.users)
			.set({ status: 'deactivated' })
			.where(eq(schema.users.id, other.survivor.id));
		expect((await waitingFor(other.survivor.id, T)).items).toEqual([]);

		const third = await caseWithSurvivor();
		await raiseSignal(third.survivor.id, third.caseId, 'unsafe', T + 1);
		expect((await waitingFor(third.lead.id, T + 2)).unread).toBe(1);
		await closeCase(third.lead.id, third.caseId, 'completed', T + 3);
		expect(await waitingFor(third.lead.id, T + 4)).toEqual({ items: [], unread: 0 });
		expect((await waitingFor(third.survivor.id, T + 4)).items).toEqual([]);
		// Reopened and withdrawn: still nothing waiting in a case that has ended.
		await setStage(third.lead.id, third.caseId, 'follow-up', T + 5);
		await closeCase(third.lead.id, third.caseId, 'withdrawn', T + 6);
		expect((await waitingFor(third.survivor.id, T + 7)).items).toEqual([]);
	});
});

describe('marking as seen', () => {
	test('only a member with a wrap for that very version', async () => {
		const { lead, survivor, caseId } = await caseWithSurvivor();
		const responsible = await join(lead, caseId, 'responsible', 'Oak');
		const stranger = await person();
		await putCaseEnvelope(survivor.id, caseId, envelope('input', 'in-w', survivor, [lead]), T);
		await expectProblem(markSeen(stranger.id, caseId, 'in-w', 1, T), 404, 'case_not_found');
		await expectProblem(markSeen(lead.id, generateId(), 'in-w', 1, T), 404, 'case_not_found');
		// Someone in the case without a wrap for it: it does not exist, as far as they can tell.
		await expectProblem(markSeen(responsible.id, caseId, 'in-w', 1, T), 404, 'not_found');
		await expectProblem(markSeen(lead.id, caseId, 'in-w', 2, T), 404, 'not_found');
		await expectProblem(markSeen(lead.id, caseId, 'nothing', 1, T), 404, 'not_found');
		await setMyParticipation(survivor.id, caseId, 'withdrawn', T + 1);
		await expectProblem(markSeen(survivor.id, caseId, 'in-w', 1, T), 404, 'case_not_found');
		expect(await getDb().select().from(caseSeen).where(eq(caseSeen.caseId, caseId))).toEqual([]);
	});
});

describe('the agreement', () => {
	const DAY1 = Date.UTC(2030, 0, 1);
	const item = (
		kind: AgreementItemInput['kind'],
		owner: User,
		fields: Partial<AgreementItemInput> = {}
	): AgreementItemInput => ({
		itemId: generateId(),
		kind,
		ownerId: owner.id,
		due: null,
		repeat: null,
		...fields
	});

	/** Drafted, approved by the survivor's note and signed by the responsible party, at T. */
	async function inForce(
		c: { lead: User; survivor: User; caseId: string },
		responsible: User,
		items: AgreementItemInput[]
	) {
		const agreementId = generateId();
		const sealed = envelope('agreement', agreementId, c.lead, [c.survivor, responsible]);
		const text = { ...sealed, attachment: null };
		const signers = [{ userId: responsible.id, role: 'responsible' as const, fp: b64(32, 5) }];
		const logHead = { seq: 0, hash: b64(32, 9) };
		const version = { agreementId, version: 1, digest: b64(32, 8), prevDigest: null };
		await draftVersion(c.lead.id, c.caseId, { ...version, logHead, items, signers, text }, T);
		const approvals = items.map((i) => ({ itemId: i.itemId, decision: 'approve' as const }));
		await approveItems(c.survivor.id, c.caseId, 1, approvals, T);
		await consent(c.survivor.id, c.caseId, { method: 'note', version: 1 }, T);
		const signature = { method: 'signature' as const, decision: 'approve' as const };
		await consent(responsible.id, c.caseId, { ...signature, version: 1, signature: b64(64) }, T);
	}

	const agreementItems = async (u: User, now: number) =>
		(await waitingFor(u.id, now)).items.filter((i) => i.kind === 'agreement');

	test('news is one item per case, in words for each role; a safety update carries no details', async () => {
		const c = await caseWithSurvivor();
		const { lead, survivor, caseId, ref } = c;
		const responsible = await join(lead, caseId, 'responsible', 'Oak');
		const boundary = item('boundary', responsible);
		await inForce(c, responsible, [boundary, item('apology', responsible, { due: DAY1 })]);
		const href = `/cases/${caseId}/agreement`;
		// The survivor's answers, her note and the signature each reach the facilitators; then
		// the agreement is in force. Her milestones wait for her to choose what she hears.
		expect(await agreementItems(lead, T + 1)).toEqual([
			{
				kind: 'agreement',
				caseId,
				ref,
				href,
				unread: true,
				news: 'in_force',
				facilitator: true,
				count: 4,
				at: T
			}
		]);
		expect(await agreementItems(responsible, T + 1)).toMatchObject([
			{ news: 'in_force', facilitator: false, count: 2 }
		]);
		expect(await agreementItems(survivor, T + 1)).toMatchObject([
			{ news: 'review', facilitator: false, count: 1 }
		]);
		for (const u of [lead, survivor, responsible]) await markAgreementNewsSeen(u.id, caseId, T + 1);
		expect(await agreementItems(survivor, T + 2)).toEqual([]);

		// Chose to hear only the end: a missed boundary is still offered, as a safety update.
		await setAgreementChoices(survivor.id, caseId, { followUp: 'completion' }, T + 2);
		await setItemStatus(lead.id, caseId, boundary.itemId, 'missed', T + 3);
		const [safety] = await agreementItems(survivor, T + 4);
		expect(safety).toEqual({
			kind: 'agreement',
			caseId,
			ref,
			href,
			unread: true,
			news: 'safety',
			facilitator: false,
			count: 1,
			at: T + 3
		});
		expect(await agreementItems(responsible, T + 4)).toMatchObject([{ news: 'missed', count: 1 }]);
		// Every update: the safety update still names the item, before the later news.
		await setAgreementChoices(survivor.id, caseId, { followUp: 'all' }, T + 4);
		await setItemStatus(lead.id, caseId, boundary.itemId, 'renegotiated', T + 5);
		expect(await agreementItems(survivor, T + 6)).toMatchObject([
			{ news: 'safety', count: 3, at: T + 5 }
		]);
		// Nothing at all: nothing is shown, not even the safety update.
		await setAgreementChoices(survivor.id, caseId, { followUp: 'none' }, T + 6);
		expect(await agreementItems(survivor, T + 7)).toEqual([]);

		// A closed case leaves the list, except the news that it closed.
		await setAgreementChoices(survivor.id, caseId, { followUp: 'completion' }, T + 7);
		await closeCase(lead.id, caseId, 'completed', T + 8);
		for (const u of [survivor, responsible]) {
			expect((await waitingFor(u.id, T + 9)).items).toEqual([
				{
					kind: 'agreement',
					caseId,
					ref,
					href,
					unread: true,
					news: 'closed',
					facilitator: false,
					count: 1,
					at: T + 8
				}
			]);
		}
		expect(await waitingFor(lead.id, T + 9)).toEqual({ items: [], unread: 0 });
		await markAgreementNewsSeen(survivor.id, caseId, T + 10);
		expect((await waitingFor(survivor.id, T + 10)).items).toEqual([]);
	});

	test("the responsible party's overdue item is a gentle to-do until a check-in or a status covers it", async () => {
		const c = await caseWithSurvivor();
		const { lead, survivor, caseId, ref } = c;
		const responsible = await join(lead, caseId, 'responsible', 'Oak');
		await putCaseEnvelope(responsible.id, caseId, envelope('input', 'in-r', responsible, []), T);
		const weekly = item('counselling', responsible, {
			due: DAY1,
			repeat: { every: 'week', count: 2 }
		});
		await inForce(c, responsible, [weekly, item('boundary', responsible)]);
		const overdue = (u: User, now: number) =>
			waitingFor(u.id, now).then((w) => w.items.filter((i) => i.kind === 'agreement-overdue'));
		// The first day is over once it has ended everywhere on Earth: noon UTC the day after.
		expect(await overdue(responsible, Date.UTC(2030, 0, 2, 11))).toEqual([]);
		const day2 = Date.UTC(2030, 0, 2, 13);
		expect(await overdue(responsible, day2)).toEqual([
			{
				kind: 'agreement-overdue',
				caseId,
				ref,
				href: `/cases/${caseId}/agreement`,
				unread: false,
				at: null
			}
		]);
		// Facilitators follow it on their dashboard; the survivor is never told this way.
		expect(await overdue(lead, day2)).toEqual([]);
		expect(await overdue(survivor, day2)).toEqual([]);
		// Someone who paused gets no to-dos.
		await setMyParticipation(responsible.id, caseId, 'paused', day2);
		expect(await overdue(responsible, day2)).toEqual([]);
		await setMyParticipation(responsible.id, caseId, 'active', day2);

		const checkIn = (at: number) =>
			postCheckIn(
				responsible.id,
				caseId,
				{
					itemId: weekly.itemId,
					envelope: {
						...envelope('check-in', generateId(), responsible, [lead]),
						attachment: null
					}
				},
				at
			);
		await checkIn(day2);
		expect(await overdue(responsible, day2 + 1)).toEqual([]);
		// The second week's day passes with one check-in for two days; done settles it.
		const day9 = Date.UTC(2030, 0, 9, 13);
		expect(await overdue(responsible, day9)).toHaveLength(1);
		await setItemStatus(lead.id, caseId, weekly.itemId, 'done', day9);
		expect(await overdue(responsible, day9 + 1)).toEqual([]);
	});
});

describe('many cases', () => {
	test('300 cases answer with the right items in a fixed number of queries', async () => {
		const me = await person('facilitator');
		const them = await person();
		const db = getDb();
		const ids = Array.from({ length: 300 }, () => generateId());
		await db.insert(cases).values(
			ids.map((id, i) => ({
				id,
				ref: `C-M${String(i).padStart(3, '0')}`,
				leadId: me.id,
				createdBy: me.id,
				createdAt: T + i
			}))
		);
		const member = (caseId: string, u: User, role: CaseRoleName) => ({
			caseId,
			userId: u.id,
			role,
			displayName: u === me ? 'River' : 'Wren',
			fp: b64(32),
			joinedAt: T,
			statusAt: T
		});
		await db
			.insert(caseMembers)
			.values(ids.flatMap((id) => [member(id, me, 'facilitator'), member(id, them, 'survivor')]));
		// Every tenth case is closed: nothing of it counts.
		await db.insert(caseEvents).values(
			ids.map((caseId, i) => ({
				caseId,
				at: T,
				actorId: me.id,
				kind: 'stage' as const,
				value: i % 10 === 9 ? 'closed' : 'preparation'
			}))
		);
		// An input in every case with a second version in the first 100, and one never for me.
		const rows = ids.flatMap((caseId, i) =>
			[
				{ objectId: 'in', version: 1, readers: [me, them] },
				...(i < 100 ? [{ objectId: 'in', version: 2, readers: [me, them] }] : []),
				{ objectId: 'not-mine', version: 1, readers: [them] }
			].map((o) => ({ caseId, ...o }))
		);
		await db.insert(caseEnvelopes).values(
			rows.map(({ caseId, objectId, version }) => ({
				caseId,
				objectId,
				version,
				kind: 'input',
				authorId: them.id,
				deleted: false,
				header: 'h',
				body: 'b',
				size: 2,
				createdAt: T + version
			}))
		);
		await db.insert(caseWraps).values(
			rows.flatMap(({ caseId, objectId, version, readers }) =>
				readers.map((u) => ({
					caseId,
					objectId,
					version,
					readerId: u.id,
					wrapperId: them.id,
					box: 'x'
				}))
			)
		);
		// I opened version 1 everywhere: the first 100 cases have a newer version for me.
		await db
			.insert(caseSeen)
			.values(
				ids.map((caseId) => ({ userId: me.id, caseId, objectId: 'in', version: 1, seenAt: T }))
			);
		// A "talk" signal in every third case.
		await db
			.insert(caseNotices)
			.values(
				ids
					.filter((_, i) => i % 3 === 0)
					.map((caseId) => ({ caseId, userId: them.id, kind: 'talk' as const, createdAt: T + 5 }))
			);
		// Two new versions of the agreement to read in every fourth case.
		await db.insert(schema.agreementNews).values(
			ids
				.filter((_, i) => i % 4 === 0)
				.flatMap((caseId) =>
					[T + 6, T + 7].map((createdAt) => ({
						caseId,
						userId: them.id,
						kind: 'review' as const,
						level: 'review' as const,
						createdAt
					}))
				)
		);

		let queries = 0;
		const client = createClient({ url: process.env.DATABASE_URL ?? '' });
		const counted = drizzle(client, { schema, logger: { logQuery: () => void queries++ } });
		try {
			const open = (i: number) => i % 10 !== 9;
			const mine = await waitingFor(me.id, T + 10, counted);
			const news = mine.items.filter((i) => i.kind === 'new');
			expect(news).toHaveLength(ids.filter((_, i) => open(i)).length);
			expect(news.filter((i) => i.unread)).toHaveLength(90);
			const urgent = mine.items.filter((i) => i.kind === 'urgent');
			expect(urgent).toHaveLength(ids.filter((_, i) => i % 3 === 0 && open(i)).length);
			expect(mine.unread).toBe(90 + urgent.length);
			expect(kinds(mine.items.slice(0, urgent.length)).every((k) => k === 'urgent')).toBe(true);
			// Cases, objects, messages, notices, pending, meeting news, agreement news: a
			// facilitator of every case has no polls to answer, so that query is not even made.
			expect(queries).toBe(7);

			queries = 0;
			const theirs = await waitingFor(them.id, T + 10, counted);
			// Their own words are no news to them; no mode chosen yet in the 270 open cases.
			const agreementNews = ids.filter((_, i) => i % 4 === 0 && open(i));
			expect(kinds(theirs.items)).toEqual([
				...Array(agreementNews.length).fill('agreement'),
				...Array(270).fill('choose-mode')
			]);
			expect(theirs.items.filter((i) => i.kind === 'agreement')).toEqual(
				expect.arrayContaining(
					agreementNews.map((caseId) => expect.objectContaining({ caseId, count: 2, at: T + 7 }))
				)
			);
			expect(queries).toBe(6);
		} finally {
			client.close();
		}
	});
});
