import { describe, expect, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { getDb } from './db';
import {
	caseEnvelopes,
	caseEvents,
	caseInvites,
	caseLog,
	caseMembers,
	casePending,
	cases,
	caseWraps,
	identities,
	links
} from './db/schema';
import { caseView, handOverLead, listCasesFor, openCase, setStage } from './cases';
import { closeCase } from './agreements';
import { RETENTION_DEFAULTS } from './retention';
import {
	addCaseWraps,
	getCaseEnvelope,
	listCaseEnvelopes,
	listVersions,
	putCaseEnvelope
} from './case-envelopes';
import {
	createCaseInvite,
	findCaseInvite,
	joinCase,
	listCaseInvites,
	revokeCaseInvite
} from './case-invites';
import { completePendingEntry, getCaseLog } from './case-log';
import { deactivateFacilitator } from './org';
import { generateId } from './auth/tokens';
import { expectProblem, insertUser, useTestDb } from './test-db';
import type { User } from './db/schema';
import type { CaseEnvelopeInput, CaseRoleName, LogEntryInput } from './validation/cases';

useTestDb();

const T = Date.UTC(2030, 0, 1, 9);
const b64 = (n: number, fill = 1) => Buffer.alloc(n, fill).toString('base64url');
const fpOf = (u: { id: string }) =>
	Buffer.from(u.id.padEnd(32, 'x').slice(0, 32)).toString('base64url');
const session = (u: User) => ({ id: u.id, displayName: u.displayName, orgRole: u.orgRole });

async function withKeys(u: User) {
	await getDb()
		.insert(identities)
		.values({ userId: u.id, keyVersion: 1, boxPk: b64(32, 2), signPk: b64(32, 3), createdAt: T });
	return u;
}

function entry(signer: User, fields: Partial<LogEntryInput> = {}): LogEntryInput {
	return {
		v: 1,
		seq: 0,
		prev: b64(32, 0),
		op: 'create',
		subject: { userId: signer.id, fp: fpOf(signer) },
		role: 'facilitator',
		supports: null,
		signer: signer.id,
		createdAt: T,
		sig: b64(64, 7),
		...fields
	};
}

function envelope(
	kind: CaseEnvelopeInput['kind'],
	objectId: string,
	readers: User[],
	wrapper: User,
	fields: Partial<CaseEnvelopeInput> = {}
): CaseEnvelopeInput {
	return {
		v: 1,
		kind,
		objectId,
		version: 1,
		subject: null,
		deleted: false,
		header: b64(200),
		body: b64(500),
		wraps: readers.map((r) => ({ reader: r.id, wrapper: wrapper.id, box: b64(120) })),
		...fields
	};
}

async function newCase(lead: User) {
	const caseId = generateId();
	const summary = envelope('case-summary', 'summary', [lead], lead);
	const opened = await openCase(session(lead), { caseId, entry: entry(lead), summary }, T);
	return { caseId, ref: opened.ref };
}

async function invite(
	by: User,
	caseId: string,
	role: CaseRoleName,
	supports: string | null = null,
	now = T
) {
	const inviteId = generateId();
	const secret = envelope('invite-secret', `inv-${inviteId}`, [by], by);
	const made = await createCaseInvite(
		by.id,
		caseId,
		{ inviteId, role, supports, secret, replaces: null },
		now
	);
	return { ...made, token: made.path.slice('/join/'.length) };
}

/** Invites, joins and signs the add, as the browsers would. */
async function member(
	lead: User,
	caseId: string,
	role: CaseRoleName,
	supports: string | null = null
) {
	const person = await withKeys(
		await insertUser({ orgRole: role === 'facilitator' ? 'facilitator' : null })
	);
	const { token } = await invite(lead, caseId, role, supports);
	await joinCase(
		session(person),
		token,
		{ fp: fpOf(person), tag: b64(32, 9), displayName: 'Sky' },
		T
	);
	await signPending(lead, caseId);
	return person;
}

async function signPending(signer: User, caseId: string) {
	const log = await getCaseLog(signer.id, caseId);
	let seq = log.entries.length;
	for (const p of log.pending) {
		const { op, subject, role, supports } = p.change;
		await completePendingEntry(
			signer.id,
			caseId,
			{
				pendingId: p.id,
				entry: entry(signer, { seq: seq++, prev: b64(32, 5), op, subject, role, supports })
			},
			T
		);
	}
}

describe('opening a case', () => {
	test('lands the case, its lead, stage, first log entry and sealed summary together', async () => {
		const lead = await withKeys(await insertUser());
		const { caseId, ref } = await newCase(lead);
		expect(ref).toMatch(/^C-[2-9A-HJKMNP-TV-Z]{4}$/);
		const view = await caseView(lead.id, caseId);
		expect(view).toMatchObject({
			ref,
			stage: 'referral',
			me: { role: 'facilitator', isLead: true }
		});
		expect((await getCaseLog(lead.id, caseId)).entries).toHaveLength(1);
		const [summary] = await listCaseEnvelopes(lead.id, caseId, ['case-summary']);
		expect(summary).toMatchObject({ objectId: 'summary', version: 1, readers: [lead.id] });
	});

	test('only facilitators open cases; a bad first entry or a reused id changes nothing', async () => {
		const lead = await withKeys(await insertUser());
		const participant = await withKeys(await insertUser({ orgRole: null }));
		const caseId = generateId();
		const summary = envelope('case-summary', 'summary', [participant], participant);
		await expectProblem(
			openCase(session(participant), { caseId, entry: entry(participant), summary }, T),
			403,
			'forbidden'
		);
		const leadSummary = envelope('case-summary', 'summary', [lead], lead);
		for (const bad of [entry(lead, { seq: 1 }), entry(lead, { op: 'add' }), entry(participant)]) {
			await expectProblem(
				openCase(session(lead), { caseId, entry: bad, summary: leadSummary }, T),
				400,
				'bad_request'
			);
		}
		// A summary wrapped for someone else fails after the case row: all of it is rolled back.
		const other = envelope('case-summary', 'summary', [lead, participant], lead);
		await expectProblem(
			openCase(session(lead), { caseId, entry: entry(lead), summary: other }, T),
			403,
			'reader_not_allowed'
		);
		expect(await getDb().select().from(cases).where(eq(cases.id, caseId))).toEqual([]);
		expect(await getDb().select().from(caseLog).where(eq(caseLog.caseId, caseId))).toEqual([]);
		await openCase(session(lead), { caseId, entry: entry(lead), summary: leadSummary }, T);
		await expectProblem(
			openCase(session(lead), { caseId, entry: entry(lead), summary: leadSummary }, T),
			409,
			'case_exists'
		);
	});
});

describe('invites and joining', () => {
	test('a new person joins at once; the add waits for a facilitator browser to sign it', async () => {
		const lead = await withKeys(await insertUser());
		const { caseId, ref } = await newCase(lead);
		const { token, inviteId } = await invite(lead, caseId, 'survivor');
		const survivor = await withKeys(await insertUser({ orgRole: null }));
		expect(await findCaseInvite(token, null, T)).toMatchObject({
			ref,
			role: 'survivor',
			inviter: { userId: lead.id }
		});
		await joinCase(
			session(survivor),
			token,
			{ fp: fpOf(survivor), tag: b64(32, 9), displayName: 'Wren' },
			T
		);
		// The server acts at once: the survivor sees the case before the log says so.
		expect((await caseView(survivor.id, caseId)).me).toMatchObject({ role: 'survivor' });
		const log = await getCaseLog(lead.id, caseId);
		expect(log.pending).toHaveLength(1);
		expect(log.pending[0]!.change).toMatchObject({
			op: 'add',
			subject: { userId: survivor.id, fp: fpOf(survivor) },
			invite: { inviteId, tag: b64(32, 9) }
		});
		// Participants never see pending changes; they are for facilitators' browsers.
		expect((await getCaseLog(survivor.id, caseId)).pending).toEqual([]);
		await expectProblem(findCaseInvite(token, null, T), 410, 'link_used');
		expect((await listCaseInvites(lead.id, caseId, T))[0]).toMatchObject({ status: 'used' });
		await signPending(lead, caseId);
		const after = await getCaseLog(lead.id, caseId);
		expect(after.entries).toHaveLength(2);
		expect(after.pending).toEqual([]);
		// The secret has done its work: its envelope is gone.
		const secrets = await getDb()
			.select()
			.from(caseEnvelopes)
			.where(eq(caseEnvelopes.objectId, `inv-${inviteId}`));
		expect(secrets).toEqual([]);
	});

	test('refusals: same person twice, closed case, wrong account, facilitator role, supporter', async () => {
		const lead = await withKeys(await insertUser());
		const { caseId } = await newCase(lead);
		const survivor = await member(lead, caseId, 'survivor');
		const { token } = await invite(lead, caseId, 'community');
		const join = (u: User) =>
			joinCase(session(u), token, { fp: fpOf(u), tag: b64(32, 9), displayName: 'Sky' }, T);
		await expectProblem(join(survivor), 409, 'already_member');
		const noKeys = await insertUser({ orgRole: null });
		await expectProblem(join(noKeys), 409, 'keys_missing');
		const co = await invite(lead, caseId, 'facilitator');
		const participant = await withKeys(await insertUser({ orgRole: null }));
		await expectProblem(
			joinCase(
				session(participant),
				co.token,
				{ fp: fpOf(participant), tag: b64(32), displayName: 'A' },
				T
			),
			403,
			'invite_role'
		);
		await expectProblem(invite(lead, caseId, 'supporter', null), 400, 'supports_unknown');
		await expectProblem(invite(lead, caseId, 'supporter', lead.id), 400, 'supports_unknown');
		const made = await invite(lead, caseId, 'supporter', survivor.id);
		// The browser makes invite ids; one already used is refused, not overwritten.
		const again = envelope('invite-secret', `inv-${made.inviteId}`, [lead], lead);
		await expectProblem(
			createCaseInvite(
				lead.id,
				caseId,
				{
					inviteId: made.inviteId,
					role: 'community',
					supports: null,
					secret: again,
					replaces: null
				},
				T
			),
			409,
			'invite_exists'
		);
		// Participants cannot invite; strangers cannot even see the case.
		await expectProblem(invite(survivor, caseId, 'community'), 403, 'forbidden');
		const stranger = await withKeys(await insertUser());
		await expectProblem(invite(stranger, caseId, 'community'), 404, 'case_not_found');
		await closeCase(lead.id, caseId, 'ended', T + 1);
		await expectProblem(join(participant), 409, 'case_closed');
		await expectProblem(invite(lead, caseId, 'community'), 409, 'case_closed');
		const members = await getDb().select().from(caseMembers).where(eq(caseMembers.caseId, caseId));
		expect(members.map((m) => m.role).sort()).toEqual(['facilitator', 'survivor']);
	});

	test('withdrawn and reissued invites; an expired one', async () => {
		const lead = await withKeys(await insertUser());
		const { caseId } = await newCase(lead);
		const first = await invite(lead, caseId, 'responsible');
		await revokeCaseInvite(lead.id, caseId, first.inviteId, T + 1);
		await expectProblem(findCaseInvite(first.token, null, T + 2), 410, 'link_revoked');
		const second = await invite(lead, caseId, 'responsible');
		const inviteId = generateId();
		const secret = envelope('invite-secret', `inv-${inviteId}`, [lead], lead);
		const third = await createCaseInvite(
			lead.id,
			caseId,
			{ inviteId, role: 'responsible', supports: null, secret, replaces: second.inviteId },
			T + 3
		);
		const statuses = await listCaseInvites(lead.id, caseId, T + 4);
		expect(statuses.map((s) => [s.id, s.status])).toEqual(
			expect.arrayContaining([
				[first.inviteId, 'withdrawn'],
				[second.inviteId, 'withdrawn'],
				[third.inviteId, 'waiting']
			])
		);
		const later = T + 8 * 24 * 3_600_000;
		expect(
			(await listCaseInvites(lead.id, caseId, later)).find((s) => s.id === third.inviteId)
		).toMatchObject({ status: 'expired' });
		await expectProblem(findCaseInvite(third.path.slice(6), null, later), 410, 'link_expired');
	});
});

describe('the log', () => {
	test('only the next entry, by a facilitator, for the change the server asked for', async () => {
		const lead = await withKeys(await insertUser());
		const { caseId } = await newCase(lead);
		const { token } = await invite(lead, caseId, 'survivor');
		const survivor = await withKeys(await insertUser({ orgRole: null }));
		await joinCase(
			session(survivor),
			token,
			{ fp: fpOf(survivor), tag: b64(32, 9), displayName: 'W' },
			T
		);
		const { pending } = await getCaseLog(lead.id, caseId);
		const p = pending[0]!;
		const good = entry(lead, { seq: 1, op: 'add', subject: p.change.subject, role: 'survivor' });
		await expectProblem(
			completePendingEntry(lead.id, caseId, { pendingId: p.id, entry: { ...good, seq: 2 } }, T),
			409,
			'log_conflict'
		);
		await expectProblem(
			completePendingEntry(
				lead.id,
				caseId,
				{ pendingId: p.id, entry: { ...good, role: 'community' } },
				T
			),
			400,
			'bad_request'
		);
		await expectProblem(
			completePendingEntry(survivor.id, caseId, { pendingId: p.id, entry: good }, T),
			403,
			'forbidden'
		);
		await completePendingEntry(lead.id, caseId, { pendingId: p.id, entry: good }, T);
		await expectProblem(
			completePendingEntry(lead.id, caseId, { pendingId: p.id, entry: { ...good, seq: 2 } }, T),
			409,
			'log_conflict'
		);
	});
});

describe('case envelopes', () => {
	test("a survivor's input never reaches the responsible party, their supporter or a stranger", async () => {
		const lead = await withKeys(await insertUser());
		const { caseId } = await newCase(lead);
		const survivor = await member(lead, caseId, 'survivor');
		const responsible = await member(lead, caseId, 'responsible');
		const theirSupporter = await member(lead, caseId, 'supporter', responsible.id);
		const mySupporter = await member(lead, caseId, 'supporter', survivor.id);
		const stranger = await withKeys(await insertUser());
		for (const reader of [responsible, theirSupporter, stranger]) {
			await expectProblem(
				putCaseEnvelope(
					survivor.id,
					caseId,
					envelope('input', 'in1', [survivor, reader], survivor),
					T
				),
				403,
				'reader_not_allowed'
			);
		}
		await putCaseEnvelope(
			survivor.id,
			caseId,
			envelope('input', 'in1', [survivor, lead], survivor),
			T
		);
		expect(await listCaseEnvelopes(responsible.id, caseId, ['input'])).toEqual([]);
		await expectProblem(getCaseEnvelope(responsible.id, caseId, 'in1', 1), 404, 'not_found');
		await expectProblem(getCaseEnvelope(stranger.id, caseId, 'in1', 1), 404, 'case_not_found');
		// Only the author adds readers to their words, and only allowed ones.
		const more = {
			version: 1,
			wraps: [{ reader: mySupporter.id, wrapper: lead.id, box: b64(100) }]
		};
		await expectProblem(addCaseWraps(lead.id, caseId, 'in1', more), 403, 'forbidden');
		const bad = {
			version: 1,
			wraps: [{ reader: responsible.id, wrapper: survivor.id, box: b64(100) }]
		};
		await expectProblem(addCaseWraps(survivor.id, caseId, 'in1', bad), 403, 'reader_not_allowed');
		const ok = {
			version: 1,
			wraps: [{ reader: mySupporter.id, wrapper: survivor.id, box: b64(100) }]
		};
		await addCaseWraps(survivor.id, caseId, 'in1', ok);
		expect((await getCaseEnvelope(mySupporter.id, caseId, 'in1', 1)).readers).toHaveLength(3);
		// Nobody else writes a version of someone's input; nor does a facilitator write "input".
		await expectProblem(
			putCaseEnvelope(
				responsible.id,
				caseId,
				envelope('input', 'in1', [responsible], responsible, { version: 2 }),
				T
			),
			403,
			'forbidden'
		);
		await expectProblem(
			putCaseEnvelope(lead.id, caseId, envelope('input', 'x', [lead], lead), T),
			403,
			'forbidden'
		);
		await expectProblem(
			putCaseEnvelope(
				survivor.id,
				caseId,
				envelope('facilitator-notes', 'n', [survivor], survivor),
				T
			),
			403,
			'forbidden'
		);
	});

	test('versions are kept; a tombstone takes every body and wrap at once', async () => {
		const lead = await withKeys(await insertUser());
		const { caseId } = await newCase(lead);
		const survivor = await member(lead, caseId, 'survivor');
		const put = (version: number, fields: Partial<CaseEnvelopeInput> = {}) =>
			putCaseEnvelope(
				survivor.id,
				caseId,
				envelope('input', 'in', [survivor, lead], survivor, { version, ...fields }),
				T + version
			);
		await put(1);
		await put(2);
		await expectProblem(put(2), 409, 'version_conflict');
		await expectProblem(put(3, { body: b64(256 * 1024 + 10) }), 413, 'too_large');
		expect((await listVersions(lead.id, caseId, 'in')).map((v) => v.version)).toEqual([2, 1]);
		await expectProblem(put(3, { deleted: true, body: b64(500) }), 400, 'bad_request');
		await put(3, { deleted: true, body: b64(40) });
		const rows = await getDb()
			.select()
			.from(caseEnvelopes)
			.where(and(eq(caseEnvelopes.caseId, caseId), eq(caseEnvelopes.objectId, 'in')));
		expect(rows.map((r) => [r.version, r.deleted])).toEqual([[3, true]]);
		const wraps = await getDb()
			.select()
			.from(caseWraps)
			.where(and(eq(caseWraps.caseId, caseId), eq(caseWraps.objectId, 'in')));
		expect(wraps.every((w) => w.version === 3)).toBe(true);
		await expectProblem(put(4), 410, 'deleted');
	});

	test('facilitators share their kinds with a new co-facilitator', async () => {
		const lead = await withKeys(await insertUser());
		const { caseId } = await newCase(lead);
		const co = await member(lead, caseId, 'facilitator');
		const more = { version: 1, wraps: [{ reader: co.id, wrapper: lead.id, box: b64(100) }] };
		await addCaseWraps(lead.id, caseId, 'summary', more);
		const [summary] = await listCaseEnvelopes(co.id, caseId, ['case-summary']);
		expect(summary?.readers.sort()).toEqual([lead.id, co.id].sort());
		await putCaseEnvelope(
			co.id,
			caseId,
			envelope('case-summary', 'summary', [co, lead], co, { version: 2 }),
			T
		);
		expect((await getCaseEnvelope(lead.id, caseId, 'summary', 2)).authorId).toBe(co.id);
	});
});

describe('stages, leads and people leaving', () => {
	test('stages are events; only facilitators of the case change them', async () => {
		const lead = await withKeys(await insertUser());
		const { caseId } = await newCase(lead);
		const survivor = await member(lead, caseId, 'survivor');
		await setStage(lead.id, caseId, 'preparation', T + 1);
		await setStage(lead.id, caseId, 'preparation', T + 2);
		await expectProblem(setStage(survivor.id, caseId, 'closed', T + 3), 403, 'forbidden');
		// Closing takes an outcome, so the plain stage change refuses it in words.
		await expectProblem(setStage(lead.id, caseId, 'closed', T + 3), 400, 'close_with_outcome');
		const view = await caseView(lead.id, caseId);
		expect(view.stage).toBe('preparation');
		expect(view.history.filter((h) => h.kind === 'stage').map((h) => h.value)).toEqual([
			'preparation',
			'referral'
		]);
		// A participant sees no history of the case, and nobody's pause or withdrawal but their own.
		const theirs = await caseView(survivor.id, caseId);
		expect(theirs.history).toEqual([]);
		expect(theirs.people.find((p) => p.userId === lead.id)?.status).toBeNull();
		expect((await listCasesFor(survivor.id, T))[0]).toMatchObject({
			stage: 'preparation',
			pendingLog: 0
		});
	});

	test('every member sees how a closed case ended and when; reopening clears both', async () => {
		const lead = await withKeys(await insertUser());
		const { caseId } = await newCase(lead);
		const survivor = await member(lead, caseId, 'survivor');
		expect(await caseView(survivor.id, caseId)).toMatchObject({ outcome: null, closedAt: null });
		const { deleteAt } = await closeCase(lead.id, caseId, 'partial', T + 1);
		expect(deleteAt).toBe(T + 1 + RETENTION_DEFAULTS.closedCaseDays * 24 * 3_600_000);
		for (const u of [lead, survivor]) {
			expect(await caseView(u.id, caseId)).toMatchObject({
				stage: 'closed',
				outcome: 'partial',
				closedAt: T + 1
			});
		}
		await expectProblem(closeCase(lead.id, caseId, 'ended', T + 2), 409, 'case_closed');
		await setStage(lead.id, caseId, 'follow-up', T + 2);
		expect(await caseView(survivor.id, caseId)).toMatchObject({
			stage: 'follow-up',
			outcome: null,
			closedAt: null
		});
		await closeCase(lead.id, caseId, 'withdrawn', T + 3);
		expect(await caseView(survivor.id, caseId)).toMatchObject({
			stage: 'withdrawn',
			outcome: 'withdrawn',
			closedAt: T + 3
		});
	});

	test('a deactivated facilitator is refused at once; a colleague takes the lead', async () => {
		const admin = await withKeys(await insertUser({ orgRole: 'admin' }));
		const lead = await withKeys(await insertUser());
		const { caseId } = await newCase(lead);
		const co = await member(lead, caseId, 'facilitator');
		await expectProblem(handOverLead(co.id, caseId, co.id, T), 403, 'forbidden');
		await deactivateFacilitator(admin.id, lead.id, T + 1);
		await expectProblem(caseView(lead.id, caseId), 404, 'case_not_found');
		const view = await caseView(co.id, caseId);
		expect(view.people.find((p) => p.userId === lead.id)).toMatchObject({
			status: 'removed',
			deactivated: true,
			isLead: true
		});
		const { pending } = await getCaseLog(co.id, caseId);
		expect(pending.map((p) => [p.change.op, p.change.subject.userId])).toEqual([
			['remove', lead.id]
		]);
		await expectProblem(handOverLead(co.id, caseId, lead.id, T + 2), 400, 'lead_not_facilitator');
		await handOverLead(co.id, caseId, co.id, T + 2);
		expect((await caseView(co.id, caseId)).me.isLead).toBe(true);
		const events = await getDb().select().from(caseEvents).where(eq(caseEvents.caseId, caseId));
		expect(events.some((e) => e.kind === 'lead' && e.value === co.id)).toBe(true);
	});

	test('someone removed before their add was signed leaves no pending removal', async () => {
		const admin = await withKeys(await insertUser({ orgRole: 'admin' }));
		const lead = await withKeys(await insertUser());
		const { caseId } = await newCase(lead);
		const co = await withKeys(await insertUser());
		const { token } = await invite(lead, caseId, 'facilitator');
		await joinCase(session(co), token, { fp: fpOf(co), tag: b64(32), displayName: 'Co' }, T);
		await deactivateFacilitator(admin.id, co.id, T + 1);
		expect(await getDb().select().from(casePending).where(eq(casePending.caseId, caseId))).toEqual(
			[]
		);
		const invites = await getDb().select().from(caseInvites).where(eq(caseInvites.caseId, caseId));
		const [link] = await getDb().select().from(links).where(eq(links.id, invites[0]!.linkId));
		expect(link?.usedAt).not.toBeNull();
	});
});
