import { describe, expect, test } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { getDb } from './db';
import { auditEvents, caseEnvelopes, relays } from './db/schema';
import { getCaseEnvelope, listCaseEnvelopes } from './case-envelopes';
import { openNotices, setMyParticipation } from './case-notices';
import { decideRelay, listRelays, proposeRelay, shareWithSupporter } from './relays';
import { generateId } from './auth/tokens';
import { expectProblem, useTestDb } from './test-db';
import { addMember, caseWith, fakeEnvelope, person, T } from './case-fixtures';
import type { User } from './db/schema';
import type { Problem, ProblemCode } from './problem';
import type { CaseEnvelopeInput } from './validation/cases';

useTestDb();

/** A case with a lead, a second facilitator, both parties and the survivor's supporter. */
async function relayCase() {
	const c = await caseWith(['survivor', 'responsible', 'supporter']);
	const colleague = await addMember(c.lead, c.caseId, 'facilitator');
	return {
		lead: c.lead,
		caseId: c.caseId,
		colleague,
		survivor: c.survivor!,
		responsible: c.responsible!,
		supporter: c.supporter!
	};
}

/** The proposal: a message in the author's conversation, for the author and facilitators. */
const proposalOf = (objectId: string, by: User, from: User, readers: User[]) =>
	fakeEnvelope('conversation', objectId, by, [from, ...readers], { subject: from.id });

/** The sealed relay the author's browser makes on approving. */
const relayOf = (objectId: string, author: User, to: User, readers: User[]) =>
	fakeEnvelope('relay', objectId, author, [to, ...readers], { subject: to.id });

async function proposed(c: Awaited<ReturnType<typeof relayCase>>, id = generateId()) {
	const input = {
		id,
		from: c.survivor.id,
		to: c.responsible.id,
		proposal: proposalOf(`p-${id}`, c.lead, c.survivor, [c.colleague])
	};
	await proposeRelay(c.lead.id, c.caseId, input, T + 1);
	return id;
}

const rowOf = async (id: string) =>
	(await getDb().select().from(relays).where(eq(relays.id, id)))[0];

const relayEvents = (caseId: string) =>
	getDb()
		.select({
			actorId: auditEvents.actorId,
			action: auditEvents.action,
			objectType: auditEvents.objectType
		})
		.from(auditEvents)
		.where(and(eq(auditEvents.objectId, caseId), like(auditEvents.action, 'relay.%')))
		.orderBy(auditEvents.id);

