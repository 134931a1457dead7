import { describe, expect, test } from 'vitest';
import type { User } from './db/schema';
import { audit } from './audit';
import { closeCase } from './agreements';
import { putCaseEnvelope } from './case-envelopes';
import { raiseSignal, setMyParticipation } from './case-notices';
import { createMeeting } from './meetings';
import { keptAbout } from './my-data';
import { exportFor } from './my-export';
import { putPersonal } from './personal';
import { DAY, RETENTION_DEFAULTS, setRetentionPolicy } from './retention';
import { generateId } from './auth/tokens';
import { useTestDb } from './test-db';
import { b64, caseWith, fakeEnvelope, person, T } from './case-fixtures';
import { AUDIT_ACTIONS, auditLabel } from '$lib/audit-labels';
import type { CaseEnvelopeInput } from './validation/cases';

useTestDb();

const H = 3_600_000;

/** An envelope whose wraps differ per reader, so one person's wrap can be told from another's. */
function sealedFor(
	kind: CaseEnvelopeInput['kind'],
	objectId: string,
	author: User,
	readers: User[],
	fields: Partial<CaseEnvelopeInput> = {}
): CaseEnvelopeInput {
	const all = [author, ...readers];
	return fakeEnvelope(kind, objectId, author, readers, {
		wraps: all.map((r, i) => ({ reader: r.id, wrapper: author.id, box: wrapBox(objectId, i) })),
		...fields
	});
}
const wrapBox = (objectId: string, i: number) =>
	Buffer.from(`wrap-${objectId}-${i}-`.padEnd(100, 'x')).toString('base64url');

const page = (objectId: string, deleted = false) => ({
	v: 1 as const,
	kind: 'notebook' as const,
	objectId,
	version: deleted ? 2 : 1,
	deleted,
	header: b64(200),
	body: b64(deleted ? 40 : 500),
	wrap: b64(100)
});

/**
 * A survivor and a responsible party with a lead: each party's input for the lead only, a message
 * from the lead to the survivor, a preparation meeting with the survivor, a signal, a notebook
 * page — and another case next door the survivor is not in.
 */
async function world() {
	const c = await caseWith(['survivor', 'responsible']);
	const survivor = c.survivor!;
	const responsible = c.responsible!;
	await putCaseEnvelope(
		survivor.id,
		c.caseId,
		sealedFor('input', 'in-wren', survivor, [c.lead]),
		T
	);
	await putCaseEnvelope(
		responsible.id,
		c.caseId,
		sealedFor('input', 'in-ash', responsible, [c.lead]),
		T
	);
	await putCaseEnvelope(
		c.lead.id,
		c.caseId,
		sealedFor('conversation', 'msg-1', c.lead, [survivor], { subject: survivor.id }),
		T + 1
	);
	const meetingId = generateId();
	await createMeeting(
		c.lead.id,
		c.caseId,
		{
			id: meetingId,
			kind: 'preparation',
			startsAt: T + DAY,
			endsAt: T + DAY + H,
			timeZone: 'Europe/Berlin',
			invitees: [c.lead, survivor].map((p) => ({
				userId: p.id,
				arriveAfterMin: 0,
				leaveBeforeMin: 0
			}))
		},
		T
	);
	await raiseSignal(survivor.id, c.caseId, 'talk', T + 2);
	await putPersonal(survivor.id, page('page-1'), T);
	await putPersonal(survivor.id, page('page-2'), T);
	await putPersonal(survivor.id, page('page-2', true), T + 1);
	// Someone opened her input (another helper records these): an event about her, by the lead.
	await audit(
		{
			actorId: c.lead.id,
			action: 'input.fetched',
			objectType: 'input',
			objectId: 'in-wren',
			caseId: c.caseId,
			subjectId: survivor.id
		},
		T + 3
	);
	// An account that is gone since: named as "a former participant", never by its id.
	await audit(
		{ actorId: 'gone-account-id', action: 'readers.added', subjectId: survivor.id },
		T + 4
	);

	const next = await caseWith(['survivor']);
	await putCaseEnvelope(
		next.survivor!.id,
		next.caseId,
		sealedFor('input', 'in-next', next.survivor!, [next.lead]),
		T
	);
	return { ...c, survivor, responsible, meetingId, next };
}

