import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { getDb } from './db';
import {
	agreementNews,
	auditEvents,
	caseEnvelopes,
	caseMembers,
	caseNotices,
	casePending,
	caseWraps,
	identities,
	meetingInvitees,
	sessions,
	users,
	type User
} from './db/schema';
import { deleteFacilitatorAccount, deleteParticipantAccount } from './account-deletion';
import { createSession, validateSessionToken } from './auth/session';
import { putCaseEnvelope } from './case-envelopes';
import { addMember, b64, caseWith, fakeEnvelope, person, T } from './case-fixtures';
import { handOverLead } from './cases';
import { closeCase } from './agreements';
import { setChoices } from './case-choices';
import { setMyParticipation } from './case-notices';
import { replaceRecoveryWrap, rememberDevice, savePasskeyWrap } from './keys';
import { createDeviceLink } from './links';
import { createMeeting } from './meetings';
import { deactivateFacilitator } from './org';
import { putPersonal } from './personal';
import { purge } from './purge';
import { DAY } from './retention';
import { markSeen } from './seen';
import { expectProblem, insertPasskey, useTestDb } from './test-db';
import { generateId } from './auth/tokens';

useTestDb();

const H = 3_600_000;

/** Rows of `table` whose `column` is this person's id. */
async function rowsOf(table: string, column: string, userId: string) {
	const [row] = await getDb().all<{ n: number }>(
		sql`select count(*) as n from ${sql.identifier(table)} where ${sql.identifier(column)} = ${userId}`
	);
	return Number(row?.n ?? 0);
}

/** Everything a participant can have: secrets, words in a case, news, a meeting to come. */
async function participantWithEverything(u: User, lead: User, caseId: string) {
	const passkey = await insertPasskey(u.id);
	const wrap = { v: 1, salt: b64(32, 5), box: b64(280, 6) } as const;
	await savePasskeyWrap(u.id, { ...wrap, kind: 'prf', wrapId: passkey.id }, T);
	await replaceRecoveryWrap(u.id, { ...wrap, kind: 'recovery', wrapId: 'r1' }, T);
	const session = await createSession(u.id, T);
	await rememberDevice(u.id, session.id, T);
	await createDeviceLink(u.id, { handover: { ...wrap, kind: 'handover', wrapId: 'h1' } }, T);
	const page = { v: 1, kind: 'notebook', objectId: 'page-1', version: 1, deleted: false } as const;
	await putPersonal(u.id, { ...page, header: b64(200), body: b64(300), wrap: b64(100) }, T);
	await putCaseEnvelope(u.id, caseId, fakeEnvelope('input', `in-${u.id}`, u, [lead]), T);
	const mine = fakeEnvelope('conversation', `msg-${u.id}`, u, [lead], { subject: u.id });
	await putCaseEnvelope(u.id, caseId, mine, T);
	const reply = fakeEnvelope('conversation', `re-${u.id}`, lead, [u], { subject: u.id });
	await putCaseEnvelope(lead.id, caseId, reply, T);
	await markSeen(u.id, caseId, `re-${u.id}`, 1, T);
	// News of an agreement (drafting one takes more than this test is about).
	const news = { caseId, userId: u.id, kind: 'review', level: 'review', createdAt: T } as const;
	await getDb().insert(agreementNews).values(news);
	const meetingId = generateId();
	await createMeeting(
		lead.id,
		caseId,
		{
			id: meetingId,
			kind: 'preparation',
			startsAt: T + DAY,
			endsAt: T + DAY + H,
			timeZone: 'Europe/Berlin',
			invitees: [lead, u].map((p) => ({ userId: p.id, arriveAfterMin: 0, leaveBeforeMin: 0 }))
		},
		T
	);
	return { session, meetingId };
}

const SECRETS: [string, string][] = [
	['passkeys', 'user_id'],
	['sessions', 'user_id'],
	['key_wraps', 'user_id'],
	['device_shares', 'user_id'],
	['personal_envelopes', 'user_id'],
	['case_wraps', 'reader_id'],
	['case_envelopes', 'author_id'],
	['case_seen', 'user_id'],
	['meeting_notices', 'user_id'],
	['agreement_news', 'user_id'],
	['meeting_invitees', 'user_id']
];

type Counts = Record<string, number> & { case_wraps: number; meeting_notices: number };

