import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from './db';
import { caseUnread, caseWraps, conversationUnread } from './db/schema';
import { addCaseWraps, putCaseEnvelope } from './case-envelopes';
import { markSeen, markSeenMany } from './seen';
import { setMyParticipation } from './case-notices';
import { deleteParticipantAccount } from './account-deletion';
import { closeCase } from './agreements';
import { purge } from './purge';
import { unreadByCase } from './waiting';
import { messageCounts } from './conversations';
import { refreshUnreadOf, unreadCounts } from './unread';
import { addMember, caseWith, fakeEnvelope, messageTombstone, T } from './case-fixtures';
import { useTestDb } from './test-db';
import type { User } from './db/schema';

useTestDb();

/** Everyone holding a wrap in the case, or a counter for it. */
async function peopleOf(caseId: string) {
	const db = getDb();
	const wraps = await db
		.selectDistinct({ id: caseWraps.readerId })
		.from(caseWraps)
		.where(eq(caseWraps.caseId, caseId));
	const counters = await db
		.select({ id: caseUnread.userId })
		.from(caseUnread)
		.where(eq(caseUnread.caseId, caseId));
	return [...new Set([...wraps, ...counters].map((r) => r.id))];
}

/** Each person's conversations kept on write, as `messageCounts` has them on read. */
async function conversationsOf(userId: string, caseId: string) {
	const kept = await getDb()
		.select({
			subject: conversationUnread.subject,
			count: conversationUnread.count,
			lastAt: conversationUnread.lastAt
		})
		.from(conversationUnread)
		.where(and(eq(conversationUnread.userId, userId), eq(conversationUnread.caseId, caseId)))
		.orderBy(conversationUnread.subject);
	const counted = (await messageCounts(getDb(), userId, [caseId]))
		.filter((c) => c.lastOtherAt !== null)
		.map((c) => ({ subject: c.subject, count: c.unread, lastAt: c.lastOtherAt }))
		// SQLite's order (by code), as `orderBy` gives `kept`: localeCompare puts "o" before "V".
		.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
	return { kept, counted };
}

/** The counters kept on write equal what `unreadByCase` counts on read, for everyone. */
async function expectCountersRight(caseId: string) {
	const counted: Record<string, number> = {};
	const kept: Record<string, number> = {};
	for (const id of await peopleOf(caseId)) {
		counted[id] = (await unreadByCase(id, [caseId])).get(caseId) ?? 0;
		kept[id] = (await unreadCounts(getDb(), id)).get(caseId) ?? 0;
		const conversations = await conversationsOf(id, caseId);
		expect(conversations.kept).toEqual(conversations.counted);
	}
	expect(kept).toEqual(counted);
	// The non-zero ones, to check what each write did.
	return Object.fromEntries(Object.entries(kept).filter(([, n]) => n > 0));
}

const said = (objectId: string, author: User, subject: User, readers: User[], version = 1) =>
	fakeEnvelope('conversation', objectId, author, readers, { subject: subject.id, version });