describe('what is kept about me', () => {
	test('a participant sees each case with its deletion rule, counts of what is theirs and events about them', async () => {
		const w = await world();
		const kept = await keptAbout(w.survivor.id, T + 10);

		expect(kept.account).toMatchObject({ displayName: 'River', orgRole: null });
		// Her case is open: her account goes a window after her last case does.
		expect(kept.account.deletion).toEqual({ rule: 'orphan', days: 30, at: null });
		expect(kept.personal).toEqual({ notebook: 1, drafts: 0, settings: 0, markers: 1 });
		expect(kept.cases).toEqual([
			expect.objectContaining({
				caseId: w.caseId,
				role: 'survivor',
				status: 'active',
				stage: 'referral',
				closedAt: null,
				deleteAt: null,
				wrote: { input: 1 },
				meetings: 1,
				notices: 1,
				itemsOwned: 0,
				checkIns: 0
			})
		]);

		expect(kept.eventsTotal).toBe(kept.events.length);
		const fetched = kept.events.find((e) => e.action === 'input.fetched');
		expect(fetched).toEqual({
			at: T + 3,
			action: 'input.fetched',
			who: { kind: 'person', name: 'River' },
			caseRef: kept.cases[0]!.ref,
			withCase: true,
			deleteAt: null
		});
		const former = kept.events.find((e) => e.action === 'readers.added');
		expect(former).toMatchObject({ who: { kind: 'former' }, withCase: false });
		expect(former!.deleteAt).toBe(T + 4 + RETENTION_DEFAULTS.auditDays * DAY);
		const signal = kept.events.find((e) => e.action === 'case.signal_raised');
		expect(signal?.who).toEqual({ kind: 'you' });

		// Nothing of the case next door: not its reference, not its events.
		const text = JSON.stringify(kept);
		expect(text).not.toContain(w.next.caseId);
		expect(text).not.toContain('gone-account-id');
	});

	test('dates follow the retention policy once a case closes', async () => {
		const w = await world();
		const admin = await person('admin');
		const policy = { ...RETENTION_DEFAULTS, closedCaseDays: 10, orphanDays: 5, auditDays: 60 };
		await setRetentionPolicy(admin.id, policy, T);
		const closedAt = T + 2 * DAY;
		await closeCase(w.lead.id, w.caseId, 'completed', closedAt);

		const kept = await keptAbout(w.survivor.id, closedAt + 1);
		const deleteAt = closedAt + 10 * DAY;
		expect(kept.cases[0]).toMatchObject({ stage: 'closed', closedAt, deleteAt });
		expect(kept.account.deletion).toEqual({ rule: 'orphan', days: 5, at: deleteAt + 5 * DAY });
		// A case's events go with it; the rest after the audit window.
		expect(kept.events.find((e) => e.action === 'input.fetched')?.deleteAt).toBe(deleteAt);
		expect(kept.events.find((e) => e.action === 'readers.added')?.deleteAt).toBe(T + 4 + 60 * DAY);
		expect(kept.policy).toEqual(policy);
		await setRetentionPolicy(admin.id, RETENTION_DEFAULTS, T);
	});

	test('a facilitator sees what they wrote and that an admin deletes their account', async () => {
		const w = await world();
		const kept = await keptAbout(w.lead.id, T + 10);
		expect(kept.account).toMatchObject({ orgRole: 'facilitator', deletion: { rule: 'admin' } });
		expect(kept.cases).toEqual([
			expect.objectContaining({
				caseId: w.caseId,
				role: 'facilitator',
				// Invitation keys went when the invites were used.
				wrote: { 'case-summary': 1, conversation: 1 },
				meetings: 1,
				notices: 0
			})
		]);
		expect(kept.events.map((e) => e.action)).toEqual(
			expect.arrayContaining(['case.opened', 'invite.created', 'meeting.scheduled'])
		);
	});

	test('a case someone left is still listed, with what stays of theirs in it', async () => {
		const w = await world();
		await setMyParticipation(w.survivor.id, w.caseId, 'withdrawn', T + 5, true);
		const kept = await keptAbout(w.survivor.id, T + 10);
		expect(kept.cases[0]).toMatchObject({ status: 'withdrawn', wrote: { input: 1 } });
		// Left, she reads nothing there any more: the export leaves the case out.
		expect((await exportFor(w.survivor.id, T + 10)).cases).toEqual([]);
	});

	test('every audit action has plain words', () => {
		expect(AUDIT_ACTIONS).toContain('input.fetched');
		for (const action of AUDIT_ACTIONS) {
			expect(auditLabel(action)).not.toBe(auditLabel('no.such_action'));
		}
	});
});