describe('proposing a relay', () => {
	test('the author and facilitators see the proposal; the recipient sees nothing', async () => {
		const c = await relayCase();
		const id = await proposed(c);
		expect(await rowOf(id)).toMatchObject({
			caseId: c.caseId,
			fromId: c.survivor.id,
			toId: c.responsible.id,
			proposedBy: c.lead.id,
			proposalObjectId: `p-${id}`,
			status: 'proposed',
			relayObjectId: null,
			createdAt: T + 1,
			decidedAt: null
		});
		for (const reader of [c.survivor, c.lead, c.colleague]) {
			const [p] = await listCaseEnvelopes(reader.id, c.caseId, ['conversation']);
			expect(p).toMatchObject({ objectId: `p-${id}`, authorId: c.lead.id, subject: c.survivor.id });
		}
		expect(await listRelays(c.survivor.id, c.caseId)).toMatchObject([
			{ id, status: 'proposed', proposedBy: c.lead.id, proposalObjectId: `p-${id}` }
		]);
		expect(await listRelays(c.colleague.id, c.caseId)).toHaveLength(1);
		for (const other of [c.responsible, c.supporter]) {
			expect(await listCaseEnvelopes(other.id, c.caseId, ['conversation', 'relay'])).toEqual([]);
			expect(await listRelays(other.id, c.caseId)).toEqual([]);
			await expectProblem(getCaseEnvelope(other.id, c.caseId, `p-${id}`, 1), 404, 'not_found');
		}
		expect(await relayEvents(c.caseId)).toEqual([
			{ actorId: c.lead.id, action: 'relay.proposed', objectType: 'case' }
		]);
	});

	test('only facilitators propose, between two different participants present', async () => {
		const c = await relayCase();
		const stranger = await person(null);
		const attempt = (by: User, from: User, to: User) =>
			proposeRelay(
				by.id,
				c.caseId,
				{ id: generateId(), from: from.id, to: to.id, proposal: proposalOf('p-1', by, from, []) },
				T + 1
			);
		await expectProblem(attempt(c.survivor, c.survivor, c.responsible), 403, 'forbidden');
		for (const [from, to] of [
			[c.survivor, c.survivor],
			[c.survivor, c.colleague],
			[c.colleague, c.survivor],
			[c.survivor, stranger],
			[stranger, c.survivor]
		] as const) {
			await expectProblem(attempt(c.lead, from, to), 400, 'relay_target');
		}
		await setMyParticipation(c.responsible.id, c.caseId, 'withdrawn', T + 1);
		await expectProblem(attempt(c.lead, c.survivor, c.responsible), 400, 'relay_target');
		expect(await getDb().select().from(relays).where(eq(relays.caseId, c.caseId))).toEqual([]);
		expect(await relayEvents(c.caseId)).toEqual([]);
	});

	test("the proposal is a first message in the author's own conversation", async () => {
		const c = await relayCase();
		const good = proposalOf('p-1', c.lead, c.survivor, []);
		const bad = [
			{ ...good, subject: c.responsible.id },
			{ ...good, version: 2 },
			{ ...good, kind: 'facilitator-notes' as const, subject: null },
			{ ...good, deleted: true }
		];
		for (const proposal of bad) {
			await expectProblem(
				proposeRelay(
					c.lead.id,
					c.caseId,
					{ id: generateId(), from: c.survivor.id, to: c.responsible.id, proposal },
					T + 1
				),
				400,
				'bad_request'
			);
		}
		// Wrapped for the recipient, it would reach them before the author says yes.
		const leaky = proposalOf('p-1', c.lead, c.survivor, [c.responsible]);
		await expectProblem(
			proposeRelay(
				c.lead.id,
				c.caseId,
				{ id: generateId(), from: c.survivor.id, to: c.responsible.id, proposal: leaky },
				T + 1
			),
			403,
			'reader_not_allowed'
		);
		expect(await getDb().select().from(relays).where(eq(relays.caseId, c.caseId))).toEqual([]);
		const envelopes = await getDb()
			.select()
			.from(caseEnvelopes)
			.where(and(eq(caseEnvelopes.caseId, c.caseId), eq(caseEnvelopes.objectId, 'p-1')));
		expect(envelopes).toEqual([]);
		// A relay id is used once.
		const id = await proposed(c);
		await expectProblem(proposed(c, id), 409, 'bad_request');
	});
});

