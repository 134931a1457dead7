import { RETENTION_DEFAULTS } from './retention';
import { describe, expect, test } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import { getDb } from './db';
import { agreementNews, caseMembers, cases, caseWraps, checkIns, type User } from './db/schema';
import {
	approveItems,
	closeCase,
	consent,
	draftVersion,
	passOnCheckIn,
	postCheckIn,
	requiredSigners,
	setAgreementChoices,
	setItemStatus,
	type FollowUp
} from './agreements';
import {
	agreementFor,
	agreementNewsFor,
	followUpDashboard,
	markAgreementNewsSeen
} from './agreement-views';
import { addCaseWraps, putCaseEnvelope } from './case-envelopes';
import { rosterIn } from './case-access';
import { caseView, openCase, setStage } from './cases';
import { setChoices, type Mode } from './case-choices';
import { generateId } from './auth/tokens';
import { expectProblem, useTestDb } from './test-db';
import { addMember, b64, entry, fakeEnvelope, person, session, T } from './case-fixtures';
import { DAY_MS, dayOf } from '$lib/agreement-dates';
import type { ProblemCode } from './problem';
import type { CaseEnvelopeInput } from './validation/cases';
import type {
	AgreementItemInput,
	CheckInInput,
	ConsentInput,
	NewVersionInput
} from './validation/agreements';

useTestDb();

// T is 2030-01-01 09:00 UTC: the earliest date anywhere on Earth is still 2029-12-31.
const H = 3_600_000;
const day = (date: string) => {
	const d = dayOf(date);
	if (d === null) throw new Error(`not a day: ${date}`);
	return d;
};

// Item ids stay the same across versions (and are per agreement, so shared by every case here).
const APOLOGY = 'apology-item-000000000';
const COUNSEL = 'counsel-item-000000000';
const BOUNDARY = 'boundary-item-00000000';
const TALK = 'talk-item-0000000000000';
const EXTRA = 'extra-item-000000000000';

type Role = 'survivor' | 'responsible' | 'supporter' | 'community';
type Case = {
	lead: User;
	caseId: string;
	ref: string;
	agreementId: string;
	survivor: User;
	responsible: User;
	supporter: User;
	community: User;
};

/**
 * A case with a lead, a survivor (who chose to take part by letter), a responsible party, a
 * supporter of the survivor and a community member, each added through the real invite flow.
 */
async function newCase(
	opts: { lead?: User; roles?: Role[]; mode?: Mode | null } = {}
): Promise<Case> {
	const lead = opts.lead ?? (await person('facilitator'));
	const caseId = generateId();
	const summary = fakeEnvelope('case-summary', 'summary', lead, []);
	const { ref } = await openCase(session(lead), { caseId, entry: entry(lead), summary }, T);
	const roles = opts.roles ?? ['survivor', 'responsible', 'supporter', 'community'];
	const people: Partial<Record<Role, User>> = {};
	const names: Record<Role, string> = {
		survivor: 'Wren',
		responsible: 'Ash',
		supporter: 'Fern',
		community: 'Rowan'
	};
	for (const role of roles) {
		const supports = role === 'supporter' ? people.survivor!.id : null;
		people[role] = await addMember(lead, caseId, role, supports, names[role]);
	}
	const mode = opts.mode === undefined ? 'letter' : opts.mode;
	if (people.survivor && mode) await setChoices(people.survivor.id, caseId, { mode }, T);
	return { lead, caseId, ref, agreementId: generateId(), ...people } as Case;
}

async function fpOf(caseId: string, user: User) {
	const [row] = await getDb()
		.select({ fp: caseMembers.fp })
		.from(caseMembers)
		.where(and(eq(caseMembers.caseId, caseId), eq(caseMembers.userId, user.id)));
	return row!.fp;
}

async function signer(c: Case, user: User, role: 'survivor' | 'responsible') {
	return { userId: user.id, role, fp: await fpOf(c.caseId, user) };
}

const item = (
	itemId: string,
	owner: User | null,
	fields: Partial<AgreementItemInput> = {}
): AgreementItemInput => ({
	itemId,
	kind: 'custom',
	ownerId: owner?.id ?? null,
	due: null,
	repeat: null,
	...fields
});

/** An apology by 15 January, weekly counselling from 7 January (four times) and a boundary. */
const itemsOf = (c: Case): AgreementItemInput[] => [
	item(APOLOGY, c.responsible, { kind: 'apology', due: day('2030-01-15') }),
	item(COUNSEL, c.responsible, {
		kind: 'counselling',
		due: day('2030-01-07'),
		repeat: { every: 'week', count: 4 }
	}),
	item(BOUNDARY, c.responsible, { kind: 'boundary' })
];

const digest = (n: number) => b64(32, 10 + n);

/** The sealed words of a version as the drafting browser sends them. */
const sealed = (e: CaseEnvelopeInput) => ({ ...e, attachment: e.attachment ?? null });

/**
 * Version `n` of the case's agreement, as a facilitator's browser would post it: the signers the
 * rules ask for (with the fingerprints the server holds), sealed for the lead and both parties.
 */
async function versionInput(
	c: Case,
	n: number,
	fields: Partial<NewVersionInput> = {},
	text: Partial<CaseEnvelopeInput> = {},
	by: User = c.lead
): Promise<NewVersionInput> {
	const roster = await rosterIn(getDb(), c.caseId);
	const signers = requiredSigners(roster).map((s) => ({ ...s, fp: roster.get(s.userId)!.fp }));
	const readers = [c.survivor, c.responsible].filter(Boolean);
	return {
		agreementId: c.agreementId,
		version: n,
		digest: digest(n),
		prevDigest: n === 1 ? null : digest(n - 1),
		logHead: { seq: 5, hash: b64(32, 20 + n) },
		items: itemsOf(c),
		signers,
		text: sealed(
			fakeEnvelope('agreement', fields.agreementId ?? c.agreementId, by, readers, {
				version: n,
				...text
			})
		),
		...fields
	};
}

const sign = (version: number, decision: 'approve' | 'decline' = 'approve'): ConsentInput => ({
	method: 'signature',
	version,
	decision,
	signature: b64(64, 9)
});
const note = (version: number): ConsentInput => ({ method: 'note', version });

const approveAll = (c: Case, version: number, ids = [APOLOGY, COUNSEL, BOUNDARY], now = T) =>
	approveItems(
		c.survivor.id,
		c.caseId,
		version,
		ids.map((itemId) => ({ itemId, decision: 'approve' as const })),
		now
	);

/** Drafts version `n` with these items and takes it through every approval into force. */
async function bringIntoForce(c: Case, n = 1, items = itemsOf(c), now = T) {
	await draftVersion(c.lead.id, c.caseId, await versionInput(c, n, { items }), now);
	await approveAll(
		c,
		n,
		items.map((i) => i.itemId),
		now
	);
	await consent(c.responsible.id, c.caseId, sign(n), now);
	const { inForce } = await consent(c.survivor.id, c.caseId, note(n), now);
	expect(inForce).toBe(true);
}

function checkIn(itemId: string, author: User, readers: User[], fields = {}): CheckInInput {
	return {
		itemId,
		envelope: sealed(fakeEnvelope('check-in', generateId(), author, readers, fields))
	};
}

const TABLES = [
	'agreements',
	'agreement_versions',
	'agreement_items',
	'agreement_signers',
	'agreement_consents',
	'item_approvals',
	'item_statuses',
	'check_ins',
	'agreement_news',
	'case_envelopes',
	'case_wraps',
	'case_events',
	'audit_events'
];

