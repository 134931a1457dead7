import { describe, expect, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { getDb } from './db';
import { caseEnvelopes, caseWraps } from './db/schema';
import { getCaseEnvelope, listCaseEnvelopes, putCaseEnvelope } from './case-envelopes';
import { setMyParticipation } from './case-notices';
import { decideRelay, proposeRelay, shareWithSupporter } from './relays';
import { generateId } from './auth/tokens';
import { expectProblem, useTestDb } from './test-db';
import {
	addMember,
	messageTombstone,
	b64,
	caseWith,
	fakeEnvelope,
	person,
	T
} from './case-fixtures';
import type { User } from './db/schema';

useTestDb();

/** A message in `subject`'s conversation, wrapped for its author and these readers. */
const said = (objectId: string, author: User, subject: User, readers: User[], version = 1) =>
	fakeEnvelope('conversation', objectId, author, readers, { subject: subject.id, version });

const versionsOf = async (caseId: string, objectId: string) =>
	(
		await getDb()
			.select({ version: caseEnvelopes.version })
			.from(caseEnvelopes)
			.where(and(eq(caseEnvelopes.caseId, caseId), eq(caseEnvelopes.objectId, objectId)))
	).map((r) => r.version);

const ids = (list: { objectId: string }[]) => list.map((e) => e.objectId);

describe('who writes in a conversation', () => {
	test("a participant only in their own; a facilitator in anyone's", async () => {
		const { lead, caseId, survivor, responsible, community } = await caseWith([
			'survivor',
			'responsible',
			'community'
		]);
		await putCaseEnvelope(survivor!.id, caseId, said('s-1', survivor!, survivor!, [lead]), T + 1);
		await putCaseEnvelope(
			community!.id,
			caseId,
			said('c-1', community!, community!, [lead]),
			T + 2
		);
		await putCaseEnvelope(lead.id, caseId, said('l-1', lead, responsible!, [responsible!]), T + 3);
		await putCaseEnvelope(lead.id, caseId, said('l-2', lead, survivor!, [survivor!]), T + 4);
		await expectProblem(
			putCaseEnvelope(survivor!.id, caseId, said('s-2', survivor!, responsible!, [lead])),
			403,
			'forbidden'
		);
		await expectProblem(
			putCaseEnvelope(responsible!.id, caseId, said('r-1', responsible!, survivor!, [lead])),
			403,
			'forbidden'
		);
		expect(await versionsOf(caseId, 's-2')).toEqual([]);
		expect(await versionsOf(caseId, 'r-1')).toEqual([]);
		expect(ids(await listCaseEnvelopes(lead.id, caseId, ['conversation']))).toEqual([
			's-1',
			'c-1',
			'l-1',
			'l-2'
		]);
	});

	test('is with a participant present in the case, never a facilitator', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const colleague = await addMember(lead, caseId, 'facilitator');
		const stranger = await person(null);
		for (const subject of [colleague, lead, stranger]) {
			await expectProblem(
				putCaseEnvelope(lead.id, caseId, said('x-1', lead, subject, [])),
				404,
				'person_not_found'
			);
		}
		const noSubject = { ...said('x-1', lead, survivor!, []), subject: null };
		await expectProblem(putCaseEnvelope(lead.id, caseId, noSubject), 404, 'person_not_found');
		await setMyParticipation(responsible!.id, caseId, 'withdrawn', T + 1);
		await expectProblem(
			putCaseEnvelope(lead.id, caseId, said('x-1', lead, responsible!, [])),
			404,
			'person_not_found'
		);
		expect(await versionsOf(caseId, 'x-1')).toEqual([]);
		// Paused is still present: their conversation stays open.
		await setMyParticipation(survivor!.id, caseId, 'paused', T + 2);
		await putCaseEnvelope(lead.id, caseId, said('x-1', lead, survivor!, [survivor!]));
		expect(await versionsOf(caseId, 'x-1')).toEqual([1]);
	});

	test('other kinds name no subject', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const input = fakeEnvelope('input', 'in-1', survivor!, [lead], { subject: survivor!.id });
		await expectProblem(putCaseEnvelope(survivor!.id, caseId, input), 400, 'bad_request');
		const notes = fakeEnvelope('facilitator-notes', 'n-1', lead, [], { subject: survivor!.id });
		await expectProblem(putCaseEnvelope(lead.id, caseId, notes), 400, 'bad_request');
		expect(await versionsOf(caseId, 'in-1')).toEqual([]);
		expect(await versionsOf(caseId, 'n-1')).toEqual([]);
	});
});

