import { describe, expect, test } from 'vitest';
import { casePage } from './case-page';
import { caseView, setStage } from './cases';
import { createCaseInvite, listCaseInvites } from './case-invites';
import { mySignals, openNotices, raiseSignal, setMyParticipation } from './case-notices';
import { retentionPolicy, setRetentionPolicy, caseDeleteAt } from './retention';
import { generateId } from './auth/tokens';
import { addMember, caseWith, fakeEnvelope, T } from './case-fixtures';
import { countQueries, expectProblem, useTestDb } from './test-db';
import { person } from './case-fixtures';

useTestDb();

describe('casePage (a case page in a fixed number of statements)', () => {
	test('gives what the separate functions give, for a facilitator and a participant', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		for (let i = 0; i < 3; i++) {
			const inviteId = generateId();
			const secret = fakeEnvelope('invite-secret', `inv-${inviteId}`, lead, []);
			await createCaseInvite(
				lead.id,
				caseId,
				{ inviteId, role: 'community', supports: null, secret, replaces: null },
				T + i
			);
		}
		await raiseSignal(survivor!.id, caseId, 'talk', T + 10);
		await raiseSignal(survivor!.id, caseId, 'unsafe', T + 20);
		const policy = { ...(await retentionPolicy()), closedCaseDays: 45 };
		await setRetentionPolicy(lead.id, policy);
		const now = T + 100;

		const page = await casePage(lead.id, caseId, now);
		expect(page.view).toEqual(await caseView(lead.id, caseId));
		expect(page.invites).toEqual(await listCaseInvites(lead.id, caseId, now));
		expect(page.invites).toHaveLength(4);
		expect(page.notices).toEqual(await openNotices(lead.id, caseId));
		expect(page.notices.map((n) => n.kind)).toEqual(['unsafe', 'talk']);
		expect(page.mySignals).toEqual([]);
		expect(page.deleteIfClosedNow).toBe(caseDeleteAt(now, policy));
		expect(page.deleteAt).toBeNull();

		const theirs = await casePage(survivor!.id, caseId, now);
		expect(theirs.view).toEqual(await caseView(survivor!.id, caseId));
		expect(theirs.mySignals).toEqual(await mySignals(survivor!.id, caseId));
		expect(theirs.mySignals.map((s) => s.kind)).toEqual(['unsafe', 'talk']);
		expect(theirs.invites).toEqual([]);
		expect(theirs.notices).toEqual([]);
		expect(theirs.deleteIfClosedNow).toBeNull();
	});

	test('someone outside the case gets the same "not found" as a case that is not', async () => {
		const { caseId } = await caseWith([]);
		const stranger = await person('facilitator');
		await expectProblem(casePage(stranger.id, caseId), 404, 'case_not_found');
		await expectProblem(casePage(stranger.id, generateId()), 404, 'case_not_found');
	});

	test('two statements, for a facilitator as for anyone else, however many people', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		expect(await countQueries(() => casePage(lead.id, caseId))).toBe(2);
		expect(await countQueries(() => casePage(survivor!.id, caseId))).toBe(2);
		await addMember(lead, caseId, 'responsible');
		await addMember(lead, caseId, 'community');
		expect(await countQueries(() => casePage(lead.id, caseId))).toBe(2);
	});

	test('the people and history each sees: a facilitator everything, a participant less', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		await setStage(lead.id, caseId, 'preparation', T + 50);
		await setMyParticipation(responsible!.id, caseId, 'withdrawn', T + 60);
		const mine = await casePage(lead.id, caseId);
		expect(mine.view.people.map((p) => [p.displayName, p.status])).toEqual([
			[lead.displayName, 'active'],
			['Wren', 'active'],
			['Ash', 'withdrawn']
		]);
		expect(mine.view.stage).toBe('preparation');
		// Newest first: the withdrawal, then the stage.
		expect(mine.view.history[0]).toMatchObject({ at: T + 60 });
		const times = mine.view.history.map((h) => h.at);
		expect(times).toEqual([...times].sort((a, b) => b - a));
		expect(mine.view.history.map((h) => h.value)).toContain('preparation');
		const theirs = await casePage(survivor!.id, caseId);
		expect(theirs.view.people.map((p) => p.displayName)).toEqual([lead.displayName, 'Wren']);
		expect(theirs.view.people[0]).toMatchObject({ status: null, jointConsent: null });
		expect(theirs.view.history).toEqual([]);
		expect(theirs.view.me).toEqual({ role: 'survivor', status: 'active', isLead: false });
	});
});