/** Row counts of every table a refused request could have half-written to. */
async function counts() {
	const out: Record<string, number> = {};
	for (const t of TABLES) {
		const [row] = await getDb().all<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${t}`));
		out[t] = row!.n;
	}
	return out;
}

/** Refused with this problem, and nothing at all written. */
async function refused(action: () => Promise<unknown>, status: number, code: ProblemCode) {
	const before = await counts();
	await expectProblem(action, status as 400, code);
	expect(await counts()).toEqual(before);
}

async function newsRows(caseId: string, user: User) {
	return getDb()
		.select({ kind: agreementNews.kind, level: agreementNews.level, itemId: agreementNews.itemId })
		.from(agreementNews)
		.where(and(eq(agreementNews.caseId, caseId), eq(agreementNews.userId, user.id)))
		.orderBy(asc(agreementNews.id));
}

const kindsFor = async (user: User, caseId?: string) =>
	(await agreementNewsFor(user.id))
		.filter((n) => !caseId || n.caseId === caseId)
		.map((n) => n.kind);

const stageOf = async (c: Case) => (await caseView(c.lead.id, c.caseId)).stage;

const wrapsFor = async (caseId: string, reader: User) =>
	getDb()
		.select()
		.from(caseWraps)
		.where(and(eq(caseWraps.caseId, caseId), eq(caseWraps.readerId, reader.id)));

describe('requiredSigners', () => {
	test('every responsible party present, and survivors who chose to sign and take part', async () => {
		const c = await newCase();
		const roster = await rosterIn(getDb(), c.caseId);
		expect(requiredSigners(roster)).toEqual([{ userId: c.responsible.id, role: 'responsible' }]);

		const withSign = new Map(roster);
		withSign.set(c.survivor.id, { ...roster.get(c.survivor.id)!, approveBy: 'sign' });
		expect(requiredSigners(withSign)).toEqual([
			{ userId: c.responsible.id, role: 'responsible' },
			{ userId: c.survivor.id, role: 'survivor' }
		]);
		// A survivor not taking part is never asked, even having chosen to sign.
		withSign.set(c.survivor.id, { ...withSign.get(c.survivor.id)!, mode: 'none' });
		expect(requiredSigners(withSign)).toEqual([{ userId: c.responsible.id, role: 'responsible' }]);
		// A paused party still signs; one who left does not.
		const paused = new Map(roster);
		paused.set(c.responsible.id, { ...roster.get(c.responsible.id)!, status: 'paused' });
		expect(requiredSigners(paused)).toHaveLength(1);
		paused.set(c.responsible.id, { ...roster.get(c.responsible.id)!, status: 'withdrawn' });
		expect(requiredSigners(paused)).toEqual([]);
	});
});

describe('an agreement from draft to force', () => {
	test('drafted, approved item by item, signed, approved by note: in force and the case moves on', async () => {
		const c = await newCase();
		expect(await stageOf(c)).toBe('referral');
		const fp = await fpOf(c.caseId, c.responsible);

		const lead0 = await agreementFor(c.lead.id, c.caseId, T);
		expect(lead0.id).toBeNull();
		expect(lead0.drafting).toEqual({
			signers: [{ userId: c.responsible.id, role: 'responsible' }],
			// The supporter's party has not let them read it; the community member never does.
			readers: expect.arrayContaining([c.lead.id, c.survivor.id, c.responsible.id]),
			// Nobody has chosen to hear every update yet, so no check-in can be passed on.
			survivorsFollowing: []
		});
		expect(lead0.drafting!.readers).toHaveLength(3);

		const v1 = await versionInput(c, 1);
		expect(v1.signers).toEqual([{ userId: c.responsible.id, role: 'responsible', fp }]);
		await draftVersion(c.lead.id, c.caseId, v1, T);

		expect(await stageOf(c)).toBe('agreement');
		const drafted = await agreementFor(c.lead.id, c.caseId, T);
		expect(drafted).toMatchObject({ id: c.agreementId, inForce: null, followUp: [] });
		expect(drafted.versions).toHaveLength(1);
		expect(drafted.versions[0]).toMatchObject({
			version: 1,
			digest: digest(1),
			prevDigest: null,
			logSeq: 5,
			logHash: b64(32, 21),
			createdBy: c.lead.id,
			createdAt: T,
			inForceAt: null,
			signers: [{ userId: c.responsible.id, role: 'responsible', fp }],
			consents: [],
			approvals: [],
			survivorsApproved: false
		});
		expect(drafted.versions[0]!.items).toEqual(
			[
				{ itemId: APOLOGY, kind: 'apology', ownerId: c.responsible.id, due: day('2030-01-15') },
				{
					itemId: COUNSEL,
					kind: 'counselling',
					ownerId: c.responsible.id,
					due: day('2030-01-07'),
					repeat: { every: 'week', count: 4 }
				},
				{ itemId: BOUNDARY, kind: 'boundary', ownerId: c.responsible.id, due: null }
			]
				.map((i) => ({ repeat: null, ...i }))
				.sort((a, b) => (a.itemId < b.itemId ? -1 : 1))
		);
		// Both parties are asked to review; nobody else hears of it.
		expect(await kindsFor(c.survivor)).toEqual(['review']);
		expect(await kindsFor(c.responsible)).toEqual(['review']);
		for (const u of [c.lead, c.supporter, c.community]) expect(await kindsFor(u)).toEqual([]);
		// The words are sealed for the lead and both parties, and nobody else.
		const [wrapped] = await getDb().all<{ n: number }>(
			sql`SELECT count(*) AS n FROM case_wraps WHERE case_id = ${c.caseId} AND object_id = ${c.agreementId}`
		);
		expect(wrapped!.n).toBe(3);

		// The responsible party signs only after the survivor has approved every item.
		await refused(
			() => consent(c.responsible.id, c.caseId, sign(1), T + 1),
			409,
			'agreement_awaiting_survivor'
		);
		await approveItems(
			c.survivor.id,
			c.caseId,
			1,
			[
				{ itemId: APOLOGY, decision: 'approve' },
				{ itemId: COUNSEL, decision: 'change' }
			],
			T + 1
		);
		await refused(
			() => consent(c.responsible.id, c.caseId, sign(1), T + 2),
			409,
			'agreement_awaiting_survivor'
		);
		// Changing an answer replaces it.
		await approveAll(c, 1, [COUNSEL, BOUNDARY], T + 2);
		const approvals = (await agreementFor(c.lead.id, c.caseId, T)).versions[0]!.approvals;
		expect(approvals).toHaveLength(3);
		expect(approvals.every((a) => a.decision === 'approve' && a.userId === c.survivor.id)).toBe(
			true
		);

		// The survivor did not choose to sign: signing is refused, their note is the approval.
		await refused(
			() => consent(c.survivor.id, c.caseId, sign(1), T + 3),
			403,
			'agreement_not_signer'
		);
		// The responsible party cannot approve by a note instead of signing.
		await refused(
			() => consent(c.responsible.id, c.caseId, note(1), T + 3),
			403,
			'agreement_not_signer'
		);
		expect(await consent(c.responsible.id, c.caseId, sign(1), T + 3)).toEqual({ inForce: false });
		expect(await stageOf(c)).toBe('agreement');
		expect(await consent(c.survivor.id, c.caseId, note(1), T + 4)).toEqual({ inForce: true });

		const inForce = await agreementFor(c.lead.id, c.caseId, T + 5);
		expect(inForce.inForce).toBe(1);
		expect(inForce.versions[0]!.inForceAt).toBe(T + 4);
		expect(inForce.versions[0]!.consents).toHaveLength(2);
		expect(inForce.versions[0]!.consents).toEqual(
			expect.arrayContaining([
				{
					userId: c.responsible.id,
					role: 'responsible',
					method: 'signature',
					decision: 'approve',
					signature: b64(64, 9),
					at: T + 3
				},
				{
					userId: c.survivor.id,
					role: 'survivor',
					method: 'note',
					decision: 'approve',
					signature: null,
					at: T + 4
				}
			])
		);
		expect(inForce.followUp.map((f) => f.status)).toEqual(['open', 'open', 'open']);
		expect(await stageOf(c)).toBe('follow-up');

		// Facilitators heard of each answer and of the agreement in force.
		expect(await kindsFor(c.lead)).toEqual(['review', 'review', 'review', 'review', 'in_force']);
		expect(await kindsFor(c.responsible)).toEqual(['review', 'in_force']);
		// The survivor's "in force" is a milestone: shown once they choose to hear milestones.
		expect(await newsRows(c.caseId, c.survivor)).toEqual([
			{ kind: 'review', level: 'review', itemId: null },
			{ kind: 'in_force', level: 'milestone', itemId: null }
		]);
		expect(await kindsFor(c.survivor)).toEqual(['review']);
		await setAgreementChoices(c.survivor.id, c.caseId, { followUp: 'milestones' }, T + 5);
		expect(await kindsFor(c.survivor)).toEqual(['review', 'in_force']);
		for (const u of [c.supporter, c.community]) expect(await kindsFor(u)).toEqual([]);

		// Opening the page clears the news for that person only.
		await markAgreementNewsSeen(c.survivor.id, c.caseId, T + 6);
		expect(await kindsFor(c.survivor)).toEqual([]);
		expect(await kindsFor(c.responsible)).toEqual(['review', 'in_force']);
	});

	test('a survivor who chose to sign is a signer, and signs rather than writing a note', async () => {
		const c = await newCase();
		await setAgreementChoices(c.survivor.id, c.caseId, { approveBy: 'sign' }, T);
		const v1 = await versionInput(c, 1);
		expect(v1.signers).toEqual([
			await signer(c, c.responsible, 'responsible'),
			await signer(c, c.survivor, 'survivor')
		]);
		await draftVersion(c.lead.id, c.caseId, v1, T);
		await approveAll(c, 1);
		await refused(() => consent(c.survivor.id, c.caseId, note(1), T), 403, 'agreement_not_signer');
		expect(await consent(c.survivor.id, c.caseId, sign(1), T + 1)).toEqual({ inForce: false });
		expect(await consent(c.responsible.id, c.caseId, sign(1), T + 2)).toEqual({ inForce: true });
		const view = await agreementFor(c.responsible.id, c.caseId, T + 3);
		expect(view.inForce).toBe(1);
		expect(view.versions[0]!.inForceAt).toBe(T + 2);
	});

	test('a survivor not taking part is not waited for: the responsible party’s signature is enough', async () => {
		const c = await newCase({ mode: 'none' });
		await draftVersion(c.lead.id, c.caseId, await versionInput(c, 1), T);
		expect(await consent(c.responsible.id, c.caseId, sign(1), T + 1)).toEqual({ inForce: true });
		await refused(() => consent(c.survivor.id, c.caseId, note(1), T), 403, 'agreement_not_signer');
		expect(await stageOf(c)).toBe('follow-up');
	});

	test('drafting moves a case forward from circle, but never back from follow-up', async () => {
		const c = await newCase();
		await setStage(c.lead.id, c.caseId, 'circle', T);
		await bringIntoForce(c);
		expect(await stageOf(c)).toBe('follow-up');
		await draftVersion(c.lead.id, c.caseId, await versionInput(c, 2), T + 1);
		expect(await stageOf(c)).toBe('follow-up');
	});

	test('due day on the earliest date anywhere is accepted; the day before is past', async () => {
		const c = await newCase();
		await refused(
			async () =>
				draftVersion(
					c.lead.id,
					c.caseId,
					await versionInput(c, 1, {
						items: [item(APOLOGY, c.responsible, { due: day('2029-12-30') })]
					}),
					T
				),
			400,
			'item_due_in_past'
		);
		await draftVersion(
			c.lead.id,
			c.caseId,
			await versionInput(c, 1, {
				items: [item(APOLOGY, c.responsible, { due: day('2029-12-31') })]
			}),
			T
		);
		expect((await agreementFor(c.lead.id, c.caseId, T)).versions[0]!.items[0]!.due).toBe(
			day('2029-12-31')
		);
	});
});

describe('bad drafts are refused in words, and nothing is half-written', () => {
	test('items, signers, versions and the sealed words', async () => {
		const c = await newCase();
		const stranger = await person();
		const draftWith = async (
			fields: Partial<NewVersionInput>,
			text: Partial<CaseEnvelopeInput> = {}
		) => draftVersion(c.lead.id, c.caseId, await versionInput(c, 1, fields, text), T);
		const fp = await fpOf(c.caseId, c.responsible);
		const resp = { userId: c.responsible.id, role: 'responsible' as const, fp };
		const bad: [Partial<NewVersionInput>, Partial<CaseEnvelopeInput>, number, ProblemCode][] = [
			[{ items: [item(APOLOGY, null)] }, {}, 400, 'item_no_owner'],
			[{ items: [item(APOLOGY, c.supporter)] }, {}, 400, 'item_owner_not_allowed'],
			[{ items: [item(APOLOGY, c.survivor)] }, {}, 400, 'item_owner_not_allowed'],
			[{ items: [item(APOLOGY, stranger)] }, {}, 400, 'item_owner_not_allowed'],
			[
				{ items: [...itemsOf(c), item(EXTRA, c.supporter, { due: day('2030-02-01') })] },
				{},
				400,
				'item_owner_not_allowed'
			],
			[
				{ items: [item(APOLOGY, c.responsible, { due: day('2029-12-01') })] },
				{},
				400,
				'item_due_in_past'
			],
			[
				{ items: [item(APOLOGY, c.responsible, { repeat: { every: 'week', count: 3 } })] },
				{},
				400,
				'item_repeat_needs_day'
			],
			[
				{ items: [item(APOLOGY, c.responsible, { due: day('2030-02-01') + H })] },
				{},
				400,
				'bad_request'
			],
			[{ items: [] }, {}, 400, 'agreement_no_items'],
			[{ items: [item(APOLOGY, c.responsible), item(APOLOGY, c.lead)] }, {}, 400, 'bad_request'],
			[{ signers: [] }, {}, 409, 'agreement_signers_changed'],
			[{ signers: [{ ...resp, fp: b64(32, 77) }] }, {}, 409, 'agreement_signers_changed'],
			[{ signers: [{ ...resp, role: 'survivor' }] }, {}, 409, 'agreement_signers_changed'],
			[
				{ signers: [resp, await signer(c, c.survivor, 'survivor')] },
				{},
				409,
				'agreement_signers_changed'
			],
			[{ signers: [resp, resp] }, {}, 409, 'agreement_signers_changed'],
			[{ version: 2, prevDigest: digest(1) }, { version: 2 }, 409, 'version_conflict'],
			[{ prevDigest: digest(0) }, {}, 409, 'version_conflict'],
			[{}, { kind: 'case-summary' }, 400, 'bad_request'],
			[{}, { objectId: generateId() }, 400, 'bad_request'],
			[{}, { version: 2 }, 400, 'bad_request'],
			[{}, { subject: c.survivor.id }, 400, 'bad_request'],
			[{}, { deleted: true }, 400, 'bad_request'],
			// The words sealed for a supporter their party did not let read it, or a stranger.
			[
				{},
				{
					wraps: [c.lead, c.survivor, c.responsible, c.supporter].map((r) => ({
						reader: r.id,
						wrapper: c.lead.id,
						box: b64(100)
					}))
				},
				403,
				'reader_not_allowed'
			],
			[
				{},
				{
					wraps: [c.lead, c.community].map((r) => ({
						reader: r.id,
						wrapper: c.lead.id,
						box: b64(100)
					}))
				},
				403,
				'reader_not_allowed'
			],
			// The lead must keep a wrap of their own.
			[
				{},
				{ wraps: [{ reader: c.survivor.id, wrapper: c.lead.id, box: b64(100) }] },
				400,
				'bad_request'
			]
		];
		for (const [fields, text, status, code] of bad) {
			await refused(() => draftWith(fields, text), status, code);
		}
		expect((await agreementFor(c.lead.id, c.caseId, T)).id).toBeNull();
		expect(await stageOf(c)).toBe('referral');
		// After all that, a good draft still goes through as version 1.
		await draftWith({});
		expect((await agreementFor(c.lead.id, c.caseId, T)).versions).toHaveLength(1);
	});

	test('only facilitators of the case draft, and only in an open case', async () => {
		const c = await newCase();
		const outsider = await person('facilitator');
		const input = await versionInput(c, 1);
		for (const u of [c.survivor, c.responsible, c.supporter, c.community]) {
			await refused(() => draftVersion(u.id, c.caseId, input, T), 403, 'forbidden');
		}
		await refused(() => draftVersion(outsider.id, c.caseId, input, T), 404, 'case_not_found');
		await refused(() => draftVersion(c.lead.id, generateId(), input, T), 404, 'case_not_found');
		await closeCase(c.lead.id, c.caseId, 'ended', T);
		await refused(() => draftVersion(c.lead.id, c.caseId, input, T + 1), 409, 'case_closed');
	});

	test('a case with no responsible party has nobody to sign', async () => {
		const c = await newCase({ roles: ['survivor'] });
		await refused(
			async () =>
				draftVersion(
					c.lead.id,
					c.caseId,
					await versionInput(c, 1, { items: [item(APOLOGY, c.lead)], signers: [] }),
					T
				),
			409,
			'agreement_no_signers'
		);
	});

	test('a responsible party who left cannot own an item nor is asked to sign', async () => {
		const c = await newCase();
		await getDb()
			.update(caseMembers)
			.set({ status: 'withdrawn' })
			.where(and(eq(caseMembers.caseId, c.caseId), eq(caseMembers.userId, c.responsible.id)));
		await refused(
			async () => draftVersion(c.lead.id, c.caseId, await versionInput(c, 1), T),
			400,
			'item_owner_not_allowed'
		);
		// A community member cannot own an item (they could never report on it in a check-in).
		await refused(
			async () =>
				draftVersion(
					c.lead.id,
					c.caseId,
					await versionInput(c, 1, { items: [item(TALK, c.community)] }),
					T
				),
			400,
			'item_owner_not_allowed'
		);
		// A facilitator may own an item; with nobody to sign it still fails.
		await refused(
			async () =>
				draftVersion(
					c.lead.id,
					c.caseId,
					await versionInput(c, 1, { items: [item(APOLOGY, c.lead)] }),
					T
				),
			409,
			'agreement_no_signers'
		);
	});

	test('the next version: chained to the last, one agreement per case', async () => {
		const c = await newCase();
		await draftVersion(c.lead.id, c.caseId, await versionInput(c, 1), T);
		const v2 = (fields: Partial<NewVersionInput> = {}, text: Partial<CaseEnvelopeInput> = {}) =>
			versionInput(c, 2, fields, text);
		await refused(
			async () => draftVersion(c.lead.id, c.caseId, await versionInput(c, 1), T),
			409,
			'version_conflict'
		);
		await refused(
			async () => draftVersion(c.lead.id, c.caseId, await versionInput(c, 3), T),
			409,
			'version_conflict'
		);
		await refused(
			async () => draftVersion(c.lead.id, c.caseId, await v2({ prevDigest: b64(32, 99) }), T),
			409,
			'version_conflict'
		);
		await refused(
			async () => draftVersion(c.lead.id, c.caseId, await v2({ prevDigest: null }), T),
			409,
			'version_conflict'
		);
		await refused(
			async () =>
				draftVersion(
					c.lead.id,
					c.caseId,
					await versionInput(c, 1, { agreementId: generateId() }),
					T
				),
			409,
			'agreement_exists'
		);
		await refused(
			async () => draftVersion(c.lead.id, c.caseId, await v2({}, { version: 1 }), T),
			400,
			'bad_request'
		);
		await draftVersion(c.lead.id, c.caseId, await v2(), T + 1);
		const view = await agreementFor(c.lead.id, c.caseId, T + 1);
		expect(view.versions.map((v) => [v.version, v.prevDigest])).toEqual([
			[1, null],
			[2, digest(1)]
		]);
		// Both parties were asked to review each version.
		expect(await kindsFor(c.responsible)).toEqual(['review', 'review']);
	});

	test('an agreement id another case already uses is refused, not a server error', async () => {
		const a = await newCase();
		const b = await newCase();
		await draftVersion(a.lead.id, a.caseId, await versionInput(a, 1), T);
		await refused(
			async () =>
				draftVersion(
					b.lead.id,
					b.caseId,
					await versionInput(b, 1, { agreementId: a.agreementId }),
					T
				),
			409,
			'version_conflict'
		);
		expect((await agreementFor(a.lead.id, a.caseId, T)).versions).toHaveLength(1);
		expect((await agreementFor(b.lead.id, b.caseId, T)).id).toBeNull();
	});

	test('an amendment may keep a past day for the same item, but not move it or give it to another', async () => {
		const c = await newCase();
		const first = day('2030-01-05');
		const items = [
			item(APOLOGY, c.responsible, { kind: 'apology', due: first }),
			item(COUNSEL, c.responsible, { due: day('2030-01-20') })
		];
		await bringIntoForce(c, 1, items);
		const later = T + 30 * DAY_MS;
		const draft2 = async (its: AgreementItemInput[]) =>
			draftVersion(c.lead.id, c.caseId, await versionInput(c, 2, { items: its }), later);
		await refused(
			() => draft2([...items, item(EXTRA, c.responsible, { due: first })]),
			400,
			'item_due_in_past'
		);
		await refused(
			() => draft2([item(APOLOGY, c.responsible, { due: first + DAY_MS }), items[1]!]),
			400,
			'item_due_in_past'
		);
		await draft2([...items, item(EXTRA, c.responsible, { due: day('2030-03-01') })]);
		const view = await agreementFor(c.lead.id, c.caseId, later);
		expect(view.versions[1]!.items.map((i) => [i.itemId, i.due])).toEqual([
			[APOLOGY, first],
			[COUNSEL, day('2030-01-20')],
			[EXTRA, day('2030-03-01')]
		]);
	});
});

describe('deciding on a version', () => {
	test('survivors first: yes follows yes to each item, a no never waits, answers then stand', async () => {
		const c = await newCase();
		await draftVersion(c.lead.id, c.caseId, await versionInput(c, 1), T);
		// A survivor's approval follows her yes to every item.
		await refused(
			() => consent(c.survivor.id, c.caseId, note(1), T + 1),
			409,
			'agreement_items_first'
		);
		await approveItems(
			c.survivor.id,
			c.caseId,
			1,
			[{ itemId: APOLOGY, decision: 'change' }],
			T + 1
		);
		await approveAll(c, 1, [COUNSEL, BOUNDARY], T + 1);
		await refused(
			() => consent(c.survivor.id, c.caseId, note(1), T + 2),
			409,
			'agreement_items_first'
		);
		await approveAll(c, 1, undefined, T + 2);
		await expect(consent(c.survivor.id, c.caseId, note(1), T + 3)).resolves.toEqual({
			inForce: false
		});
		// Once she has approved, her answers on this version stand.
		await refused(
			() =>
				approveItems(c.survivor.id, c.caseId, 1, [{ itemId: APOLOGY, decision: 'change' }], T + 4),
			409,
			'agreement_already_decided'
		);
		// Her private approval is for the facilitators: the responsible party is not shown it.
		const seenByParty = await agreementFor(c.responsible.id, c.caseId, T + 4);
		expect(seenByParty.versions[0]!.consents).toEqual([]);
		const seenByLead = await agreementFor(c.lead.id, c.caseId, T + 4);
		expect(seenByLead.versions[0]!.consents.map((x) => x.method)).toEqual(['note']);
	});

	test('the responsible party may say no before the survivor has answered', async () => {
		const c = await newCase();
		await draftVersion(c.lead.id, c.caseId, await versionInput(c, 1), T);
		await expect(consent(c.responsible.id, c.caseId, sign(1, 'decline'), T + 1)).resolves.toEqual({
			inForce: false
		});
		await approveAll(c, 1, undefined, T + 2);
		await expect(consent(c.survivor.id, c.caseId, note(1), T + 3)).resolves.toEqual({
			inForce: false
		});
	});

	test('only the newest version, once each, by those asked', async () => {
		const c = await newCase();
		await draftVersion(c.lead.id, c.caseId, await versionInput(c, 1), T);
		await approveAll(c, 1);
		await draftVersion(c.lead.id, c.caseId, await versionInput(c, 2), T + 1);
		await refused(
			() => consent(c.responsible.id, c.caseId, sign(1), T + 2),
			409,
			'agreement_old_version'
		);
		await refused(() => approveAll(c, 1, undefined, T + 2), 409, 'agreement_old_version');
		// Approvals of version 1 do not carry over to version 2.
		await refused(
			() => consent(c.responsible.id, c.caseId, sign(2), T + 2),
			409,
			'agreement_awaiting_survivor'
		);
		await approveAll(c, 2, undefined, T + 2);
		expect(await consent(c.responsible.id, c.caseId, sign(2), T + 3)).toEqual({ inForce: false });
		await refused(
			() => consent(c.responsible.id, c.caseId, sign(2), T + 4),
			409,
			'agreement_already_decided'
		);
		await refused(
			() => consent(c.responsible.id, c.caseId, sign(2, 'decline'), T + 4),
			409,
			'agreement_already_decided'
		);
		// People who are not parties are not asked at all.
		for (const u of [c.supporter, c.community, c.lead]) {
			await refused(() => consent(u.id, c.caseId, sign(2), T + 4), 403, 'forbidden');
		}
		await expect(consent(c.survivor.id, c.caseId, note(2), T + 5)).resolves.toEqual({
			inForce: true
		});
		await refused(
			() => consent(c.survivor.id, c.caseId, note(2), T + 6),
			409,
			'agreement_already_decided'
		);
		const view = await agreementFor(c.lead.id, c.caseId, T + 6);
		expect(view.inForce).toBe(2);
		expect(view.versions[0]!.inForceAt).toBeNull();
	});

	test('item answers: only survivors, only items of the version, at least one', async () => {
		const c = await newCase();
		await refused(() => approveAll(c, 1), 404, 'agreement_not_found');
		await draftVersion(c.lead.id, c.caseId, await versionInput(c, 1), T);
		await refused(() => approveItems(c.survivor.id, c.caseId, 1, [], T), 400, 'bad_request');
		await refused(() => approveAll(c, 1, [APOLOGY, EXTRA]), 400, 'bad_request');
		for (const u of [c.responsible, c.supporter, c.lead]) {
			await refused(
				() => approveItems(u.id, c.caseId, 1, [{ itemId: APOLOGY, decision: 'approve' }], T),
				403,
				'forbidden'
			);
		}
	});

	test('a decline keeps the version out of force for good; the next version can still come in', async () => {
		const c = await newCase();
		await setAgreementChoices(c.survivor.id, c.caseId, { approveBy: 'sign' }, T);
		await draftVersion(c.lead.id, c.caseId, await versionInput(c, 1), T);
		await approveAll(c, 1);
		await consent(c.responsible.id, c.caseId, sign(1), T + 1);
		expect(await consent(c.survivor.id, c.caseId, sign(1, 'decline'), T + 2)).toEqual({
			inForce: false
		});
		const view = await agreementFor(c.lead.id, c.caseId, T + 3);
		expect(view.inForce).toBeNull();
		const decisions = view.versions[0]!.consents.map((x) => [x.userId, x.decision]);
		expect(decisions.sort()).toEqual(
			[
				[c.responsible.id, 'approve'],
				[c.survivor.id, 'decline']
			].sort()
		);
		expect(await stageOf(c)).toBe('agreement');
		await refused(
			() => postCheckIn(c.responsible.id, c.caseId, checkIn(APOLOGY, c.responsible, [c.lead])),
			409,
			'agreement_not_in_force'
		);
		await draftVersion(c.lead.id, c.caseId, await versionInput(c, 2), T + 4);
		await approveAll(c, 2, undefined, T + 4);
		await consent(c.survivor.id, c.caseId, sign(2), T + 5);
		expect(await consent(c.responsible.id, c.caseId, sign(2), T + 6)).toEqual({ inForce: true });
		expect((await agreementFor(c.lead.id, c.caseId, T + 7)).inForce).toBe(2);
	});

	test('a declined signature from the responsible party keeps it out of force too', async () => {
		const c = await newCase();
		await draftVersion(c.lead.id, c.caseId, await versionInput(c, 1), T);
		await approveAll(c, 1);
		await consent(c.responsible.id, c.caseId, sign(1, 'decline'), T + 1);
		expect(await consent(c.survivor.id, c.caseId, note(1), T + 2)).toEqual({ inForce: false });
		expect((await agreementFor(c.lead.id, c.caseId, T + 3)).inForce).toBeNull();
	});

	test('an amendment: version 1 stays in force until version 2 is fully approved', async () => {
		const c = await newCase();
		await bringIntoForce(c);
		const amended = [...itemsOf(c), item(EXTRA, c.responsible, { due: day('2030-03-01') })];
		await draftVersion(
			c.lead.id,
			c.caseId,
			await versionInput(c, 2, { items: amended }),
			T + 10 * H
		);
		for (const u of [c.lead, c.survivor, c.responsible]) {
			expect((await agreementFor(u.id, c.caseId, T + 11 * H)).inForce).toBe(1);
		}
		// Follow-up goes on against version 1: its items, not the new one.
		await postCheckIn(
			c.responsible.id,
			c.caseId,
			checkIn(APOLOGY, c.responsible, [c.lead]),
			T + 11 * H
		);
		await refused(
			() => postCheckIn(c.responsible.id, c.caseId, checkIn(EXTRA, c.responsible, [c.lead])),
			404,
			'agreement_item_not_found'
		);
		await refused(
			() => setItemStatus(c.lead.id, c.caseId, EXTRA, 'done', T + 11 * H),
			404,
			'agreement_item_not_found'
		);
		await approveAll(c, 2, [...itemsOf(c).map((i) => i.itemId), EXTRA], T + 12 * H);
		await consent(c.responsible.id, c.caseId, sign(2), T + 12 * H);
		expect((await agreementFor(c.lead.id, c.caseId, T + 12 * H)).inForce).toBe(1);
		await consent(c.survivor.id, c.caseId, note(2), T + 13 * H);
		const view = await agreementFor(c.lead.id, c.caseId, T + 14 * H);
		expect(view.inForce).toBe(2);
		expect(view.versions.map((v) => v.inForceAt)).toEqual([T, T + 13 * H]);
		expect(view.followUp.map((f) => f.itemId)).toContain(EXTRA);
		await postCheckIn(
			c.responsible.id,
			c.caseId,
			checkIn(EXTRA, c.responsible, [c.lead]),
			T + 14 * H
		);
		// The check-in on version 1's item still counts for the same item in version 2.
		const apology = view.followUp.find((f) => f.itemId === APOLOGY)!;
		expect(apology.progress).toEqual({ dueSoFar: 0, overdueSince: null, next: day('2030-01-15') });
		const late = await agreementFor(c.lead.id, c.caseId, day('2030-01-17'));
		expect(late.followUp.find((f) => f.itemId === APOLOGY)!.progress!.overdueSince).toBeNull();
	});
});

describe('check-ins', () => {
	test('the owner posts one; facilitators hear of it and can read it', async () => {
		const c = await newCase();
		const second = await addMember(c.lead, c.caseId, 'facilitator', null, 'Sage');
		await refused(
			() => postCheckIn(c.responsible.id, c.caseId, checkIn(APOLOGY, c.responsible, [c.lead])),
			404,
			'agreement_not_found'
		);
		await draftVersion(c.lead.id, c.caseId, await versionInput(c, 1), T);
		await refused(
			() => postCheckIn(c.responsible.id, c.caseId, checkIn(APOLOGY, c.responsible, [c.lead])),
			409,
			'agreement_not_in_force'
		);
		await approveAll(c, 1);
		await consent(c.responsible.id, c.caseId, sign(1), T);
		await consent(c.survivor.id, c.caseId, note(1), T);
		await markAgreementNewsSeen(c.lead.id, c.caseId, T);
		await markAgreementNewsSeen(second.id, c.caseId, T);

		const mine = checkIn(COUNSEL, c.responsible, [c.lead, second]);
		await postCheckIn(c.responsible.id, c.caseId, mine, T + DAY_MS);
		const [row] = await getDb()
			.select()
			.from(checkIns)
			.where(eq(checkIns.id, mine.envelope.objectId));
		expect(row).toMatchObject({
			caseId: c.caseId,
			agreementId: c.agreementId,
			itemId: COUNSEL,
			authorId: c.responsible.id,
			createdAt: T + DAY_MS
		});
		expect(await newsRows(c.caseId, c.lead)).toContainEqual({
			kind: 'check_in',
			level: 'review',
			itemId: COUNSEL
		});
		expect(await kindsFor(c.lead)).toEqual(['check_in']);
		expect(await kindsFor(second)).toEqual(['check_in']);

		const forOwner = await agreementFor(c.responsible.id, c.caseId, T + DAY_MS);
		expect(forOwner.checkIns).toEqual([
			{
				id: mine.envelope.objectId,
				itemId: COUNSEL,
				authorId: c.responsible.id,
				createdAt: T + DAY_MS,
				passedOn: []
			}
		]);
		expect((await agreementFor(c.lead.id, c.caseId, T)).checkIns).toHaveLength(1);
		// A survivor without a wrap does not even see that it exists.
		expect((await agreementFor(c.survivor.id, c.caseId, T)).checkIns).toEqual([]);

		// A facilitator may post on anyone's item; the other facilitator hears, not the author.
		await postCheckIn(c.lead.id, c.caseId, checkIn(APOLOGY, c.lead, [second]), T + DAY_MS + 1);
		expect(await kindsFor(c.lead)).toEqual(['check_in']);
		expect(await kindsFor(second)).toEqual(['check_in', 'check_in']);
		// Check-ins count towards the weekly item's progress.
		const after = await agreementFor(c.lead.id, c.caseId, day('2030-01-15') + 12 * H);
		expect(after.followUp.find((f) => f.itemId === COUNSEL)!.progress).toEqual({
			dueSoFar: 2,
			overdueSince: day('2030-01-14'),
			next: day('2030-01-21')
		});
	});

	test('a check-in on an item someone else owns is refused, and nothing is written', async () => {
		const c = await newCase();
		const items = [...itemsOf(c), item(TALK, c.lead, { kind: 'custom' })];
		await bringIntoForce(c, 1, items);
		await refused(
			() => postCheckIn(c.responsible.id, c.caseId, checkIn(TALK, c.responsible, [c.lead]), T),
			403,
			'agreement_not_your_item'
		);
		// The facilitator who owns it may report on it.
		await postCheckIn(c.lead.id, c.caseId, checkIn(TALK, c.lead, []), T);
	});

	test('someone else’s item, an unknown item, and readers a check-in may not have are refused', async () => {
		const c = await newCase();
		await bringIntoForce(c);
		await setAgreementChoices(c.survivor.id, c.caseId, { followUp: 'all' }, T);
		const post = (u: User, input: CheckInInput) => () => postCheckIn(u.id, c.caseId, input, T);
		// Only responsible parties and facilitators write check-ins at all.
		for (const u of [c.survivor, c.supporter, c.community]) {
			await refused(post(u, checkIn(APOLOGY, u, [c.lead])), 403, 'forbidden');
		}
		await refused(
			post(c.responsible, checkIn(EXTRA, c.responsible, [c.lead])),
			404,
			'agreement_item_not_found'
		);
		// The responsible party can never reach the survivor through a check-in, even one who
		// chose every update.
		await refused(
			post(c.responsible, checkIn(APOLOGY, c.responsible, [c.lead, c.survivor])),
			403,
			'reader_not_allowed'
		);
		for (const other of [c.supporter, c.community]) {
			await refused(
				post(c.responsible, checkIn(APOLOGY, c.responsible, [c.lead, other])),
				403,
				'reader_not_allowed'
			);
		}
		await refused(
			post(c.responsible, checkIn(APOLOGY, c.responsible, [c.lead], { version: 2 })),
			400,
			'bad_request'
		);
		await refused(
			post(c.responsible, checkIn(APOLOGY, c.responsible, [c.lead], { subject: c.lead.id })),
			400,
			'bad_request'
		);
		await refused(
			post(c.responsible, {
				itemId: APOLOGY,
				envelope: sealed(fakeEnvelope('agreement', generateId(), c.responsible, [c.lead]))
			}),
			400,
			'bad_request'
		);
		// The same check-in twice is a conflict, not a second row.
		const once = checkIn(APOLOGY, c.responsible, [c.lead]);
		await postCheckIn(c.responsible.id, c.caseId, once, T);
		await refused(post(c.responsible, once), 409, 'version_conflict');
	});

	test('the author cannot hand their check-in to the survivor later either', async () => {
		const c = await newCase();
		await bringIntoForce(c);
		await setAgreementChoices(c.survivor.id, c.caseId, { followUp: 'all' }, T);
		const input = checkIn(APOLOGY, c.responsible, [c.lead]);
		await postCheckIn(c.responsible.id, c.caseId, input, T);
		const wrap = (u: User) => ({ reader: u.id, wrapper: c.responsible.id, box: b64(100) });
		for (const u of [c.survivor, c.supporter]) {
			await refused(
				() =>
					addCaseWraps(c.responsible.id, c.caseId, input.envelope.objectId, {
						version: 1,
						wraps: [wrap(u)]
					}),
				403,
				'reader_not_allowed'
			);
		}
	});

	test('check-ins and agreements are made only through this module', async () => {
		const c = await newCase();
		await refused(
			() =>
				putCaseEnvelope(
					c.lead.id,
					c.caseId,
					fakeEnvelope('agreement', c.agreementId, c.lead, [c.survivor, c.responsible]),
					T
				),
			403,
			'forbidden'
		);
		for (const author of [c.responsible, c.lead]) {
			await refused(
				() =>
					putCaseEnvelope(
						author.id,
						c.caseId,
						fakeEnvelope('check-in', generateId(), author, [c.lead]),
						T
					),
				403,
				'forbidden'
			);
		}
	});

	test('a facilitator passes a check-in on to a survivor who chose every update, and only to them', async () => {
		const c = await newCase();
		await bringIntoForce(c);
		await markAgreementNewsSeen(c.survivor.id, c.caseId, T);
		const input = checkIn(COUNSEL, c.responsible, [c.lead]);
		const id = input.envelope.objectId;
		await postCheckIn(c.responsible.id, c.caseId, input, T + H);
		const to = (u: User, by = c.lead) => ({
			version: 1,
			wraps: [{ reader: u.id, wrapper: by.id, box: b64(100) }]
		});

		// Still unset, then milestones: refused.
		await refused(
			() => passOnCheckIn(c.lead.id, c.caseId, id, to(c.survivor), T + H),
			403,
			'reader_not_allowed'
		);
		await setAgreementChoices(c.survivor.id, c.caseId, { followUp: 'milestones' }, T + H);
		await refused(
			() => passOnCheckIn(c.lead.id, c.caseId, id, to(c.survivor), T + H),
			403,
			'reader_not_allowed'
		);
		// Never to anyone who is not a survivor, never by anyone but a facilitator.
		for (const u of [c.responsible, c.supporter, c.community, c.lead]) {
			await refused(() => passOnCheckIn(c.lead.id, c.caseId, id, to(u), T + H), 400, 'bad_request');
		}
		await refused(
			() => passOnCheckIn(c.responsible.id, c.caseId, id, to(c.survivor, c.responsible), T + H),
			403,
			'forbidden'
		);
		await refused(
			() => passOnCheckIn(c.lead.id, c.caseId, generateId(), to(c.survivor), T + H),
			404,
			'not_found'
		);
		// A check-in of another case is not found here either.
		const other = await newCase();
		await bringIntoForce(other);
		const elsewhere = checkIn(APOLOGY, other.responsible, [other.lead]);
		await postCheckIn(other.responsible.id, other.caseId, elsewhere, T);
		await refused(
			() => passOnCheckIn(c.lead.id, c.caseId, elsewhere.envelope.objectId, to(c.survivor), T + H),
			404,
			'not_found'
		);

		await setAgreementChoices(c.survivor.id, c.caseId, { followUp: 'all' }, T + H);
		await passOnCheckIn(c.lead.id, c.caseId, id, to(c.survivor), T + 2 * H);
		expect(await wrapsFor(c.caseId, c.survivor)).toContainEqual(
			expect.objectContaining({ objectId: id, version: 1, wrapperId: c.lead.id })
		);
		expect(await agreementNewsFor(c.survivor.id)).toEqual([
			{ caseId: c.caseId, kind: 'check_in', itemId: COUNSEL, createdAt: T + 2 * H }
		]);
		const forSurvivor = await agreementFor(c.survivor.id, c.caseId, T + 2 * H);
		expect(forSurvivor.checkIns.map((x) => [x.id, x.passedOn])).toEqual([[id, []]]);
		const forLead = await agreementFor(c.lead.id, c.caseId, T + 2 * H);
		expect(forLead.checkIns.map((x) => x.passedOn)).toEqual([[c.survivor.id]]);
		// The responsible party is not told it was passed on.
		const forOwner = await agreementFor(c.responsible.id, c.caseId, T + 2 * H);
		expect(forOwner.checkIns.map((x) => x.passedOn)).toEqual([[]]);
	});
});

describe('what a survivor hears of the follow-up, as they chose', () => {
	/** In force with: apology done, counselling verified, boundary missed, a talk (lead's) open. */
	async function followedCase() {
		const c = await newCase();
		const items = [
			...itemsOf(c),
			item(TALK, c.lead, { kind: 'education', due: day('2030-01-03') })
		];
		await bringIntoForce(c, 1, items);
		for (const u of [c.lead, c.survivor, c.responsible]) {
			await markAgreementNewsSeen(u.id, c.caseId, T);
		}
		await setItemStatus(c.lead.id, c.caseId, APOLOGY, 'done', T + 1);
		await setItemStatus(c.lead.id, c.caseId, COUNSEL, 'verified', T + 2);
		await setItemStatus(c.lead.id, c.caseId, BOUNDARY, 'missed', T + 3);
		return c;
	}
	const statuses = (v: Awaited<ReturnType<typeof agreementFor>>) =>
		Object.fromEntries(v.followUp.map((f) => [f.itemId, f.status]));
	const now = day('2030-01-10');

	test('every update, milestones, completion, nothing, or not chosen yet', async () => {
		const c = await followedCase();
		const seen = async (choice: FollowUp) => {
			await setAgreementChoices(c.survivor.id, c.caseId, { followUp: choice }, T + 4);
			return agreementFor(c.survivor.id, c.caseId, now);
		};

		// Not chosen yet: no statuses, but a missed boundary is offered.
		const unset = await agreementFor(c.survivor.id, c.caseId, now);
		expect(unset.me.followUp).toBeNull();
		expect(unset.followUp).toEqual([]);
		expect(unset.safety).toEqual([{ itemId: BOUNDARY, at: T + 3 }]);
		expect(await kindsFor(c.survivor)).toEqual(['safety']);

		const all = await seen('all');
		expect(statuses(all)).toEqual({
			[APOLOGY]: 'done',
			[COUNSEL]: 'verified',
			[BOUNDARY]: 'missed',
			[TALK]: 'open'
		});
		expect(all.followUp.every((f) => f.progress !== null)).toBe(true);
		expect(all.followUp.find((f) => f.itemId === TALK)!.progress).toEqual({
			dueSoFar: 1,
			overdueSince: day('2030-01-03'),
			next: null
		});
		expect(all.safety).toEqual([]);
		expect(await kindsFor(c.survivor)).toEqual(['done', 'verified', 'missed', 'safety']);

		const milestones = await seen('milestones');
		expect(statuses(milestones)).toEqual({ [COUNSEL]: 'verified', [BOUNDARY]: 'missed' });
		expect(milestones.followUp.every((f) => f.progress === null)).toBe(true);
		expect(milestones.followUp.find((f) => f.itemId === COUNSEL)!.statusAt).toBe(T + 2);
		expect(milestones.safety).toEqual([]);
		expect(await kindsFor(c.survivor)).toEqual(['verified', 'missed', 'safety']);

		const completion = await seen('completion');
		expect(completion.followUp).toEqual([]);
		expect(completion.safety).toEqual([{ itemId: BOUNDARY, at: T + 3 }]);
		expect(await kindsFor(c.survivor)).toEqual(['safety']);

		const none = await seen('none');
		expect(none.followUp).toEqual([]);
		expect(none.safety).toEqual([]);
		expect(none.checkIns).toEqual([]);
		expect(await kindsFor(c.survivor)).toEqual([]);
		// The agreement itself is still theirs to read.
		expect(none.inForce).toBe(1);
		expect(none.versions).toHaveLength(1);

		// Raising the choice again shows what was queued (it was hidden, not dropped).
		await seen('all');
		expect(await kindsFor(c.survivor)).toEqual(['done', 'verified', 'missed', 'safety']);
	});

	test('the responsible party sees every status, progress of their own items only, no per-item answers', async () => {
		const c = await followedCase();
		const view = await agreementFor(c.responsible.id, c.caseId, now);
		expect(statuses(view)).toEqual({
			[APOLOGY]: 'done',
			[COUNSEL]: 'verified',
			[BOUNDARY]: 'missed',
			[TALK]: 'open'
		});
		for (const f of view.followUp) {
			expect(f.progress === null).toBe(f.itemId === TALK);
		}
		expect(view.safety).toEqual([]);
		expect(view.versions[0]!.approvals).toEqual([]);
		expect(view.versions[0]!.survivorsApproved).toBe(true);
		expect(view.drafting).toBeNull();
		expect(await kindsFor(c.responsible)).toEqual(['done', 'verified', 'missed']);

		// The survivor sees their own answers; facilitators see everyone's.
		const survivor = await agreementFor(c.survivor.id, c.caseId, now);
		expect(survivor.versions[0]!.approvals).toHaveLength(4);
		expect(survivor.versions[0]!.approvals.every((a) => a.userId === c.survivor.id)).toBe(true);
		expect((await agreementFor(c.lead.id, c.caseId, now)).versions[0]!.approvals).toHaveLength(4);
	});

	test('lowering the choice from every update takes back the check-ins passed on', async () => {
		const c = await followedCase();
		await setAgreementChoices(c.survivor.id, c.caseId, { followUp: 'all' }, T);
		const ids: string[] = [];
		for (const itemId of [APOLOGY, COUNSEL]) {
			const input = checkIn(itemId, c.responsible, [c.lead]);
			await postCheckIn(c.responsible.id, c.caseId, input, T + 5);
			await passOnCheckIn(
				c.lead.id,
				c.caseId,
				input.envelope.objectId,
				{ version: 1, wraps: [{ reader: c.survivor.id, wrapper: c.lead.id, box: b64(100) }] },
				T + 6
			);
			ids.push(input.envelope.objectId);
		}
		const agreementWraps = (await wrapsFor(c.caseId, c.survivor)).filter(
			(w) => w.objectId === c.agreementId
		);
		expect(agreementWraps).toHaveLength(1);
		const checkInWraps = async () =>
			(await wrapsFor(c.caseId, c.survivor)).filter((w) => ids.includes(w.objectId));
		expect(await checkInWraps()).toHaveLength(2);
		expect((await agreementFor(c.survivor.id, c.caseId, now)).checkIns).toHaveLength(2);
		expect(await kindsFor(c.survivor)).toContain('check_in');

		await setAgreementChoices(c.survivor.id, c.caseId, { followUp: 'milestones' }, T + 7);
		expect(await checkInWraps()).toEqual([]);
		// Only the check-ins went: the agreement's own words stay theirs.
		expect(
			(await wrapsFor(c.caseId, c.survivor)).filter((w) => w.objectId === c.agreementId)
		).toEqual(agreementWraps);
		expect((await agreementFor(c.survivor.id, c.caseId, now)).checkIns).toEqual([]);
		expect(await kindsFor(c.survivor)).not.toContain('check_in');
		// The facilitators' and author's wraps are untouched.
		expect((await agreementFor(c.lead.id, c.caseId, now)).checkIns).toHaveLength(2);
		expect((await agreementFor(c.responsible.id, c.caseId, now)).checkIns).toHaveLength(2);
		// Choosing every update again does not bring them back by itself.
		await setAgreementChoices(c.survivor.id, c.caseId, { followUp: 'all' }, T + 8);
		expect(await checkInWraps()).toEqual([]);
	});

	test('supporters read the agreement only while their party lets them', async () => {
		const c = await followedCase();
		const toSupporter = {
			version: 1,
			wraps: [{ reader: c.supporter.id, wrapper: c.lead.id, box: b64(100) }]
		};
		const closedView = await agreementFor(c.supporter.id, c.caseId, now);
		expect(closedView).toMatchObject({ id: null, versions: [], inForce: null, followUp: [] });
		expect(closedView.me.mayRead).toBe(false);
		await refused(
			() => addCaseWraps(c.lead.id, c.caseId, c.agreementId, toSupporter),
			403,
			'reader_not_allowed'
		);
		// The other party cannot open it to someone else's supporter.
		await setAgreementChoices(c.responsible.id, c.caseId, { toSupporters: true }, T);
		expect((await agreementFor(c.supporter.id, c.caseId, now)).me.mayRead).toBe(false);

		await setAgreementChoices(c.survivor.id, c.caseId, { toSupporters: true }, T);
		const open = await agreementFor(c.supporter.id, c.caseId, now);
		expect(open.me.mayRead).toBe(true);
		expect(open.id).toBe(c.agreementId);
		expect(open.inForce).toBe(1);
		expect(open.versions).toHaveLength(1);
		// The agreement only: no follow-up, no check-ins, no answers.
		expect(open.followUp).toEqual([]);
		expect(open.checkIns).toEqual([]);
		expect(open.safety).toEqual([]);
		expect(open.versions[0]!.approvals).toEqual([]);
		await addCaseWraps(c.lead.id, c.caseId, c.agreementId, toSupporter);
		expect(await wrapsFor(c.caseId, c.supporter)).toHaveLength(1);
		// A supporter never gets news of it.
		expect(await kindsFor(c.supporter)).toEqual([]);

		await setAgreementChoices(c.survivor.id, c.caseId, { toSupporters: false }, T + 1);
		expect(await wrapsFor(c.caseId, c.supporter)).toEqual([]);
		expect((await agreementFor(c.supporter.id, c.caseId, now)).versions).toEqual([]);
	});

	test('community members do not see the agreement; choices are the parties’ own', async () => {
		const c = await followedCase();
		await expectProblem(agreementFor(c.community.id, c.caseId, now), 403, 'forbidden');
		await expectProblem(agreementFor((await person()).id, c.caseId, now), 404, 'case_not_found');
		await refused(
			() => setAgreementChoices(c.responsible.id, c.caseId, { followUp: 'all' }, T),
			403,
			'forbidden'
		);
		await refused(
			() => setAgreementChoices(c.responsible.id, c.caseId, { approveBy: 'sign' }, T),
			403,
			'forbidden'
		);
		for (const u of [c.supporter, c.community, c.lead]) {
			await refused(
				() => setAgreementChoices(u.id, c.caseId, { toSupporters: true }, T),
				403,
				'forbidden'
			);
		}
		await refused(() => setAgreementChoices(c.survivor.id, c.caseId, {}, T), 400, 'bad_request');
		await setAgreementChoices(c.survivor.id, c.caseId, { approveBy: 'sign', followUp: 'none' }, T);
		expect((await agreementFor(c.survivor.id, c.caseId, now)).me).toMatchObject({
			role: 'survivor',
			approveBy: 'sign',
			followUp: 'none',
			toSupporters: false,
			mayRead: true
		});
	});
});

describe('item statuses', () => {
	test('facilitators only, items of the agreement in force only; the latest status counts', async () => {
		const c = await newCase();
		await refused(
			() => setItemStatus(c.lead.id, c.caseId, APOLOGY, 'done', T),
			404,
			'agreement_not_found'
		);
		await draftVersion(c.lead.id, c.caseId, await versionInput(c, 1), T);
		await refused(
			() => setItemStatus(c.lead.id, c.caseId, APOLOGY, 'done', T),
			409,
			'agreement_not_in_force'
		);
		await approveAll(c, 1);
		await consent(c.responsible.id, c.caseId, sign(1), T);
		await consent(c.survivor.id, c.caseId, note(1), T);
		for (const u of [c.survivor, c.responsible, c.supporter, c.community]) {
			await refused(() => setItemStatus(u.id, c.caseId, APOLOGY, 'done', T), 403, 'forbidden');
		}
		await refused(
			() => setItemStatus(c.lead.id, c.caseId, EXTRA, 'done', T),
			404,
			'agreement_item_not_found'
		);
		await setItemStatus(c.lead.id, c.caseId, APOLOGY, 'done', T + 1);
		await setItemStatus(c.lead.id, c.caseId, APOLOGY, 'open', T + 2);
		const view = await agreementFor(c.lead.id, c.caseId, day('2030-01-20'));
		const apology = view.followUp.find((f) => f.itemId === APOLOGY)!;
		expect(apology).toMatchObject({ status: 'open', statusAt: T + 2 });
		// Open again, so overdue again.
		expect(apology.progress!.overdueSince).toBe(day('2030-01-15'));
	});

	test('news follows the status: the owner, survivors by level, a missed boundary as safety', async () => {
		const c = await newCase();
		await bringIntoForce(c);
		for (const u of [c.survivor, c.responsible]) await markAgreementNewsSeen(u.id, c.caseId, T);
		await setItemStatus(c.lead.id, c.caseId, APOLOGY, 'open', T + 1);
		expect(await newsRows(c.caseId, c.responsible)).toHaveLength(2);
		await setItemStatus(c.lead.id, c.caseId, APOLOGY, 'missed', T + 2);
		await setItemStatus(c.lead.id, c.caseId, BOUNDARY, 'missed', T + 3);
		await setItemStatus(c.lead.id, c.caseId, COUNSEL, 'renegotiated', T + 4);
		const fresh = async (u: User) => (await newsRows(c.caseId, u)).slice(2);
		expect(await fresh(c.responsible)).toEqual([
			{ kind: 'missed', level: 'review', itemId: APOLOGY },
			{ kind: 'missed', level: 'review', itemId: BOUNDARY },
			{ kind: 'renegotiated', level: 'review', itemId: COUNSEL }
		]);
		expect(await fresh(c.survivor)).toEqual([
			{ kind: 'missed', level: 'milestone', itemId: APOLOGY },
			{ kind: 'missed', level: 'milestone', itemId: BOUNDARY },
			{ kind: 'safety', level: 'safety', itemId: BOUNDARY },
			{ kind: 'renegotiated', level: 'update', itemId: COUNSEL }
		]);
		for (const u of [c.supporter, c.community]) expect(await newsRows(c.caseId, u)).toEqual([]);
		// Only the missed boundary is a safety update, even to someone who chose completion only.
		await setAgreementChoices(c.survivor.id, c.caseId, { followUp: 'completion' }, T + 5);
		expect(await agreementNewsFor(c.survivor.id)).toEqual([
			{ caseId: c.caseId, kind: 'safety', itemId: BOUNDARY, createdAt: T + 3 }
		]);
	});
});

describe('closing a case', () => {
	test('outcome, retention clock, stage; then nothing new until it is reopened', async () => {
		const c = await newCase();
		await bringIntoForce(c);
		await setAgreementChoices(c.survivor.id, c.caseId, { followUp: 'all' }, T);
		const earlier = checkIn(APOLOGY, c.responsible, [c.lead]);
		await postCheckIn(c.responsible.id, c.caseId, earlier, T);
		for (const u of [c.lead, c.survivor, c.responsible]) {
			await markAgreementNewsSeen(u.id, c.caseId, T);
		}
		for (const u of [c.survivor, c.responsible, c.supporter, c.community]) {
			await refused(() => closeCase(u.id, c.caseId, 'completed', T + 1), 403, 'forbidden');
		}

		const at = T + DAY_MS;
		expect(await closeCase(c.lead.id, c.caseId, 'completed', at)).toEqual({
			deleteAt: at + RETENTION_DEFAULTS.closedCaseDays * DAY_MS
		});
		expect(RETENTION_DEFAULTS.closedCaseDays).toBe(30);
		const [row] = await getDb().select().from(cases).where(eq(cases.id, c.caseId));
		expect(row).toMatchObject({ outcome: 'completed', closedAt: at });
		expect(await stageOf(c)).toBe('closed');
		for (const u of [c.lead, c.survivor, c.responsible]) {
			expect((await agreementFor(u.id, c.caseId, at)).closed).toEqual({
				outcome: 'completed',
				closedAt: at,
				deleteAt: at + 30 * DAY_MS
			});
		}
		expect(await newsRows(c.caseId, c.responsible)).toContainEqual({
			kind: 'closed',
			level: 'review',
			itemId: null
		});
		expect(await kindsFor(c.responsible)).toEqual(['closed']);
		expect(await kindsFor(c.survivor)).toEqual(['closed']);
		expect(await kindsFor(c.lead)).toEqual([]);

		const later = at + 1;
		await refused(
			async () => draftVersion(c.lead.id, c.caseId, await versionInput(c, 2), later),
			409,
			'case_closed'
		);
		await refused(() => approveAll(c, 1, undefined, later), 409, 'case_closed');
		await refused(() => consent(c.responsible.id, c.caseId, sign(1), later), 409, 'case_closed');
		await refused(
			() =>
				postCheckIn(c.responsible.id, c.caseId, checkIn(APOLOGY, c.responsible, [c.lead]), later),
			409,
			'case_closed'
		);
		await refused(
			() => setItemStatus(c.lead.id, c.caseId, APOLOGY, 'verified', later),
			409,
			'case_closed'
		);
		await refused(
			() =>
				passOnCheckIn(
					c.lead.id,
					c.caseId,
					earlier.envelope.objectId,
					{ version: 1, wraps: [{ reader: c.survivor.id, wrapper: c.lead.id, box: b64(100) }] },
					later
				),
			409,
			'case_closed'
		);
		await refused(() => closeCase(c.lead.id, c.caseId, 'ended', later), 409, 'case_closed');
		await expectProblem(setStage(c.lead.id, c.caseId, 'closed', later), 400, 'close_with_outcome');
		// Choices stay the person's own, even while it is closed.
		await setAgreementChoices(c.survivor.id, c.caseId, { followUp: 'none' }, later);

		// Reopened: the retention clock stops and follow-up goes on.
		await setStage(c.lead.id, c.caseId, 'follow-up', later + 1);
		const [reopened] = await getDb().select().from(cases).where(eq(cases.id, c.caseId));
		expect(reopened).toMatchObject({ outcome: null, closedAt: null });
		expect(await stageOf(c)).toBe('follow-up');
		expect((await agreementFor(c.lead.id, c.caseId, later)).closed).toBeNull();
		await postCheckIn(
			c.responsible.id,
			c.caseId,
			checkIn(APOLOGY, c.responsible, [c.lead]),
			later + 2
		);
		expect((await agreementFor(c.lead.id, c.caseId, later)).checkIns).toHaveLength(2);
		await closeCase(c.lead.id, c.caseId, 'partial', later + 3);
		expect(await stageOf(c)).toBe('closed');
	});

	test('withdrawn: its own stage, no agreement news without an agreement', async () => {
		const c = await newCase();
		const at = T + 5 * DAY_MS;
		expect(await closeCase(c.lead.id, c.caseId, 'withdrawn', at)).toEqual({
			deleteAt: at + 30 * DAY_MS
		});
		expect(await stageOf(c)).toBe('withdrawn');
		const [row] = await getDb().select().from(cases).where(eq(cases.id, c.caseId));
		expect(row).toMatchObject({ outcome: 'withdrawn', closedAt: at });
		for (const u of [c.survivor, c.responsible]) expect(await newsRows(c.caseId, u)).toEqual([]);
		await refused(
			async () => draftVersion(c.lead.id, c.caseId, await versionInput(c, 1), at),
			409,
			'case_closed'
		);
		expect((await agreementFor(c.survivor.id, c.caseId, at)).closed).toMatchObject({
			outcome: 'withdrawn'
		});
	});
});

describe('the follow-up dashboard', () => {
	test('a facilitator’s open cases with an agreement in force: counts, overdue items, the next day', async () => {
		const me = await person('facilitator');
		const overdue = await newCase({ lead: me });
		const settled = await newCase({ lead: me });
		const drafted = await newCase({ lead: me });
		const closed = await newCase({ lead: me });
		const notMine = await newCase();
		const colleague = await addMember(overdue.lead, overdue.caseId, 'facilitator', null, 'Sage');

		await bringIntoForce(overdue);
		await postCheckIn(
			overdue.responsible.id,
			overdue.caseId,
			checkIn(COUNSEL, overdue.responsible, [me]),
			T
		);
		await bringIntoForce(settled);
		await setItemStatus(me.id, settled.caseId, APOLOGY, 'done', T);
		await setItemStatus(me.id, settled.caseId, COUNSEL, 'missed', T);
		await setItemStatus(me.id, settled.caseId, BOUNDARY, 'verified', T);
		await draftVersion(me.id, drafted.caseId, await versionInput(drafted, 1), T);
		await bringIntoForce(closed);
		await closeCase(me.id, closed.caseId, 'completed', T);
		await bringIntoForce(notMine);

		// Early on nothing is overdue; the next day is the first counselling session.
		const early = await followUpDashboard(me.id, T);
		expect(early.map((r) => r.caseId).sort()).toEqual([overdue.caseId, settled.caseId].sort());
		expect(early.find((r) => r.caseId === overdue.caseId)).toEqual({
			caseId: overdue.caseId,
			ref: overdue.ref,
			items: 3,
			settled: 0,
			missed: 0,
			overdue: [],
			next: day('2030-01-07')
		});

		const now = day('2030-06-01');
		const board = await followUpDashboard(me.id, now);
		expect(board.map((r) => r.caseId)).toEqual([overdue.caseId, settled.caseId]);
		const [first, second] = board;
		expect(first).toMatchObject({ ref: overdue.ref, items: 3, settled: 0, missed: 0, next: null });
		// One check-in covers the first of four weekly sessions; the apology was never checked in.
		expect(first!.overdue).toEqual(
			expect.arrayContaining([
				{
					itemId: APOLOGY,
					kind: 'apology',
					ownerId: overdue.responsible.id,
					ownerName: 'Ash',
					since: day('2030-01-15')
				},
				{
					itemId: COUNSEL,
					kind: 'counselling',
					ownerId: overdue.responsible.id,
					ownerName: 'Ash',
					since: day('2030-01-14')
				}
			])
		);
		expect(first!.overdue).toHaveLength(2);
		expect(second).toEqual({
			caseId: settled.caseId,
			ref: settled.ref,
			items: 3,
			settled: 2,
			missed: 1,
			overdue: [],
			next: null
		});

		// Another facilitator of the case sees it too; the other lead sees only their own.
		expect((await followUpDashboard(colleague.id, now)).map((r) => r.caseId)).toEqual([
			overdue.caseId
		]);
		expect((await followUpDashboard(notMine.lead.id, now)).map((r) => r.caseId)).toEqual([
			notMine.caseId
		]);
		// Parties have no dashboard.
		expect(await followUpDashboard(overdue.responsible.id, now)).toEqual([]);
		expect(await followUpDashboard(closed.lead.id, now)).not.toContainEqual(
			expect.objectContaining({ caseId: closed.caseId })
		);
	});
	test('only the version in force counts: not the versions before it, nor a draft after it', async () => {
		const me = await person('facilitator');
		const c = await newCase({ lead: me });
		await bringIntoForce(c);
		// A status of an item version 2 drops stays with version 1.
		await setItemStatus(me.id, c.caseId, BOUNDARY, 'missed', T);
		const second = [
			item(TALK, me, { due: day('2030-01-20') }),
			item(APOLOGY, c.responsible, { kind: 'apology', due: day('2030-02-01') })
		];
		await bringIntoForce(c, 2, second, T + H);
		await draftVersion(
			me.id,
			c.caseId,
			await versionInput(c, 3, {
				items: [...second, item(EXTRA, c.responsible, { due: day('2030-01-10') })]
			}),
			T + 2 * H
		);

		expect(await followUpDashboard(me.id, day('2030-06-01'))).toEqual([
			{
				caseId: c.caseId,
				ref: c.ref,
				items: 2,
				settled: 0,
				missed: 0,
				// By item id, whoever owns them.
				overdue: [
					{
						itemId: APOLOGY,
						kind: 'apology',
						ownerId: c.responsible.id,
						ownerName: 'Ash',
						since: day('2030-02-01')
					},
					{
						itemId: TALK,
						kind: 'custom',
						ownerId: me.id,
						ownerName: me.displayName,
						since: day('2030-01-20')
					}
				],
				next: null
			}
		]);
	});
});

describe('deleting a case', () => {
	test('takes every agreement row with it', async () => {
		const c = await newCase();
		await setAgreementChoices(c.survivor.id, c.caseId, { followUp: 'all' }, T);
		await bringIntoForce(c);
		await draftVersion(c.lead.id, c.caseId, await versionInput(c, 2), T + 1);
		await approveAll(c, 2, undefined, T + 1);
		const input = checkIn(APOLOGY, c.responsible, [c.lead]);
		await postCheckIn(c.responsible.id, c.caseId, input, T + 2);
		await passOnCheckIn(
			c.lead.id,
			c.caseId,
			input.envelope.objectId,
			{ version: 1, wraps: [{ reader: c.survivor.id, wrapper: c.lead.id, box: b64(100) }] },
			T + 3
		);
		await setItemStatus(c.lead.id, c.caseId, BOUNDARY, 'missed', T + 4);
		await closeCase(c.lead.id, c.caseId, 'ended', T + 5);

		const db = getDb();
		const tables = await db.all<{ name: string }>(
			sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'`
		);
		const rowsOf = async () => {
			const out: Record<string, number> = {};
			for (const { name } of tables) {
				const columns = await db.all<{ name: string }>(sql.raw(`PRAGMA table_info(${name})`));
				const has = (col: string) => columns.some((x) => x.name === col);
				const where = [
					has('case_id') ? `case_id = '${c.caseId}'` : null,
					has('agreement_id') ? `agreement_id = '${c.agreementId}'` : null,
					name === 'agreements' || name === 'cases'
						? `id IN ('${c.agreementId}', '${c.caseId}')`
						: null
				].filter(Boolean);
				if (where.length === 0) continue;
				const [row] = await db.all<{ n: number }>(
					sql.raw(`SELECT count(*) AS n FROM ${name} WHERE ${where.join(' OR ')}`)
				);
				out[name] = row!.n;
			}
			return out;
		};
		const before = await rowsOf();
		for (const t of [
			'cases',
			'agreements',
			'agreement_versions',
			'agreement_items',
			'agreement_signers',
			'agreement_consents',
			'item_approvals',
			'item_statuses',
			'check_ins',
			'agreement_news',
			'case_envelopes',
			'case_wraps',
			'case_members'
		]) {
			expect(before[t], t).toBeGreaterThan(0);
		}

		await db.delete(cases).where(eq(cases.id, c.caseId));
		const after = await rowsOf();
		for (const [t, n] of Object.entries(after)) expect(n, t).toBe(0);
		expect(Object.keys(after).length).toBeGreaterThanOrEqual(15);
	});
});