async function counts(userId: string): Promise<Counts> {
	const out: Record<string, number> = {};
	for (const [table, column] of SECRETS) out[table] = await rowsOf(table, column, userId);
	// Add-a-passkey links; the case invite they joined with stays as the case's record.
	const [links] = await getDb().all<{ n: number }>(
		sql`select count(*) as n from links where kind = 'device' and user_id = ${userId}`
	);
	out.deviceLinks = Number(links?.n ?? 0);
	return out as Counts;
}

describe('a participant deletes their account', () => {
	test('their secrets, words and news go at once; a tombstone with their public keys stays', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const s = survivor!;
		const r = responsible!;
		// Meetings with a party wait for the survivor's way of taking part.
		await setChoices(s.id, caseId, { mode: 'letter' }, T);
		const { session, meetingId } = await participantWithEverything(s, lead, caseId);
		await participantWithEverything(r, lead, caseId);
		const others = { lead: await counts(lead.id), responsible: await counts(r.id) };
		expect(Object.values(await counts(s.id)).every((n) => n > 0)).toBe(true);

		await deleteParticipantAccount(s.id, T + 1);

		const none = Object.fromEntries([...SECRETS.map(([t]) => [t, 0]), ['deviceLinks', 0]]);
		expect(await counts(s.id)).toEqual(none);
		expect(await rowsOf('handovers', 'wrap_id', 'h1')).toBe(1); // the responsible party's
		const [tomb] = await getDb().select().from(users).where(eq(users.id, s.id));
		expect(tomb).toMatchObject({
			status: 'deleted',
			displayName: 'a former participant',
			orphanedAt: T + 1
		});
		expect(await getDb().select().from(identities).where(eq(identities.userId, s.id))).toHaveLength(
			1
		);
		const [member] = await getDb()
			.select()
			.from(caseMembers)
			.where(and(eq(caseMembers.caseId, caseId), eq(caseMembers.userId, s.id)));
		expect(member).toMatchObject({ displayName: 'a former participant', status: 'withdrawn' });
		// As a withdrawal: the facilitators are told, and a removal waits for their signature.
		const notices = await getDb().select().from(caseNotices).where(eq(caseNotices.userId, s.id));
		expect(notices.map((n) => n.kind)).toContain('withdrawn');
		const [pending] = await getDb().select().from(casePending).where(eq(casePending.userId, s.id));
		expect(JSON.parse(pending!.change)).toMatchObject({ op: 'remove' });
		expect(
			await getDb().select().from(meetingInvitees).where(eq(meetingInvitees.meetingId, meetingId))
		).toEqual([expect.objectContaining({ userId: lead.id })]);
		// Nobody else lost anything but their wraps of her words (the lead's of her input and
		// message); the lead's reply to her stays for the lead, who hears she left the meeting.
		expect(await counts(lead.id)).toEqual({
			...others.lead,
			case_wraps: others.lead.case_wraps - 2,
			meeting_notices: others.lead.meeting_notices + 1
		});
		expect(await counts(r.id)).toEqual(others.responsible);
		expect(
			await getDb()
				.select({ objectId: caseEnvelopes.objectId })
				.from(caseEnvelopes)
				.where(eq(caseEnvelopes.objectId, `re-${s.id}`))
		).toHaveLength(1);
		// Her sessions are gone, and a leftover one would not count either.
		expect(await validateSessionToken(session.token, T + 2)).toBeNull();
		const [event] = await getDb()
			.select()
			.from(auditEvents)
			.where(and(eq(auditEvents.actorId, s.id), eq(auditEvents.action, 'account.deleted')));
		expect(event).toMatchObject({ objectType: 'user', objectId: s.id, at: T + 1 });
		// Gone is gone: a second press finds no account.
		await expectProblem(deleteParticipantAccount(s.id, T + 3), 403, 'account_inactive');
	});

	test('a leftover session of a deleted account opens nothing', async () => {
		const { survivor } = await caseWith(['survivor']);
		await deleteParticipantAccount(survivor!.id, T);
		const session = await createSession(survivor!.id, T + 1);
		expect(await validateSessionToken(session.token, T + 2)).toBeNull();
		expect(await getDb().select().from(sessions).where(eq(sessions.id, session.id))).toEqual([]);
	});

	test('words in a case they had already left go too', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		await putCaseEnvelope(
			survivor!.id,
			caseId,
			fakeEnvelope('input', 'kept', survivor!, [lead]),
			T
		);
		await setMyParticipation(survivor!.id, caseId, 'withdrawn', T, true);
		expect(await rowsOf('case_envelopes', 'author_id', survivor!.id)).toBe(1);
		await deleteParticipantAccount(survivor!.id, T + 1);
		expect(await rowsOf('case_envelopes', 'author_id', survivor!.id)).toBe(0);
		expect(await rowsOf('case_wraps', 'reader_id', lead.id)).toBeGreaterThan(0);
	});

	test('a facilitator or admin is refused, and nothing changes', async () => {
		const { lead } = await caseWith(['survivor']);
		const admin = await person('admin');
		for (const u of [lead, admin]) {
			await expectProblem(deleteParticipantAccount(u.id, T), 403, 'account_deleted_by_admin');
			const [row] = await getDb().select().from(users).where(eq(users.id, u.id));
			expect(row?.status).toBe('active');
		}
	});
});

