import { describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from './db';
import { auditEvents, caseLog, caseMembers, casePending, identities } from './db/schema';
import { openCase, listCasesFor, caseView } from './cases';
import { createCaseInvite, joinCase } from './case-invites';
import { completePendingEntry, getCaseLog } from './case-log';
import {
	markNoticeSeen,
	mySignals,
	openNotices,
	raiseSignal,
	setMyParticipation
} from './case-notices';
import { generateId } from './auth/tokens';
import { expectProblem, insertUser, useTestDb } from './test-db';
import type { User } from './db/schema';

useTestDb();

const T = Date.UTC(2030, 0, 1, 9);
const b64 = (n: number, fill = 1) => Buffer.alloc(n, fill).toString('base64url');
const session = (u: User) => ({ id: u.id, displayName: u.displayName, orgRole: u.orgRole });

async function person(orgRole: User['orgRole']) {
	const u = await insertUser({ orgRole });
	await getDb()
		.insert(identities)
		.values({ userId: u.id, keyVersion: 1, boxPk: b64(32, 2), signPk: b64(32, 3), createdAt: T });
	return u;
}

const entry = (signer: User, fields: object = {}) => ({
	v: 1 as const,
	seq: 0,
	prev: b64(32, 0),
	op: 'create' as const,
	subject: { userId: signer.id, fp: b64(32, 4) },
	role: 'facilitator' as const,
	supports: null,
	signer: signer.id,
	createdAt: T,
	sig: b64(64, 7),
	...fields
});

/** A case with a lead and a survivor whose add the lead's browser signed. */
async function caseWithSurvivor() {
	const lead = await person('facilitator');
	const caseId = generateId();
	const summary = {
		v: 1 as const,
		kind: 'case-summary' as const,
		objectId: 'summary',
		version: 1,
		subject: null,
		deleted: false,
		header: b64(100),
		body: b64(100),
		wraps: [{ reader: lead.id, wrapper: lead.id, box: b64(100) }]
	};
	await openCase(session(lead), { caseId, entry: entry(lead), summary }, T);
	const inviteId = generateId();
	const secret = { ...summary, kind: 'invite-secret' as const, objectId: `inv-${inviteId}` };
	const { path } = await createCaseInvite(
		lead.id,
		caseId,
		{ inviteId, role: 'survivor', supports: null, secret, replaces: null },
		T
	);
	const survivor = await person(null);
	await joinCase(
		session(survivor),
		path.slice(6),
		{ fp: b64(32, 5), tag: b64(32), displayName: 'Wren' },
		T
	);
	const [p] = (await getCaseLog(lead.id, caseId)).pending;
	const add = entry(lead, { seq: 1, op: 'add', subject: p!.change.subject, role: 'survivor' });
	await completePendingEntry(lead.id, caseId, { pendingId: p!.id, entry: add }, T);
	return { lead, survivor, caseId };
}

describe('safety signals', () => {
	test('reach the facilitators at once, urgent and logged, with no words', async () => {
		const { lead, survivor, caseId } = await caseWithSurvivor();
		await raiseSignal(survivor.id, caseId, 'unsafe', T + 1);
		expect(await openNotices(lead.id, caseId)).toMatchObject([
			{ kind: 'unsafe', userId: survivor.id, name: 'Wren', createdAt: T + 1 }
		]);
		expect((await listCasesFor(lead.id, T + 2))[0]).toMatchObject({ urgent: 1, notices: 0 });
		const audit = await getDb()
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.actorId, survivor.id));
		expect(audit.map((a) => a.action)).toContain('case.signal_raised');
		// Only facilitators see and handle notices; a participant sees only their own signals.
		await expectProblem(openNotices(survivor.id, caseId), 403, 'forbidden');
		await expectProblem(raiseSignal(lead.id, caseId, 'talk', T), 403, 'forbidden');
		const [notice] = await openNotices(lead.id, caseId);
		await expectProblem(markNoticeSeen(survivor.id, caseId, notice!.id, T + 3), 403, 'forbidden');
		await markNoticeSeen(lead.id, caseId, notice!.id, T + 3);
		await expectProblem(markNoticeSeen(lead.id, caseId, notice!.id, T + 4), 404, 'not_found');
		expect(await openNotices(lead.id, caseId)).toEqual([]);
		expect(await mySignals(survivor.id, caseId)).toMatchObject([{ kind: 'unsafe', seenAt: T + 3 }]);
		const stranger = await person(null);
		await expectProblem(raiseSignal(stranger.id, caseId, 'talk', T), 404, 'case_not_found');
	});
});

describe('pausing and withdrawing', () => {
	test('a pause is a notice; a withdrawal refuses them at once and leaves a log removal', async () => {
		const { lead, survivor, caseId } = await caseWithSurvivor();
		await setMyParticipation(survivor.id, caseId, 'paused', T + 1);
		expect((await caseView(survivor.id, caseId)).me.status).toBe('paused');
		await setMyParticipation(survivor.id, caseId, 'active', T + 2);
		await setMyParticipation(survivor.id, caseId, 'withdrawn', T + 3);
		expect((await openNotices(lead.id, caseId)).map((n) => n.kind)).toEqual([
			'withdrawn',
			'resumed',
			'paused'
		]);
		await expectProblem(caseView(survivor.id, caseId), 404, 'case_not_found');
		await expectProblem(
			setMyParticipation(survivor.id, caseId, 'active', T + 4),
			404,
			'case_not_found'
		);
		const { pending } = await getCaseLog(lead.id, caseId);
		expect(pending.map((p) => [p.change.op, p.change.subject.userId])).toEqual([
			['remove', survivor.id]
		]);
		const [row] = await getDb()
			.select()
			.from(caseMembers)
			.where(eq(caseMembers.userId, survivor.id));
		expect(row?.status).toBe('withdrawn');
		expect((await getDb().select().from(caseLog).where(eq(caseLog.caseId, caseId))).length).toBe(2);
		// Facilitators do not "withdraw" from their own cases here: the lead is handed over instead.
		await expectProblem(setMyParticipation(lead.id, caseId, 'paused', T), 403, 'forbidden');
		expect(
			(await getDb().select().from(casePending).where(eq(casePending.caseId, caseId))).length
		).toBe(1);
	});
});