describe('the export', () => {
	test('holds only what this person can read, with their own wraps only', async () => {
		const w = await world();
		const out = await exportFor(w.survivor.id, T + 10);
		expect(out.me).toMatchObject({ userId: w.survivor.id, orgRole: null });
		expect(out.cases.map((c) => c.caseId)).toEqual([w.caseId]);
		const [c] = out.cases;
		expect(c!.envelopes.map((e) => `${e.kind}:${e.objectId}`).sort()).toEqual([
			'conversation:msg-1',
			'input:in-wren'
		]);
		for (const e of c!.envelopes) expect(e.wrap.reader).toBe(w.survivor.id);
		// Her wrap of her input, never the lead's.
		const input = c!.envelopes.find((e) => e.objectId === 'in-wren')!;
		expect(input.wrap.box).toBe(wrapBox('in-wren', 0));
		expect(input.readers).toEqual([w.lead.id, w.survivor.id].sort());
		expect(c!.meetings).toEqual([
			expect.objectContaining({ id: w.meetingId, startsAt: T + DAY, endsAt: T + DAY + H })
		]);
		expect(c!.entries.length).toBeGreaterThan(1);
		expect(c!.people.map((p) => p.role).sort()).toEqual(['facilitator', 'responsible', 'survivor']);
		expect(out.personal.map((p) => p.objectId).sort()).toEqual(['page-1', 'page-2']);
		expect(out.kept.cases).toHaveLength(1);

		const text = JSON.stringify(out);
		expect(text).not.toContain(wrapBox('in-wren', 1));
		expect(text).not.toContain(wrapBox('msg-1', 0));
		expect(text).not.toContain('in-ash');
		expect(text).not.toContain(w.next.caseId);
		expect(text).not.toContain(wrapBox('in-next', 0));
	});

	test("another person's export does not hold what they cannot read", async () => {
		const w = await world();
		const out = await exportFor(w.responsible.id, T + 10);
		const [c] = out.cases;
		expect(c!.envelopes.map((e) => e.objectId)).toEqual(['in-ash']);
		expect(c!.meetings).toEqual([]);
		expect(out.personal).toEqual([]);
		const text = JSON.stringify(out);
		expect(text).not.toContain('in-wren');
		expect(text).not.toContain('msg-1');

		// The lead reads both inputs and their own message, each with the lead's own wrap.
		const lead = await exportFor(w.lead.id, T + 10);
		const mine = lead.cases[0]!.envelopes;
		expect(mine.map((e) => e.objectId).sort()).toEqual(['in-ash', 'in-wren', 'msg-1', 'summary']);
		expect(mine.find((e) => e.objectId === 'in-wren')!.wrap.box).toBe(wrapBox('in-wren', 1));
	});
});