describe('an admin deletes a facilitator account', () => {
	test('only a deactivated facilitator who leads no open case, never oneself', async () => {
		const admin = await person('admin');
		const { lead, caseId } = await caseWith(['survivor']);
		const co = await addMember(lead, caseId, 'facilitator', null, 'Co');
		await createSession(lead.id, T);
		await insertPasskey(lead.id);
		const wrap = { v: 1, salt: b64(32, 5), box: b64(280, 6) } as const;
		await replaceRecoveryWrap(lead.id, { ...wrap, kind: 'recovery', wrapId: 'r2' }, T);

		await expectProblem(deleteFacilitatorAccount(admin.id, admin.id, T), 409, 'cannot_delete_self');
		await expectProblem(
			deleteFacilitatorAccount(admin.id, lead.id, T),
			409,
			'facilitator_still_active'
		);
		const participant = await caseWith(['survivor']);
		await expectProblem(
			deleteFacilitatorAccount(admin.id, participant.survivor!.id, T),
			404,
			'facilitator_not_found'
		);
		await deactivateFacilitator(admin.id, lead.id, T);
		await expectProblem(
			deleteFacilitatorAccount(admin.id, lead.id, T),
			409,
			'facilitator_still_leads'
		);
		await handOverLead(co.id, caseId, co.id, T + 1);

		const name = await deleteFacilitatorAccount(admin.id, lead.id, T + 2);
		expect(name).toBe(lead.displayName);
		const left = await counts(lead.id);
		// What they wrote stays with the case; nothing else of theirs does.
		expect(left.case_envelopes).toBeGreaterThan(0);
		expect(Object.values({ ...left, case_envelopes: 0 }).every((n) => n === 0)).toBe(true);
		expect(await rowsOf('identities', 'user_id', lead.id)).toBe(1);
		const [tomb] = await getDb().select().from(users).where(eq(users.id, lead.id));
		expect(tomb).toMatchObject({ status: 'deleted', displayName: 'a former facilitator' });
		const [member] = await getDb()
			.select()
			.from(caseMembers)
			.where(and(eq(caseMembers.caseId, caseId), eq(caseMembers.userId, lead.id)));
		expect(member).toMatchObject({ displayName: 'a former facilitator', status: 'removed' });
		const [event] = await getDb()
			.select()
			.from(auditEvents)
			.where(and(eq(auditEvents.subjectId, lead.id), eq(auditEvents.action, 'account.deleted')));
		expect(event).toMatchObject({ actorId: admin.id, objectType: 'user', objectId: lead.id });
		// Deleted once: it is no facilitator any more.
		await expectProblem(
			deleteFacilitatorAccount(admin.id, lead.id, T + 3),
			404,
			'facilitator_not_found'
		);
	});
});

// Last: the purge deletes every expired case of this file's database.
describe('the purge', () => {
	test('deletes a tombstone once no case shows it, and not before', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		await deleteParticipantAccount(survivor!.id, T);
		const exists = async () => (await rowsOf('users', 'id', survivor!.id)) > 0;
		await purge(T + 40 * DAY);
		expect(await exists()).toBe(true);
		const closedAt = T + 41 * DAY;
		await closeCase(lead.id, caseId, 'withdrawn', closedAt);
		await purge(closedAt + 29 * DAY);
		expect(await exists()).toBe(true);
		await purge(closedAt + 31 * DAY);
		expect(await exists()).toBe(false);
		expect(await rowsOf('identities', 'user_id', survivor!.id)).toBe(0);
		expect(await getDb().select().from(caseWraps).where(eq(caseWraps.caseId, caseId))).toEqual([]);
	});
});
