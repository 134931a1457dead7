import { describe, expect, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { getDb } from './db';
import { auditEvents, caseEnvelopes, caseWraps, personalEnvelopes } from './db/schema';
import { caseView, otherSideView } from './cases';
import { setChoices } from './case-choices';
import { listCaseEnvelopes, putCaseEnvelope } from './case-envelopes';
import { openNotices, setMyParticipation } from './case-notices';
import { listPersonal, putPersonal } from './personal';
import { expectProblem, useTestDb } from './test-db';
import { b64, caseWith, fakeEnvelope, person, T } from './case-fixtures';

useTestDb();

const draft = (caseId: string | null, version = 1) => ({
	v: 1 as const,
	kind: 'draft' as const,
	caseId,
	objectId: 'draft-1',
	version,
	deleted: false,
	header: b64(200),
	body: b64(300),
	wrap: b64(100)
});

describe("a party's choices", () => {
	test('the survivor chooses a way of taking part; facilitators see it and get a notice', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		await setChoices(survivor!.id, caseId, { mode: 'letter', jointConsent: 'no' }, T + 1);
		const asLead = await caseView(lead.id, caseId);
		expect(asLead.people.find((p) => p.userId === survivor!.id)).toMatchObject({
			mode: 'letter',
			jointConsent: 'no',
			modeShown: false
		});
		expect(await openNotices(lead.id, caseId)).toMatchObject([
			{ kind: 'choices', userId: survivor!.id }
		]);
		// The other side sees neither, until the survivor chooses to show the way (never consent).
		const asParty = await caseView(responsible!.id, caseId);
		expect(asParty.people.find((p) => p.userId === survivor!.id)).toMatchObject({
			mode: null,
			jointConsent: null,
			modeShown: null
		});
		await setChoices(survivor!.id, caseId, { modeShown: true }, T + 2);
		const shown = await caseView(responsible!.id, caseId);
		expect(shown.people.find((p) => p.userId === survivor!.id)).toMatchObject({
			mode: 'letter',
			jointConsent: null
		});
		const audit = await getDb()
			.select({ action: auditEvents.action })
			.from(auditEvents)
			.where(eq(auditEvents.actorId, survivor!.id));
		expect(audit.filter((a) => a.action === 'case.choices_changed')).toHaveLength(2);
	});

	test('only the parties choose, and only the survivor has a way of taking part', async () => {
		const { lead, caseId, responsible, community } = await caseWith([
			'survivor',
			'responsible',
			'community'
		]);
		await setChoices(responsible!.id, caseId, { jointConsent: 'yes' }, T + 1);
		expect(
			(await caseView(responsible!.id, caseId)).people.find((p) => p.userId === responsible!.id)
		).toMatchObject({ jointConsent: 'yes', mode: null });
		await expectProblem(setChoices(responsible!.id, caseId, { mode: 'direct' }), 403, 'forbidden');
		await expectProblem(setChoices(lead.id, caseId, { jointConsent: 'yes' }), 403, 'forbidden');
		await expectProblem(
			setChoices(community!.id, caseId, { jointConsent: 'yes' }),
			403,
			'forbidden'
		);
		const stranger = await person(null);
		await expectProblem(
			setChoices(stranger.id, caseId, { jointConsent: 'yes' }),
			404,
			'case_not_found'
		);
	});

	test("the survivor's preview is exactly the responsible party's view", async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		await setChoices(survivor!.id, caseId, { mode: 'relay', jointConsent: 'no' }, T + 1);
		const preview = await otherSideView(survivor!.id, caseId);
		const theirs = await caseView(responsible!.id, caseId);
		expect(preview.people).toEqual(theirs.people);
		expect(preview).toMatchObject({ ref: theirs.ref, stage: theirs.stage, partyJoined: true });
		await expectProblem(otherSideView(responsible!.id, caseId), 403, 'forbidden');
		await expectProblem(otherSideView(lead.id, caseId), 403, 'forbidden');
	});

	test('before the responsible party joins, the preview shows what they would see', async () => {
		const { caseId, survivor } = await caseWith(['survivor']);
		const preview = await otherSideView(survivor!.id, caseId);
		expect(preview.partyJoined).toBe(false);
		expect(preview.people.find((p) => p.userId === survivor!.id)).toMatchObject({
			status: null,
			mode: null,
			jointConsent: null
		});
	});
});