describe('who reads a conversation', () => {
	test('only facilitators and the participant it is with', async () => {
		const { lead, caseId, survivor, responsible, supporter } = await caseWith([
			'survivor',
			'responsible',
			'supporter'
		]);
		const colleague = await addMember(lead, caseId, 'facilitator');
		await putCaseEnvelope(
			survivor!.id,
			caseId,
			said('s-1', survivor!, survivor!, [lead, colleague])
		);
		// Not the other party, and not even the survivor's own supporter.
		for (const reader of [responsible!, supporter!]) {
			await expectProblem(
				putCaseEnvelope(survivor!.id, caseId, said('s-2', survivor!, survivor!, [lead, reader])),
				403,
				'reader_not_allowed'
			);
			await expectProblem(
				putCaseEnvelope(lead.id, caseId, said('l-1', lead, survivor!, [survivor!, reader])),
				403,
				'reader_not_allowed'
			);
		}
		expect(await versionsOf(caseId, 's-2')).toEqual([]);
		expect(await versionsOf(caseId, 'l-1')).toEqual([]);
		expect(await listCaseEnvelopes(responsible!.id, caseId, ['conversation'])).toEqual([]);
		await expectProblem(getCaseEnvelope(responsible!.id, caseId, 's-1', 1), 404, 'not_found');
		const [asColleague] = await listCaseEnvelopes(colleague.id, caseId, ['conversation']);
		expect(asColleague).toMatchObject({
			objectId: 's-1',
			subject: survivor!.id,
			authorId: survivor!.id,
			readers: [lead.id, colleague.id, survivor!.id].sort()
		});
	});

	test('listing by subject gives only that conversation', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		await putCaseEnvelope(survivor!.id, caseId, said('s-1', survivor!, survivor!, [lead]), T + 1);
		const notes = fakeEnvelope('facilitator-notes', 'n-1', lead, []);
		await putCaseEnvelope(lead.id, caseId, notes, T + 2);
		await putCaseEnvelope(lead.id, caseId, said('l-1', lead, survivor!, [survivor!]), T + 3);
		await putCaseEnvelope(lead.id, caseId, said('l-2', lead, responsible!, [responsible!]), T + 4);
		const kinds = ['conversation', 'facilitator-notes'] as const;
		expect(ids(await listCaseEnvelopes(lead.id, caseId, kinds, survivor!.id))).toEqual([
			's-1',
			'l-1'
		]);
		expect(ids(await listCaseEnvelopes(lead.id, caseId, kinds, responsible!.id))).toEqual(['l-2']);
		expect(ids(await listCaseEnvelopes(lead.id, caseId, kinds))).toEqual([
			's-1',
			'n-1',
			'l-1',
			'l-2'
		]);
		// A participant asking for someone else's conversation gets nothing.
		expect(await listCaseEnvelopes(survivor!.id, caseId, kinds, responsible!.id)).toEqual([]);
		expect(ids(await listCaseEnvelopes(responsible!.id, caseId, ['conversation']))).toEqual([
			'l-2'
		]);
	});
});