describe('the author decides', () => {
	test('declining sends nothing, and a proposal is answered once', async () => {
		const c = await relayCase();
		const id = await proposed(c);
		await decideRelay(c.survivor.id, c.caseId, id, { decision: 'decline' }, T + 2);
		expect(await rowOf(id)).toMatchObject({
			status: 'declined',
			relayObjectId: null,
			decidedAt: T + 2
		});
		expect(await listCaseEnvelopes(c.responsible.id, c.caseId, ['relay'])).toEqual([]);
		expect(await listRelays(c.responsible.id, c.caseId)).toEqual([]);
		// The facilitators learn the answer at once, with no words.
		expect(await openNotices(c.lead.id, c.caseId)).toMatchObject([
			{ kind: 'relay_declined', userId: c.survivor.id }
		]);
		const relay = relayOf('r-1', c.survivor, c.responsible, [c.lead]);
		await expectProblem(
			decideRelay(c.survivor.id, c.caseId, id, { decision: 'approve', relay }, T + 3),
			409,
			'relay_decided'
		);
		await expectProblem(
			decideRelay(c.survivor.id, c.caseId, id, { decision: 'decline' }, T + 3),
			409,
			'relay_decided'
		);
		await expectProblem(
			decideRelay(c.lead.id, c.caseId, id, { decision: 'withdraw' }, T + 3),
			409,
			'relay_decided'
		);
		expect(await rowOf(id)).toMatchObject({ status: 'declined', decidedAt: T + 2 });
		expect(await listCaseEnvelopes(c.survivor.id, c.caseId, ['relay'])).toEqual([]);
		expect(await relayEvents(c.caseId)).toEqual([
			{ actorId: c.lead.id, action: 'relay.proposed', objectType: 'case' },
			{ actorId: c.survivor.id, action: 'relay.declined', objectType: 'case' }
		]);
	});

	test('approving seals the relay for the recipient, who learns only what they need', async () => {
		const c = await relayCase();
		const id = await proposed(c);
		const relay = relayOf('r-1', c.survivor, c.responsible, [c.lead, c.colleague]);
		await decideRelay(c.survivor.id, c.caseId, id, { decision: 'approve', relay }, T + 2);
		expect(await rowOf(id)).toMatchObject({
			status: 'approved',
			relayObjectId: 'r-1',
			decidedAt: T + 2
		});
		expect(await openNotices(c.lead.id, c.caseId)).toMatchObject([
			{ kind: 'relay_approved', userId: c.survivor.id }
		]);
		const [received] = await listCaseEnvelopes(c.responsible.id, c.caseId, ['relay']);
		expect(received).toMatchObject({
			kind: 'relay',
			objectId: 'r-1',
			authorId: c.survivor.id,
			subject: c.responsible.id,
			readers: [c.lead.id, c.colleague.id, c.responsible.id, c.survivor.id].sort()
		});
		// The recipient still cannot read the proposal itself.
		expect(await listCaseEnvelopes(c.responsible.id, c.caseId, ['conversation'])).toEqual([]);
		expect(await listRelays(c.responsible.id, c.caseId)).toEqual([
			{
				id,
				fromId: c.survivor.id,
				toId: c.responsible.id,
				proposedBy: 'facilitators',
				proposalObjectId: null,
				status: 'approved',
				relayObjectId: 'r-1',
				createdAt: T + 1,
				decidedAt: T + 2
			}
		]);
		expect(await listRelays(c.survivor.id, c.caseId)).toMatchObject([
			{ id, proposedBy: c.lead.id, proposalObjectId: `p-${id}`, status: 'approved' }
		]);
		expect(await listRelays(c.lead.id, c.caseId)).toMatchObject([
			{ id, proposedBy: c.lead.id, status: 'approved' }
		]);
		// Nobody else in the case hears of it.
		expect(await listRelays(c.supporter.id, c.caseId)).toEqual([]);
		expect(await listCaseEnvelopes(c.supporter.id, c.caseId, ['relay'])).toEqual([]);
		expect((await relayEvents(c.caseId)).map((e) => [e.action, e.actorId, e.objectType])).toEqual([
			['relay.proposed', c.lead.id, 'case'],
			['relay.approved', c.survivor.id, 'case']
		]);
	});

	test('nobody but the author answers, and the proposal does not exist for them', async () => {
		const c = await relayCase();
		const id = await proposed(c);
		const relay = relayOf('r-1', c.survivor, c.responsible, [c.lead]);
		for (const who of [c.responsible, c.supporter, c.colleague, c.lead]) {
			await expectProblem(
				decideRelay(who.id, c.caseId, id, { decision: 'approve', relay }, T + 2),
				404,
				'relay_not_found'
			);
			await expectProblem(
				decideRelay(who.id, c.caseId, id, { decision: 'decline' }, T + 2),
				404,
				'relay_not_found'
			);
		}
		// Only facilitators withdraw, the author included in "nobody else".
		for (const who of [c.survivor, c.responsible]) {
			await expectProblem(
				decideRelay(who.id, c.caseId, id, { decision: 'withdraw' }, T + 2),
				404,
				'relay_not_found'
			);
		}
		const stranger = await person(null);
		await expectProblem(
			decideRelay(stranger.id, c.caseId, id, { decision: 'decline' }, T + 2),
			404,
			'case_not_found'
		);
		// The same relay id in another case is not this one.
		const other = await relayCase();
		await expectProblem(
			decideRelay(other.survivor.id, other.caseId, id, { decision: 'decline' }, T + 2),
			404,
			'relay_not_found'
		);
		await expectProblem(
			decideRelay(c.survivor.id, c.caseId, generateId(), { decision: 'decline' }, T + 2),
			404,
			'relay_not_found'
		);
		expect(await rowOf(id)).toMatchObject({ status: 'proposed', decidedAt: null });
		expect(await listCaseEnvelopes(c.responsible.id, c.caseId, ['relay'])).toEqual([]);
	});

	test('a relay for someone else, or with readers it may not have, changes nothing', async () => {
		const c = await relayCase();
		const id = await proposed(c);
		const attempts: [CaseEnvelopeInput, Problem['status'], ProblemCode][] = [
			// Addressed to the survivor's supporter instead of the proposal's recipient.
			[relayOf('r-1', c.survivor, c.supporter, [c.lead]), 400, 'bad_request'],
			[{ ...relayOf('r-1', c.survivor, c.responsible, [c.lead]), version: 2 }, 400, 'bad_request'],
			[
				{ ...relayOf('r-1', c.survivor, c.responsible, [c.lead]), kind: 'conversation' },
				400,
				'bad_request'
			],
			// The supporter is neither author, recipient nor facilitator.
			[relayOf('r-1', c.survivor, c.responsible, [c.supporter]), 403, 'reader_not_allowed'],
			// The author keeps a wrap of their own.
			[{ ...relayOf('r-1', c.survivor, c.responsible, []), wraps: [] }, 400, 'bad_request']
		];
		for (const [relay, status, code] of attempts) {
			await expectProblem(
				decideRelay(c.survivor.id, c.caseId, id, { decision: 'approve', relay }, T + 2),
				status,
				code
			);
		}
		expect(await rowOf(id)).toMatchObject({ status: 'proposed', relayObjectId: null });
		const stored = await getDb()
			.select()
			.from(caseEnvelopes)
			.where(and(eq(caseEnvelopes.caseId, c.caseId), eq(caseEnvelopes.objectId, 'r-1')));
		expect(stored).toEqual([]);
		expect((await relayEvents(c.caseId)).map((e) => e.action)).toEqual(['relay.proposed']);
	});

	test('a recipient who has left cannot be sent it', async () => {
		const c = await relayCase();
		const id = await proposed(c);
		await setMyParticipation(c.responsible.id, c.caseId, 'withdrawn', T + 2);
		const relay = relayOf('r-1', c.survivor, c.responsible, [c.lead]);
		await expectProblem(
			decideRelay(c.survivor.id, c.caseId, id, { decision: 'approve', relay }, T + 3),
			400,
			'relay_target'
		);
		expect(await rowOf(id)).toMatchObject({ status: 'proposed' });
		// Declining still works.
		await decideRelay(c.survivor.id, c.caseId, id, { decision: 'decline' }, T + 4);
		expect(await rowOf(id)).toMatchObject({ status: 'declined' });
	});
});

