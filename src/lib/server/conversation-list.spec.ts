import { describe, expect, test } from 'vitest';
import type { User } from './db/schema';
import { putCaseEnvelope } from './case-envelopes';
import { conversationsFor } from './conversation-list';
import { conversationView } from './conversations';
import { markSeenMany } from './seen';
import { shareWithSupporter } from './relays';
import { unreadByCase, waitingFor } from './waiting';
import { expectProblem, useTestDb } from './test-db';
import { caseWith, fakeEnvelope, T } from './case-fixtures';

useTestDb();

describe('conversations', () => {
	test('a facilitator sees every participant’s, a participant only their own, with unread counts', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const put = (id: string, author: User, subject: User, at: number) =>
			putCaseEnvelope(
				author.id,
				caseId,
				fakeEnvelope(
					'conversation',
					id,
					author,
					[lead, subject].filter((u) => u.id !== author.id),
					{ subject: subject.id }
				),
				at
			);
		await put('m1', survivor!, survivor!, T + 1);
		await put('m2', survivor!, survivor!, T + 2);
		await put('m3', lead, responsible!, T + 3);

		const asLead = await conversationsFor(lead.id);
		expect(asLead).toHaveLength(1);
		expect(asLead[0]!.conversations).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ subject: survivor!.id, unread: 2, total: 2, lastAt: T + 2 }),
				// The lead wrote this one: nothing new for them in it.
				expect.objectContaining({ subject: responsible!.id, unread: 0, total: 1, lastAt: T + 3 })
			])
		);
		const asSurvivor = await conversationsFor(survivor!.id);
		expect(asSurvivor[0]!.conversations).toEqual([
			expect.objectContaining({ subject: survivor!.id, self: true, unread: 0, total: 2 })
		]);
		const asResponsible = await conversationsFor(responsible!.id);
		expect(asResponsible[0]!.conversations).toEqual([
			expect.objectContaining({ subject: responsible!.id, self: true, unread: 1 })
		]);

		// "Waiting for you": one item per conversation, and the dashboard's count.
		const waiting = await waitingFor(lead.id, T + 10);
		// Only what others wrote: the lead's own message to the responsible party is no news.
		expect(waiting.items.filter((i) => i.kind === 'messages')).toEqual([
			expect.objectContaining({
				subject: survivor!.id,
				count: 2,
				unread: true,
				href: `/cases/${caseId}/messages/${survivor!.id}`
			})
		]);
		expect((await unreadByCase(lead.id, [caseId], T + 10)).get(caseId)).toBe(2);

		// Opened: no longer new, for the one who opened it only.
		await markSeenMany(lead.id, caseId, [
			{ objectId: 'm1', version: 1 },
			{ objectId: 'm2', version: 1 }
		]);
		expect((await conversationsFor(lead.id))[0]!.conversations).toEqual(
			expect.arrayContaining([expect.objectContaining({ subject: survivor!.id, unread: 0 })])
		);
		expect((await unreadByCase(lead.id, [caseId], T + 10)).get(caseId)).toBeUndefined();
		// All or none: one object that is not theirs to mark refuses the lot.
		await expectProblem(
			markSeenMany(responsible!.id, caseId, [
				{ objectId: 'm3', version: 1 },
				{ objectId: 'm1', version: 1 }
			]),
			404,
			'not_found'
		);
		expect((await conversationsFor(responsible!.id))[0]!.conversations[0]!.unread).toBe(1);
	});

	test('only the person themselves or a facilitator opens a conversation', async () => {
		const { lead, caseId, survivor, responsible, supporter } = await caseWith([
			'survivor',
			'responsible',
			'supporter'
		]);
		const own = await conversationView(survivor!.id, caseId, survivor!.id);
		expect(own.person.userId).toBe(survivor!.id);
		expect(own.relayTargets).toEqual([]);
		expect(own.supporters.map((p) => p.userId)).toEqual([supporter!.id]);
		const asLead = await conversationView(lead.id, caseId, survivor!.id);
		expect(asLead.relayTargets.map((p) => p.userId).sort()).toEqual(
			[responsible!.id, supporter!.id].sort()
		);
		expect(asLead.supporters).toEqual([]);
		await expectProblem(conversationView(responsible!.id, caseId, survivor!.id), 404, 'not_found');
		await expectProblem(conversationView(supporter!.id, caseId, survivor!.id), 404, 'not_found');
		// Never a conversation "with" a facilitator.
		await expectProblem(conversationView(lead.id, caseId, lead.id), 404, 'not_found');
	});

	test("a relay someone wrote is news in its recipient's conversation, not in theirs", async () => {
		const { lead, caseId, survivor, supporter } = await caseWith(['survivor', 'supporter']);
		const relay = fakeEnvelope('relay', 'r-1', survivor!, [lead, supporter!], {
			subject: supporter!.id
		});
		await shareWithSupporter(
			survivor!.id,
			caseId,
			{ id: 'relay-1', to: supporter!.id, relay },
			T + 1
		);
		expect(
			(await waitingFor(survivor!.id, T + 2)).items.filter((i) => i.kind === 'messages')
		).toEqual([]);
		expect((await conversationsFor(survivor!.id))[0]!.conversations).toEqual([
			expect.objectContaining({ subject: survivor!.id, total: 0 })
		]);
		expect((await waitingFor(supporter!.id, T + 2)).items).toContainEqual(
			expect.objectContaining({ kind: 'messages', subject: supporter!.id, count: 1, self: true })
		);
	});
});
