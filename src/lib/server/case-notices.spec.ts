import { describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from './db';
import { auditEvents, caseLog, caseMembers, casePending } from './db/schema';
import { listCasesFor, caseView } from './cases';
import { getCaseLog } from './case-log';
import {
	markNoticeSeen,
	mySignals,
	openNotices,
	raiseSignal,
	setMyParticipation
} from './case-notices';
import { expectProblem, useTestDb } from './test-db';
import { caseWith, person, T } from './case-fixtures';

useTestDb();

async function caseWithSurvivor() {
	const { lead, caseId, survivor } = await caseWith(['survivor']);
	return { lead, caseId, survivor: survivor! };
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
