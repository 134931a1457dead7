import { describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from './db';
import { cases } from './db/schema';
import { openCase, listCasesFor } from './cases';
import { createCaseInvite, joinCase } from './case-invites';
import { putCaseEnvelope } from './case-envelopes';
import { markSeen } from './seen';
import { raiseSignal, setMyParticipation } from './case-notices';
import { unreadByCase } from './waiting';
import { dashboardFor, PAGE_SIZE } from './dashboard';
import { generateId } from './auth/tokens';
import { addMember, b64, entry, fakeEnvelope, person, session, T } from './case-fixtures';
import { countQueries, insertUser, useTestDb } from './test-db';
import type { User } from './db/schema';

useTestDb();

/** A case `me` opens at `at` (its place in the newest-first order). */
async function open(me: User, at: number) {
	const caseId = generateId();
	const summary = fakeEnvelope('case-summary', 'summary', me, []);
	await openCase(session(me), { caseId, entry: entry(me), summary }, at);
	await getDb().update(cases).set({ createdAt: at }).where(eq(cases.id, caseId));
	return caseId;
}

async function allPages(userId: string, now: number) {
	const first = await dashboardFor(userId, 1, now);
	const pages = [first];
	for (let p = 2; p <= first.pages; p++) pages.push(await dashboardFor(userId, p, now));
	return pages;
}

describe('dashboardFor (the cases list, a page at a time)', () => {
	test('every case exactly once across the pages, those that need me first', async () => {
		const me = await person('facilitator');
		const now = T + 1_000_000;
		// The oldest cases are the ones that need me: without the ranking they would be last.
		const urgent = await open(me, T + 1);
		const wren = await addMember(me, urgent, 'survivor');
		await raiseSignal(wren.id, urgent, 'unsafe', T + 2);

		const unread = await open(me, T + 3);
		const ash = await addMember(me, unread, 'responsible');
		await putCaseEnvelope(ash.id, unread, fakeEnvelope('input', 'in-1', ash, [me]), T + 4);

		const paused = await open(me, T + 5);
		const rowan = await addMember(me, paused, 'survivor');
		await setMyParticipation(rowan.id, paused, 'paused', T + 6);

		const invited = await open(me, T + 7);
		const inviteId = generateId();
		const secret = fakeEnvelope('invite-secret', `inv-${inviteId}`, me, []);
		const invite = { inviteId, role: 'community' as const, supports: null, secret, replaces: null };
		await createCaseInvite(me.id, invited, invite, T + 8);

		const pending = await open(me, T + 9);
		const inviteId2 = generateId();
		const secret2 = fakeEnvelope('invite-secret', `inv-${inviteId2}`, me, []);
		const { path } = await createCaseInvite(
			me.id,
			pending,
			{ ...invite, inviteId: inviteId2, secret: secret2 },
			T + 10
		);
		const joiner = await person(null);
		const joined = { fp: b64(32, 5), tag: b64(32), displayName: 'Fern' };
		await joinCase(session(joiner), path.slice(6), joined, T + 11);

		const leadGone = await open(me, T + 12);
		const gone = await insertUser({ status: 'deactivated', displayName: 'Sam' });
		await getDb().update(cases).set({ leadId: gone.id }).where(eq(cases.id, leadGone));

		// Read already: nothing needs me there.
		const read = await open(me, T + 13);
		const fern = await addMember(me, read, 'responsible');
		await putCaseEnvelope(fern.id, read, fakeEnvelope('input', 'in-1', fern, [me]), T + 14);
		await markSeen(me.id, read, 'in-1', 1);

		const quiet: string[] = [];
		for (let i = 0; i < 2 * PAGE_SIZE; i++) quiet.push(await open(me, T + 100 + i));
		const needing = [urgent, unread, paused, invited, pending, leadGone];

		const pages = await allPages(me.id, now);
		expect(pages).toHaveLength(3);
		const seen = pages.flatMap((p) => p.cases.map((c) => c.id));
		expect(seen).toHaveLength(needing.length + 1 + quiet.length);
		expect(new Set(seen).size).toBe(seen.length);
		expect(new Set(seen)).toEqual(new Set([...needing, read, ...quiet]));
		for (const p of pages) {
			expect(p).toMatchObject({ total: seen.length, needing: needing.length, facilitating: true });
			expect(p.cases.length).toBeLessThanOrEqual(PAGE_SIZE);
		}

		// The urgent signal first, then what else needs me (newest first), then the rest.
		expect(seen.slice(0, needing.length)).toEqual([
			urgent,
			leadGone,
			pending,
			invited,
			paused,
			unread
		]);
		expect(pages[0]!.cases.slice(0, needing.length).map((c) => c.tier)).toEqual([2, 1, 1, 1, 1, 1]);
		expect(seen.slice(needing.length)).toEqual([...[...quiet].reverse(), read]);

		// Each case says what `listCasesFor` and `unreadByCase` say of it, counted on read.
		const listed = await listCasesFor(me.id, now);
		const counted = await unreadByCase(
			me.id,
			listed.map((c) => c.id),
			now
		);
		const byId = new Map(pages.flatMap((p) => p.cases).map((c) => [c.id, c]));
		for (const c of listed) {
			expect(byId.get(c.id)).toEqual({
				...c,
				unread: counted.get(c.id) ?? 0,
				tier: byId.get(c.id)!.tier
			});
		}
		expect(byId.get(urgent)).toMatchObject({ urgent: 1 });
		expect(byId.get(unread)).toMatchObject({ unread: 1 });
		expect(byId.get(paused)).toMatchObject({ notices: 1 });
		expect(byId.get(invited)).toMatchObject({ waitingInvites: 1 });
		expect(byId.get(pending)).toMatchObject({ pendingLog: 1, waitingInvites: 0 });
		expect(byId.get(leadGone)).toMatchObject({ leadActive: false, leadName: 'Sam' });

		// A participant: their one case, ranked by their news only.
		const asAsh = await dashboardFor(ash.id, 1, now);
		expect(asAsh).toMatchObject({ total: 1, needing: 0, facilitating: false, pages: 1 });
		expect(asAsh.cases[0]).toMatchObject({ id: unread, myRole: 'responsible', pendingLog: 0 });
	});

	test('a page past the end has no cases and says which page is the last', async () => {
		const me = await person('facilitator');
		await open(me, T);
		const past = await dashboardFor(me.id, 4);
		expect(past).toMatchObject({ cases: [], total: 1, pages: 1, page: 4 });
		const none = await dashboardFor((await person(null)).id, 1);
		expect(none).toMatchObject({ cases: [], total: 0, needing: 0, pages: 1 });
	});

	test('one statement, however many cases', async () => {
		const me = await person('facilitator');
		await open(me, T);
		const forOne = await countQueries(() => dashboardFor(me.id, 1));
		for (let i = 0; i < PAGE_SIZE + 5; i++) await open(me, T + i + 1);
		expect(await countQueries(() => dashboardFor(me.id, 1))).toBe(forOne);
		expect(await countQueries(() => dashboardFor(me.id, 2))).toBe(forOne);
		expect(forOne).toBe(1);
	});
});