describe('withdrawing a proposal', () => {
	test('any facilitator of the case may, before the author answers', async () => {
		const c = await relayCase();
		const id = await proposed(c);
		await decideRelay(c.colleague.id, c.caseId, id, { decision: 'withdraw' }, T + 2);
		expect(await rowOf(id)).toMatchObject({ status: 'withdrawn', decidedAt: T + 2 });
		const relay = relayOf('r-1', c.survivor, c.responsible, [c.lead]);
		await expectProblem(
			decideRelay(c.survivor.id, c.caseId, id, { decision: 'approve', relay }, T + 3),
			409,
			'relay_decided'
		);
		expect(await listCaseEnvelopes(c.responsible.id, c.caseId, ['relay'])).toEqual([]);
		expect(await listRelays(c.responsible.id, c.caseId)).toEqual([]);
		expect(await listRelays(c.survivor.id, c.caseId)).toMatchObject([{ id, status: 'withdrawn' }]);
		expect((await relayEvents(c.caseId)).at(-1)).toEqual({
			actorId: c.colleague.id,
			action: 'relay.withdrawn',
			objectType: 'case'
		});
	});
});

describe('sharing with a supporter', () => {
	test('a party shares their words with their own supporter directly', async () => {
		const c = await relayCase();
		const id = generateId();
		const relay = relayOf('r-1', c.survivor, c.supporter, [c.lead]);
		await shareWithSupporter(c.survivor.id, c.caseId, { id, to: c.supporter.id, relay }, T + 1);
		expect(await rowOf(id)).toEqual({
			id,
			caseId: c.caseId,
			fromId: c.survivor.id,
			toId: c.supporter.id,
			proposedBy: null,
			proposalObjectId: null,
			status: 'approved',
			relayObjectId: 'r-1',
			createdAt: T + 1,
			decidedAt: T + 1
		});
		expect(await listCaseEnvelopes(c.supporter.id, c.caseId, ['relay'])).toMatchObject([
			{ objectId: 'r-1', authorId: c.survivor.id, subject: c.supporter.id }
		]);
		expect(await listRelays(c.supporter.id, c.caseId)).toMatchObject([
			{ id, status: 'approved', proposedBy: null, proposalObjectId: null }
		]);
		expect(await listCaseEnvelopes(c.responsible.id, c.caseId, ['relay'])).toEqual([]);
		expect(await relayEvents(c.caseId)).toEqual([
			{ actorId: c.survivor.id, action: 'relay.shared', objectType: 'case' }
		]);
	});

	test('only to someone supporting them, and never by a facilitator', async () => {
		const c = await relayCase();
		const theirSupporter = await addMember(c.lead, c.caseId, 'supporter', c.responsible.id);
		const share = (by: User, to: User) =>
			shareWithSupporter(
				by.id,
				c.caseId,
				{ id: generateId(), to: to.id, relay: relayOf('r-1', by, to, []) },
				T + 1
			);
		await expectProblem(share(c.survivor, c.responsible), 400, 'relay_target');
		await expectProblem(share(c.survivor, theirSupporter), 400, 'relay_target');
		await expectProblem(share(c.responsible, c.supporter), 400, 'relay_target');
		await expectProblem(share(c.survivor, c.survivor), 400, 'relay_target');
		await expectProblem(share(c.supporter, c.survivor), 400, 'relay_target');
		await expectProblem(share(c.lead, c.supporter), 403, 'forbidden');
		// The relay must be addressed to the supporter named.
		await expectProblem(
			shareWithSupporter(
				c.survivor.id,
				c.caseId,
				{
					id: generateId(),
					to: c.supporter.id,
					relay: relayOf('r-1', c.survivor, c.responsible, [])
				},
				T + 1
			),
			400,
			'bad_request'
		);
		expect(await getDb().select().from(relays).where(eq(relays.caseId, c.caseId))).toEqual([]);
		const stored = await getDb()
			.select()
			.from(caseEnvelopes)
			.where(and(eq(caseEnvelopes.caseId, c.caseId), eq(caseEnvelopes.objectId, 'r-1')));
		expect(stored).toEqual([]);
		expect(await relayEvents(c.caseId)).toEqual([]);
	});

	test('a party may name a community member to speak for them; a supporter may not', async () => {
		const c = await relayCase();
		const neighbour = await addMember(c.lead, c.caseId, 'community');
		const share = (by: User, objectId: string) =>
			shareWithSupporter(
				by.id,
				c.caseId,
				{ id: generateId(), to: neighbour.id, relay: relayOf(objectId, by, neighbour, [c.lead]) },
				T + 1
			);
		await share(c.survivor, 'r-1');
		await expectProblem(share(c.supporter, 'r-2'), 400, 'relay_target');
		expect(await listCaseEnvelopes(neighbour.id, c.caseId, ['relay'])).toMatchObject([
			{ objectId: 'r-1', authorId: c.survivor.id }
		]);
	});
});