describe('withdrawing and what a party wrote', () => {
	async function withInput() {
		const c = await caseWith(['survivor', 'responsible']);
		const survivor = c.survivor!;
		await putCaseEnvelope(survivor.id, c.caseId, fakeEnvelope('input', 'in-1', survivor, [c.lead]));
		await putCaseEnvelope(
			survivor.id,
			c.caseId,
			fakeEnvelope('input', 'in-1', survivor, [c.lead], { version: 2 })
		);
		await putPersonal(survivor.id, draft(c.caseId));
		return c;
	}
	const countFor = async (caseId: string, authorId: string) => ({
		envelopes: (
			await getDb()
				.select()
				.from(caseEnvelopes)
				.where(and(eq(caseEnvelopes.caseId, caseId), eq(caseEnvelopes.authorId, authorId)))
		).length,
		wraps: (await getDb().select().from(caseWraps).where(eq(caseWraps.caseId, caseId))).length
	});

	test('keeping it leaves the input with its readers; unsent drafts go either way', async () => {
		const { lead, caseId, survivor } = await withInput();
		await setMyParticipation(survivor!.id, caseId, 'withdrawn', T + 5, true);
		expect(await listCaseEnvelopes(lead.id, caseId, ['input'])).toHaveLength(1);
		expect(await listPersonal(survivor!.id, 'draft')).toEqual([]);
	});

	test('deleting it removes every version and every wrap in the same step', async () => {
		const { lead, caseId, survivor } = await withInput();
		expect((await countFor(caseId, survivor!.id)).envelopes).toBe(2);
		await setMyParticipation(survivor!.id, caseId, 'withdrawn', T + 5, false);
		expect(await listCaseEnvelopes(lead.id, caseId, ['input'])).toEqual([]);
		const left = await countFor(caseId, survivor!.id);
		expect(left.envelopes).toBe(0);
		// Only the case summary's wrap (the lead's own) is left in the case.
		expect(left.wraps).toBe(1);
		expect(await listPersonal(survivor!.id, 'draft')).toEqual([]);
	});
});

describe('drafts', () => {
	test('belong to a case the writer is in, and only drafts name a case', async () => {
		const { caseId, survivor } = await caseWith(['survivor']);
		await putPersonal(survivor!.id, draft(caseId));
		await putPersonal(survivor!.id, draft(caseId, 2));
		expect(await listPersonal(survivor!.id, 'draft', caseId)).toMatchObject([
			{ objectId: 'draft-1', version: 2, caseId }
		]);
		expect(await listPersonal(survivor!.id, 'draft', 'another-case-id-000000')).toEqual([]);
		await expectProblem(
			putPersonal(survivor!.id, { ...draft(null), objectId: 'd2' }),
			400,
			'bad_request'
		);
		await expectProblem(
			putPersonal(survivor!.id, { ...draft(caseId), kind: 'notebook', objectId: 'n1' }),
			400,
			'bad_request'
		);
		// The same object cannot move to another case.
		const other = await caseWith(['survivor']);
		await expectProblem(putPersonal(survivor!.id, draft(other.caseId, 3)), 404, 'case_not_found');
		const stranger = await person(null);
		await expectProblem(
			putPersonal(stranger.id, { ...draft(caseId), objectId: 'd3' }),
			404,
			'case_not_found'
		);
		const rows = await getDb()
			.select()
			.from(personalEnvelopes)
			.where(eq(personalEnvelopes.userId, stranger.id));
		expect(rows).toEqual([]);
	});
});