describe('continuing a message', () => {
	test('only its author revises or deletes it', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const colleague = await addMember(lead, caseId, 'facilitator');
		await putCaseEnvelope(lead.id, caseId, said('l-1', lead, survivor!, [survivor!, colleague]));
		for (const other of [survivor!, colleague]) {
			const readers = other.id === survivor!.id ? [lead] : [survivor!];
			await expectProblem(
				putCaseEnvelope(other.id, caseId, said('l-1', other, survivor!, readers, 2)),
				403,
				'forbidden'
			);
			await expectProblem(
				putCaseEnvelope(other.id, caseId, messageTombstone('l-1', other, survivor!, 2)),
				403,
				'forbidden'
			);
		}
		expect(await versionsOf(caseId, 'l-1')).toEqual([1]);
		await putCaseEnvelope(lead.id, caseId, said('l-1', lead, survivor!, [survivor!], 2));
		await putCaseEnvelope(lead.id, caseId, messageTombstone('l-1', lead, survivor!, 3));
		expect(await versionsOf(caseId, 'l-1')).toEqual([3]);
		expect(await listCaseEnvelopes(survivor!.id, caseId, ['conversation'])).toEqual([]);
	});

	test('its author may still delete it after the participant has left', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		await putCaseEnvelope(lead.id, caseId, said('l-1', lead, survivor!, [survivor!]));
		await setMyParticipation(survivor!.id, caseId, 'withdrawn', T + 1);
		// No new words for someone who has left, but the ones already written can be taken back.
		await expectProblem(
			putCaseEnvelope(lead.id, caseId, said('l-1', lead, survivor!, [], 2)),
			404,
			'person_not_found'
		);
		await putCaseEnvelope(lead.id, caseId, messageTombstone('l-1', lead, survivor!, 2));
		expect(await versionsOf(caseId, 'l-1')).toEqual([2]);
	});

	test('stays in the same conversation', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		await putCaseEnvelope(lead.id, caseId, said('l-1', lead, survivor!, [survivor!]));
		await expectProblem(
			putCaseEnvelope(lead.id, caseId, said('l-1', lead, responsible!, [responsible!], 2)),
			400,
			'bad_request'
		);
		expect(await versionsOf(caseId, 'l-1')).toEqual([1]);
	});
});

describe('relay envelopes', () => {
	test('are made only through an approval; their author may still delete them', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const relay = (version = 1) =>
			fakeEnvelope('relay', 'relay-1', survivor!, [lead, responsible!], {
				subject: responsible!.id,
				version
			});
		await expectProblem(putCaseEnvelope(survivor!.id, caseId, relay()), 403, 'forbidden');
		expect(await versionsOf(caseId, 'relay-1')).toEqual([]);

		const relayId = generateId();
		await proposeRelay(
			lead.id,
			caseId,
			{
				id: relayId,
				from: survivor!.id,
				to: responsible!.id,
				proposal: said('p-1', lead, survivor!, [survivor!])
			},
			T + 1
		);
		await decideRelay(
			survivor!.id,
			caseId,
			relayId,
			{ decision: 'approve', relay: relay() },
			T + 2
		);
		expect(ids(await listCaseEnvelopes(responsible!.id, caseId, ['relay']))).toEqual(['relay-1']);
		// Not revised outside an approval, and not deleted by anyone but the author.
		await expectProblem(putCaseEnvelope(survivor!.id, caseId, relay(2)), 403, 'forbidden');
		const tombstoneBy = (u: User) =>
			fakeEnvelope('relay', 'relay-1', u, [], {
				subject: responsible!.id,
				version: 2,
				deleted: true,
				body: b64(32)
			});
		await expectProblem(putCaseEnvelope(lead.id, caseId, tombstoneBy(lead)), 403, 'forbidden');
		expect(await versionsOf(caseId, 'relay-1')).toEqual([1]);
		await putCaseEnvelope(survivor!.id, caseId, tombstoneBy(survivor!));
		expect(await versionsOf(caseId, 'relay-1')).toEqual([2]);
		expect(await listCaseEnvelopes(responsible!.id, caseId, ['relay'])).toEqual([]);
	});

	test('their author may delete one after its recipient has left', async () => {
		const { lead, caseId, survivor, supporter } = await caseWith(['survivor', 'supporter']);
		const relay = fakeEnvelope('relay', 'relay-1', survivor!, [supporter!, lead], {
			subject: supporter!.id
		});
		await shareWithSupporter(
			survivor!.id,
			caseId,
			{ id: generateId(), to: supporter!.id, relay },
			T + 1
		);
		await setMyParticipation(supporter!.id, caseId, 'withdrawn', T + 2);
		const gone = fakeEnvelope('relay', 'relay-1', survivor!, [], {
			subject: supporter!.id,
			version: 2,
			deleted: true,
			body: b64(32)
		});
		await putCaseEnvelope(survivor!.id, caseId, gone, T + 3);
		expect(await versionsOf(caseId, 'relay-1')).toEqual([2]);
		// Nothing of it is left wrapped for the supporter, should they ever come back.
		const wraps = await getDb()
			.select({ readerId: caseWraps.readerId })
			.from(caseWraps)
			.where(and(eq(caseWraps.caseId, caseId), eq(caseWraps.objectId, 'relay-1')));
		expect(wraps).toEqual([{ readerId: survivor!.id }]);
	});
});