describe('unread counters kept on write', () => {
	test('equal the count on read after every kind of write', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const co = await addMember(lead, caseId, 'facilitator', null, 'Ivy');
		const wren = survivor!;
		const ash = responsible!;
		expect(await expectCountersRight(caseId)).toEqual({});

		// A party's input and a file beside it: one piece of news per author.
		await putCaseEnvelope(wren.id, caseId, fakeEnvelope('input', 'in-1', wren, [lead]), T + 1);
		let kept = await expectCountersRight(caseId);
		expect(kept[lead.id]).toBe(1);
		await putCaseEnvelope(wren.id, caseId, fakeEnvelope('input', 'in-2', wren, [lead]), T + 2);
		kept = await expectCountersRight(caseId);
		expect(kept[lead.id]).toBe(1);
		// Opened: no longer new; a new version: new again.
		await markSeenMany(lead.id, caseId, [
			{ objectId: 'in-1', version: 1 },
			{ objectId: 'in-2', version: 1 }
		]);
		kept = await expectCountersRight(caseId);
		expect(kept[lead.id]).toBeUndefined();
		await putCaseEnvelope(
			wren.id,
			caseId,
			fakeEnvelope('input', 'in-1', wren, [lead], { version: 2 }),
			T + 3
		);
		expect((await expectCountersRight(caseId))[lead.id]).toBe(1);

		// Readers added to a version: new to them.
		await addCaseWraps(wren.id, caseId, 'in-1', {
			version: 2,
			wraps: [{ reader: co.id, wrapper: wren.id, box: 'x'.repeat(40) }]
		});
		expect((await expectCountersRight(caseId))[co.id]).toBe(1);

		// An interim summary for the parties, and a comment on it.
		await putCaseEnvelope(
			lead.id,
			caseId,
			fakeEnvelope('interim-summary', 'sum-1', lead, [wren, co]),
			T + 4
		);
		await expectCountersRight(caseId);
		await putCaseEnvelope(
			wren.id,
			caseId,
			fakeEnvelope('interim-comment', 'com-1', wren, [lead, co]),
			T + 5
		);
		kept = await expectCountersRight(caseId);
		expect(kept[wren.id]).toBe(1);
		expect(kept[co.id]).toBe(3);

		// Messages, opened one by one, and one taken back.
		await putCaseEnvelope(wren.id, caseId, said('m-1', wren, wren, [lead, co]), T + 6);
		await putCaseEnvelope(wren.id, caseId, said('m-2', wren, wren, [lead, co]), T + 7);
		await putCaseEnvelope(lead.id, caseId, said('m-3', lead, ash, [ash, co]), T + 8);
		kept = await expectCountersRight(caseId);
		expect(kept[lead.id]).toBe(4);
		await markSeen(lead.id, caseId, 'm-1', 1);
		await expectCountersRight(caseId);
		await putCaseEnvelope(wren.id, caseId, messageTombstone('m-2', wren, wren, 2), T + 9);
		kept = await expectCountersRight(caseId);
		expect(kept[lead.id]).toBe(2);

		// A participant withdraws and takes back their words.
		// Only the interim summary and the lead's message to Ash stay new to Ivy.
		await setMyParticipation(wren.id, caseId, 'withdrawn', T + 10, false);
		kept = await expectCountersRight(caseId);
		expect(kept[lead.id]).toBeUndefined();
		expect(kept[co.id]).toBe(2);

		// Deleting an account takes their counters with their wraps.
		await deleteParticipantAccount(ash.id, T + 11);
		kept = await expectCountersRight(caseId);
		expect(kept[ash.id]).toBeUndefined();
		const left = await getDb().select().from(caseUnread).where(eq(caseUnread.userId, ash.id));
		expect(left).toEqual([]);
		const talks = await getDb()
			.select()
			.from(conversationUnread)
			.where(eq(conversationUnread.userId, ash.id));
		expect(talks).toEqual([]);

		// Recounting from scratch (the seeder, the migration) gives the same counters.
		const before = await getDb().select().from(caseUnread).where(eq(caseUnread.caseId, caseId));
		await refreshUnreadOf(getDb(), [caseId]);
		const after = await getDb().select().from(caseUnread).where(eq(caseUnread.caseId, caseId));
		const sorted = (rows: (typeof before)[number][]) =>
			rows.sort((a, b) => a.userId.localeCompare(b.userId));
		expect(sorted(after)).toEqual(sorted(before));
		// So does the migration that made the table, from what was already stored.
		const migration = readFileSync('drizzle/0010_unread_counters.sql', 'utf8');
		const fill = migration.split('--> statement-breakpoint')[1]!;
		await getDb().delete(caseUnread);
		await getDb().run(sql.raw(fill));
		const filled = await getDb().select().from(caseUnread).where(eq(caseUnread.caseId, caseId));
		expect(sorted(filled)).toEqual(sorted(before));

		// The same for the conversations, which some of the writes above left with news.
		const conversations = () =>
			getDb()
				.select()
				.from(conversationUnread)
				.where(eq(conversationUnread.caseId, caseId))
				.orderBy(conversationUnread.userId, conversationUnread.subject);
		const stored = await conversations();
		expect(stored.length).toBeGreaterThan(0);
		await refreshUnreadOf(getDb(), [caseId]);
		expect(await conversations()).toEqual(stored);
		const made = readFileSync('drizzle/0012_conversation_unread.sql', 'utf8');
		await getDb().delete(conversationUnread);
		await getDb().run(sql.raw(made.split('--> statement-breakpoint')[1]!));
		expect(await conversations()).toEqual(stored);
	});

	test('go with their case when it is purged', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		await putCaseEnvelope(
			survivor!.id,
			caseId,
			fakeEnvelope('input', 'in-1', survivor!, [lead]),
			T + 1
		);
		expect((await expectCountersRight(caseId))[lead.id]).toBe(1);
		await closeCase(lead.id, caseId, 'completed', T + 2);
		await purge(T + 400 * 86_400_000);
		const rows = await getDb().select().from(caseUnread).where(eq(caseUnread.caseId, caseId));
		expect(rows).toEqual([]);
		const talks = await getDb()
			.select()
			.from(conversationUnread)
			.where(eq(conversationUnread.caseId, caseId));
		expect(talks).toEqual([]);
	});
});
