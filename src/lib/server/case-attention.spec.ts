import { readFileSync } from 'node:fs';
import { and, eq, inArray, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { getDb } from './db';
import {
	caseAttention,
	caseInvites,
	caseMembers,
	caseNotices,
	casePending,
	cases,
	caseUnread,
	links,
	memberAttention,
	users,
	type User
} from './db/schema';
import { URGENT } from './case-notices';
import { generateId } from './auth/tokens';
import { insertUser, useTestDb } from './test-db';

/**
 * `case_attention` is kept by triggers (migration 0011), and `member_attention` by triggers on
 * it and on the memberships and unread counters (migration 0013). Whatever is written to the
 * tables they summarize, in any order, each case's row must equal the facts counted from
 * scratch, the way the dashboard counted them before the tables existed, and each member's row
 * their membership, their case's row and their unread counter.
 */

useTestDb();

const T = Date.UTC(2030, 0, 1);
const NOTICE_KINDS = ['talk', 'unsafe', 'paused', 'resumed', 'withdrawn', 'choices'] as const;

type Facts = {
	urgent: number;
	notices: number;
	pending: number;
	inviteUntil: number | null;
	leadActive: boolean;
};

const urgentKinds = sql.join(
	URGENT.map((k) => sql`${k}`),
	sql`, `
);

/** The facts of one case, counted from the rows themselves. */
async function counted(caseId: string): Promise<Facts> {
	const [row] = await getDb().all<{
		urgent: number;
		notices: number;
		pending: number;
		invite_until: number | null;
		lead_active: number;
	}>(sql`select
		(select count(*) from case_notices n where n.case_id = ${caseId} and n.seen_at is null
			and n.kind in (${urgentKinds})) as urgent,
		(select count(*) from case_notices n where n.case_id = ${caseId} and n.seen_at is null
			and n.kind not in (${urgentKinds})) as notices,
		(select count(*) from case_pending p where p.case_id = ${caseId}) as pending,
		(select max(l.expires_at) from case_invites ci inner join links l on l.id = ci.link_id
			where ci.case_id = ${caseId} and l.used_at is null and l.revoked_at is null)
			as invite_until,
		exists (select 1 from cases c inner join users u on u.id = c.lead_id
			where c.id = ${caseId} and u.status = 'active') as lead_active`);
	return {
		urgent: row!.urgent,
		notices: row!.notices,
		pending: row!.pending,
		inviteUntil: row!.invite_until,
		leadActive: row!.lead_active === 1
	};
}

async function stored(caseId: string): Promise<Facts | undefined> {
	const [row] = await getDb().select().from(caseAttention).where(eq(caseAttention.caseId, caseId));
	if (!row) return undefined;
	return {
		urgent: row.urgent,
		notices: row.notices,
		pending: row.pending,
		inviteUntil: row.inviteUntil,
		leadActive: row.leadActive
	};
}

async function newCase(lead: User, at = T) {
	const id = generateId();
	await getDb()
		.insert(cases)
		.values({
			id,
			ref: `CK-${id.slice(0, 8)}`,
			leadId: lead.id,
			createdBy: lead.id,
			createdAt: at
		});
	return id;
}

async function newInvite(caseId: string, by: User, expiresAt: number) {
	const id = generateId();
	await getDb().insert(links).values({
		id,
		tokenHash: generateId(),
		kind: 'case',
		createdBy: by.id,
		createdAt: T,
		expiresAt
	});
	await getDb().insert(caseInvites).values({ linkId: id, caseId, role: 'community' });
	return id;
}

const ROLES = ['facilitator', 'survivor', 'responsible', 'supporter', 'community'] as const;
const STATUSES = ['active', 'paused', 'withdrawn', 'removed'] as const;

/** Every member's row as it should be: built from its sources, sorted. */
async function membersCounted() {
	return getDb().all<typeof memberAttention.$inferSelect>(sql`select m.user_id as userId,
			m.case_id as caseId, m.role, m.status, c.created_at as createdAt, a.urgent, a.notices,
			a.pending, a.invite_until as inviteUntil, a.lead_active = 1 as leadActive,
			coalesce(u.count, 0) as unread
		from case_members m inner join cases c on c.id = m.case_id
			inner join case_attention a on a.case_id = m.case_id
			left join case_unread u on u.user_id = m.user_id and u.case_id = m.case_id
		order by m.user_id, m.case_id`);
}

async function membersStored() {
	const rows = await getDb()
		.select()
		.from(memberAttention)
		.orderBy(memberAttention.userId, memberAttention.caseId);
	// The query above gives SQLite's 0/1 for the flag.
	return rows.map((r) => ({ ...r, leadActive: r.leadActive ? 1 : 0 }));
}

async function join(caseId: string, user: User, role: (typeof ROLES)[number] = 'community') {
	await getDb().insert(caseMembers).values({
		caseId,
		userId: user.id,
		role,
		displayName: user.displayName,
		fp: 'fp',
		joinedAt: T,
		statusAt: T
	});
}

describe('case_attention, kept by triggers', () => {
	test('a new case has its row at once, with nothing waiting', async () => {
		const lead = await insertUser();
		const caseId = await newCase(lead);
		expect(await stored(caseId)).toEqual({
			urgent: 0,
			notices: 0,
			pending: 0,
			inviteUntil: null,
			leadActive: true
		});
	});

	test('follows every kind of write to the tables it summarizes, in any order', async () => {
		const leads = [await insertUser(), await insertUser(), await insertUser()];
		const caseIds = [await newCase(leads[0]!), await newCase(leads[1]!), await newCase(leads[0]!)];
		const other = await insertUser();
		const people = [...leads, other];

		const pick = <T>(list: T[], i: number) => list[i % list.length]!;
		const op = fc.oneof(
			fc.record({
				t: fc.constant('notice' as const),
				c: fc.nat(),
				kind: fc.constantFrom(...NOTICE_KINDS),
				seen: fc.boolean()
			}),
			fc.record({ t: fc.constant('see' as const), i: fc.nat(), seen: fc.boolean() }),
			fc.record({ t: fc.constant('moveNotice' as const), i: fc.nat(), c: fc.nat() }),
			fc.record({ t: fc.constant('dropNotice' as const), i: fc.nat() }),
			fc.record({ t: fc.constant('pending' as const), c: fc.nat() }),
			fc.record({ t: fc.constant('dropPending' as const), i: fc.nat() }),
			fc.record({
				t: fc.constant('invite' as const),
				c: fc.nat(),
				days: fc.integer({ min: -3, max: 9 })
			}),
			fc.record({
				t: fc.constant('link' as const),
				i: fc.nat(),
				change: fc.constantFrom('use', 'revoke', 'reopen', 'extend', 'expire')
			}),
			fc.record({ t: fc.constant('dropLink' as const), i: fc.nat() }),
			fc.record({ t: fc.constant('dropInvite' as const), i: fc.nat() }),
			fc.record({
				t: fc.constant('status' as const),
				u: fc.nat(),
				status: fc.constantFrom('active', 'deactivated')
			}),
			fc.record({ t: fc.constant('lead' as const), c: fc.nat(), u: fc.nat() }),
			fc.record({
				t: fc.constant('join' as const),
				c: fc.nat(),
				u: fc.nat(),
				role: fc.constantFrom(...ROLES)
			}),
			fc.record({
				t: fc.constant('member' as const),
				i: fc.nat(),
				status: fc.constantFrom(...STATUSES),
				role: fc.constantFrom(...ROLES)
			}),
			fc.record({ t: fc.constant('leave' as const), i: fc.nat() }),
			fc.record({
				t: fc.constant('unread' as const),
				c: fc.nat(),
				u: fc.nat(),
				count: fc.integer({ min: 0, max: 4 })
			}),
			fc.record({ t: fc.constant('created' as const), c: fc.nat(), at: fc.nat() })
		);

		await fc.assert(
			fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
				const db = getDb();
				for (const o of ops) {
					if (o.t === 'notice') {
						await db.insert(caseNotices).values({
							caseId: pick(caseIds, o.c),
							userId: other.id,
							kind: o.kind,
							createdAt: T,
							seenAt: o.seen ? T : null
						});
					} else if (o.t === 'see' || o.t === 'moveNotice' || o.t === 'dropNotice') {
						const all = await db.select({ id: caseNotices.id }).from(caseNotices);
						if (!all.length) continue;
						const where = eq(caseNotices.id, pick(all, o.i).id);
						if (o.t === 'see')
							await db
								.update(caseNotices)
								.set({ seenAt: o.seen ? T : null })
								.where(where);
						else if (o.t === 'moveNotice')
							await db
								.update(caseNotices)
								.set({ caseId: pick(caseIds, o.c) })
								.where(where);
						else await db.delete(caseNotices).where(where);
					} else if (o.t === 'pending') {
						await db.insert(casePending).values({
							id: generateId(),
							caseId: pick(caseIds, o.c),
							userId: other.id,
							change: '{}',
							createdAt: T
						});
					} else if (o.t === 'dropPending') {
						const all = await db.select({ id: casePending.id }).from(casePending);
						if (all.length)
							await db.delete(casePending).where(eq(casePending.id, pick(all, o.i).id));
					} else if (o.t === 'invite') {
						await newInvite(pick(caseIds, o.c), other, T + o.days * 86_400_000);
					} else if (o.t === 'link' || o.t === 'dropLink' || o.t === 'dropInvite') {
						const all = await db.select({ id: caseInvites.linkId }).from(caseInvites);
						if (!all.length) continue;
						const id = pick(all, o.i).id;
						if (o.t === 'dropLink') await db.delete(links).where(eq(links.id, id));
						else if (o.t === 'dropInvite')
							await db.delete(caseInvites).where(eq(caseInvites.linkId, id));
						else {
							const change = {
								use: { usedAt: T },
								revoke: { revokedAt: T },
								reopen: { usedAt: null, revokedAt: null },
								extend: { expiresAt: T + 30 * 86_400_000 },
								expire: { expiresAt: T - 1 }
							}[o.change];
							await db.update(links).set(change).where(eq(links.id, id));
						}
					} else if (o.t === 'status') {
						const u = pick(leads, o.u);
						await db.update(users).set({ status: o.status }).where(eq(users.id, u.id));
					} else if (o.t === 'lead') {
						await db
							.update(cases)
							.set({ leadId: pick(leads, o.u).id })
							.where(eq(cases.id, pick(caseIds, o.c)));
					} else if (o.t === 'join') {
						await join(pick(caseIds, o.c), pick(people, o.u), o.role).catch(() => {
							// Already a member: the primary key refuses it, and nothing changes.
						});
					} else if (o.t === 'member' || o.t === 'leave') {
						const all = await db
							.select({ caseId: caseMembers.caseId, userId: caseMembers.userId })
							.from(caseMembers);
						if (!all.length) continue;
						const m = pick(all, o.i);
						const where = and(eq(caseMembers.caseId, m.caseId), eq(caseMembers.userId, m.userId));
						if (o.t === 'leave') await db.delete(caseMembers).where(where);
						else await db.update(caseMembers).set({ status: o.status, role: o.role }).where(where);
					} else if (o.t === 'unread') {
						// Mostly a member's counter (the only ones member_attention copies):
						// deleted at 0, else inserted or updated, so each of its triggers runs.
						const all = await db
							.select({ caseId: caseMembers.caseId, userId: caseMembers.userId })
							.from(caseMembers);
						const key =
							all.length && o.u % 4 !== 0
								? pick(all, o.c)
								: { userId: pick(people, o.u).id, caseId: pick(caseIds, o.c) };
						const where = and(eq(caseUnread.userId, key.userId), eq(caseUnread.caseId, key.caseId));
						if (o.count === 0) await db.delete(caseUnread).where(where);
						else
							await db
								.insert(caseUnread)
								.values({ ...key, count: o.count })
								.onConflictDoUpdate({
									target: [caseUnread.userId, caseUnread.caseId],
									set: { count: o.count }
								});
					} else {
						await db
							.update(cases)
							.set({ createdAt: T + o.at })
							.where(eq(cases.id, pick(caseIds, o.c)));
					}
				}
				for (const caseId of caseIds) expect(await stored(caseId)).toEqual(await counted(caseId));
				expect(await membersStored()).toEqual(await membersCounted());
			}),
			{ numRuns: 100 }
		);
	});

	test("a new lead account and a lead's deleted account are followed", async () => {
		const lead = await insertUser({ status: 'deactivated' });
		const caseId = await newCase(lead);
		expect((await stored(caseId))?.leadActive).toBe(false);
		await getDb().update(users).set({ status: 'active' }).where(eq(users.id, lead.id));
		expect((await stored(caseId))?.leadActive).toBe(true);
		// An invitation made by someone whose account is then deleted goes with them (cascade).
		const maker = await insertUser();
		await newInvite(caseId, maker, T + 86_400_000);
		expect((await stored(caseId))?.inviteUntil).toBe(T + 86_400_000);
		await getDb().delete(users).where(eq(users.id, maker.id));
		expect(await stored(caseId)).toEqual(await counted(caseId));
		expect((await stored(caseId))?.inviteUntil).toBeNull();
	});

	test('goes with its case', async () => {
		const lead = await insertUser();
		const caseId = await newCase(lead);
		await getDb()
			.insert(caseNotices)
			.values({ caseId, userId: lead.id, kind: 'unsafe', createdAt: T });
		await getDb().delete(cases).where(eq(cases.id, caseId));
		expect(await stored(caseId)).toBeUndefined();
	});

	test("the migration's fill gives the same rows as the triggers kept", async () => {
		const lead = await insertUser();
		const a = await newCase(lead);
		const b = await newCase(lead);
		await getDb()
			.insert(caseNotices)
			.values([
				{ caseId: a, userId: lead.id, kind: 'talk', createdAt: T },
				{ caseId: b, userId: lead.id, kind: 'paused', createdAt: T }
			]);
		await newInvite(b, lead, T + 5);
		await join(a, lead, 'facilitator');
		const all = await getDb().select({ id: cases.id }).from(cases);
		const before = await getDb().select().from(caseAttention);

		// The migration's last statement, run again on an emptied table.
		const migration = readFileSync('drizzle/0011_case_attention.sql', 'utf8');
		const fill = migration.split('--> statement-breakpoint').at(-1)!;
		expect(fill).toContain('INSERT INTO case_attention');
		await getDb().delete(caseAttention);
		// Written while the case has no row: only the new row can bring it to its members.
		await getDb()
			.insert(caseNotices)
			.values({ caseId: a, userId: lead.id, kind: 'unsafe', createdAt: T });
		await getDb().run(sql.raw(fill));
		expect(await membersStored()).toEqual(await membersCounted());
		expect((await membersStored()).find((r) => r.caseId === a)?.urgent).toBe(2);
		await getDb()
			.delete(caseNotices)
			.where(and(eq(caseNotices.caseId, a), eq(caseNotices.kind, 'unsafe')));

		const after = await getDb()
			.select()
			.from(caseAttention)
			.where(
				inArray(
					caseAttention.caseId,
					all.map((c) => c.id)
				)
			);
		const byId = (rows: (typeof before)[number][]) =>
			[...rows].sort((x, y) => x.caseId.localeCompare(y.caseId));
		expect(byId(after)).toEqual(byId(before));
		expect(after).toHaveLength(all.length);
	});

	test("a member's row goes with their membership, their account and their case", async () => {
		const lead = await insertUser();
		const party = await insertUser();
		const caseId = await newCase(lead);
		const other = await newCase(lead);
		await join(caseId, lead, 'facilitator');
		await join(caseId, party, 'survivor');
		await join(other, party, 'survivor');
		await getDb().insert(caseUnread).values({ userId: party.id, caseId, count: 3 });
		const mine = async (u: User) =>
			(await membersStored())
				.filter((r) => r.userId === u.id)
				.map((r) => `${r.caseId} ${r.unread}`)
				.sort();
		expect(await mine(party)).toEqual([`${caseId} 3`, `${other} 0`].sort());
		await getDb().delete(users).where(eq(users.id, party.id));
		expect(await mine(party)).toEqual([]);
		expect(await mine(lead)).toEqual([`${caseId} 0`]);
		await getDb().delete(cases).where(eq(cases.id, caseId));
		expect(await mine(lead)).toEqual([]);
		expect(await membersStored()).toEqual(await membersCounted());
	});

	test("migration 0013's fill gives the same rows as the triggers kept", async () => {
		const lead = await insertUser();
		const party = await insertUser();
		const a = await newCase(lead);
		const b = await newCase(lead, T + 1);
		await join(a, lead, 'facilitator');
		await join(b, lead, 'facilitator');
		await join(a, party, 'responsible');
		await getDb()
			.update(caseMembers)
			.set({ status: 'paused' })
			.where(and(eq(caseMembers.caseId, a), eq(caseMembers.userId, party.id)));
		await getDb()
			.insert(caseNotices)
			.values({ caseId: b, userId: party.id, kind: 'talk', createdAt: T });
		await newInvite(a, lead, T + 9);
		await getDb().insert(caseUnread).values({ userId: lead.id, caseId: b, count: 2 });
		const before = await membersStored();
		expect(before.length).toBeGreaterThanOrEqual(3);

		const migration = readFileSync('drizzle/0013_member_attention.sql', 'utf8');
		const fill = migration.split('--> statement-breakpoint').at(-1)!;
		expect(fill).toContain('INSERT INTO member_attention');
		await getDb().delete(memberAttention);
		await getDb().run(sql.raw(fill));
		expect(await membersStored()).toEqual(before);
		expect(before).toEqual(await membersCounted());
	});
});
