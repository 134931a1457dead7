import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { spawn } from 'node:child_process';
import { getDb, write } from './db';
import {
	agreementConsents,
	agreementItems,
	agreementNews,
	agreements,
	agreementSigners,
	agreementVersions,
	attachmentChunks,
	attachments,
	auditEvents,
	caseEnvelopes,
	caseEvents,
	caseMembers,
	caseNotices,
	casePending,
	cases,
	caseSeen,
	caseWraps,
	checkIns,
	itemApprovals,
	itemStatuses,
	keyWraps,
	links,
	meetingInvitees,
	meetingNotices,
	meetingPolls,
	meetings,
	passkeys,
	personalEnvelopes,
	pollAnswers,
	pollInvitees,
	pollSlots,
	programStats,
	relays,
	users
} from './db/schema';
import { addMember, caseWith, fakeEnvelope, T } from './case-fixtures';
import { insertPasskey, useTestDb } from './test-db';
import { closeCase } from './agreements';
import { setStage } from './cases';
import { previewPurge, purge } from './purge';
import { DAY, RETENTION_DEFAULTS, retentionPolicy, setRetentionPolicy } from './retention';
import { programStatistics, suppress } from './program-stats';
import { audit } from './audit';
import { createFacilitatorInvite } from './links';
import { putCaseEnvelope } from './case-envelopes';
import { generateId } from './auth/tokens';

useTestDb();

const WINDOW = RETENTION_DEFAULTS.closedCaseDays * DAY;

/** Every table of the app with its row count (drizzle's own bookkeeping left out). */
async function countAll() {
	const db = getDb();
	const tables = await db.all<{ name: string }>(
		sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name`
	);
	const counts: Record<string, number> = {};
	for (const { name } of tables) {
		const [row] = await db.all<{ n: number }>(sql.raw(`select count(*) as n from "${name}"`));
		counts[name] = row?.n ?? 0;
	}
	return counts;
}

const minus = (a: Record<string, number>, b: Record<string, number>) =>
	Object.fromEntries(Object.keys(a).map((k) => [k, (a[k] ?? 0) - (b[k] ?? 0)]));

/**
 * A case with a row in every table that can hang off a case: sealed objects and their wraps
 * (the body carries `canary`), a file with a chunk, meetings, polls, the agreement with all its
 * parts, notices, news, relays, a draft, an unused invite, audit events. Fake bytes throughout:
 * the server never opens them.
 */
async function fullCase(canary: string, closedAt: number | null) {
	const c = await caseWith(['survivor', 'responsible']);
	const { lead, caseId } = c;
	const survivor = c.survivor!;
	const responsible = c.responsible!;
	const body = Buffer.from(`${canary} ${canary}`).toString('base64url');
	await putCaseEnvelope(
		survivor.id,
		caseId,
		fakeEnvelope('input', 'input-1', survivor, [lead], { body }),
		T
	);
	const meetingId = generateId();
	const pollId = generateId();
	const agreementId = generateId();
	const attachmentId = generateId();
	await write(async (tx) => {
		await tx.insert(attachments).values({
			id: attachmentId,
			caseId,
			ownerId: survivor.id,
			size: 10,
			chunkSize: 10,
			chunkCount: 1,
			objectId: 'input-1',
			version: 1,
			createdAt: T
		});
		await tx
			.insert(attachmentChunks)
			.values({ attachmentId, idx: 0, data: Buffer.from(`chunk ${canary}`) });
		await tx.insert(meetings).values({
			id: meetingId,
			caseId,
			kind: 'preparation',
			startsAt: T + DAY,
			durationMin: 60,
			timeZone: 'Europe/Berlin',
			createdBy: lead.id,
			createdAt: T,
			changedAt: T
		});
		await tx.insert(meetingInvitees).values({ meetingId, userId: survivor.id });
		await tx
			.insert(meetingNotices)
			.values({ caseId, meetingId, userId: survivor.id, kind: 'scheduled', createdAt: T });
		await tx.insert(meetingPolls).values({
			id: pollId,
			caseId,
			kind: 'circle',
			durationMin: 90,
			timeZone: 'Europe/Berlin',
			createdBy: lead.id,
			createdAt: T
		});
		await tx.insert(pollSlots).values({ pollId, idx: 0, startsAt: T + 2 * DAY });
		await tx.insert(pollInvitees).values({ pollId, userId: survivor.id, answeredAt: T });
		await tx.insert(pollAnswers).values({ pollId, userId: survivor.id, idx: 0, answer: 'yes' });
		await tx
			.insert(agreements)
			.values({ id: agreementId, caseId, createdBy: lead.id, createdAt: T });
		await tx.insert(agreementVersions).values({
			agreementId,
			version: 1,
			digest: 'd',
			logSeq: 0,
			logHash: 'h',
			createdBy: lead.id,
			createdAt: T
		});
		await tx.insert(agreementItems).values({
			agreementId,
			version: 1,
			itemId: 'item-1',
			kind: 'apology',
			ownerId: responsible.id
		});
		await tx
			.insert(agreementSigners)
			.values({ agreementId, version: 1, userId: responsible.id, role: 'responsible', fp: 'f' });
		await tx.insert(agreementConsents).values({
			agreementId,
			version: 1,
			userId: responsible.id,
			role: 'responsible',
			method: 'signature',
			decision: 'approve',
			signature: 's',
			at: T
		});
		await tx.insert(itemApprovals).values({
			agreementId,
			version: 1,
			itemId: 'item-1',
			userId: survivor.id,
			decision: 'approve',
			at: T
		});
		await tx
			.insert(itemStatuses)
			.values({ agreementId, itemId: 'item-1', status: 'done', actorId: lead.id, at: T });
		await tx.insert(checkIns).values({
			id: generateId(),
			caseId,
			agreementId,
			itemId: 'item-1',
			authorId: responsible.id,
			createdAt: T
		});
		await tx.insert(agreementNews).values({
			caseId,
			userId: survivor.id,
			kind: 'in_force',
			level: 'milestone',
			createdAt: T
		});
		await tx
			.insert(caseNotices)
			.values({ caseId, userId: survivor.id, kind: 'talk', createdAt: T });
		await tx
			.insert(caseSeen)
			.values({ userId: lead.id, caseId, objectId: 'input-1', version: 1, seenAt: T });
		await tx.insert(relays).values({
			id: generateId(),
			caseId,
			fromId: survivor.id,
			toId: responsible.id,
			status: 'proposed',
			createdAt: T
		});
		await tx.insert(casePending).values({
			id: generateId(),
			caseId,
			userId: responsible.id,
			change: '{}',
			createdAt: T
		});
		await tx.insert(personalEnvelopes).values({
			userId: survivor.id,
			objectId: `draft-${caseId}`,
			kind: 'draft',
			caseId,
			version: 1,
			deleted: false,
			header: 'h',
			body,
			wrap: 'w',
			size: 1,
			updatedAt: T
		});
		await tx.insert(auditEvents).values({
			at: T,
			actorId: lead.id,
			action: 'meeting.scheduled',
			objectType: 'meeting',
			objectId: meetingId,
			caseId
		});
		// Somewhere to go this case, so the stage counter has something to count.
		await tx.insert(caseEvents).values({
			caseId,
			at: T,
			actorId: lead.id,
			kind: 'stage',
			value: 'circle'
		});
	});
	if (closedAt !== null) await closeCase(lead.id, caseId, 'completed', closedAt);
	return { ...c, meetingId, pollId, agreementId, attachmentId };
}

/** The database file and its WAL as text (latin1 keeps every byte). */
function fileText(path: string) {
	const main = readFileSync(path).toString('latin1');
	const wal = existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`).toString('latin1') : '';
	return { main, wal, all: main + wal };
}

const dbPath = () => (process.env.DATABASE_URL ?? '').slice('file:'.length);

describe('the purge', () => {
	test('deletes a closed case just past its window with every dependent row, and keeps one just inside', async () => {
		const before = await countAll();
		const gone = await fullCase('CANARY-GONE-7f3a', T);
		const afterGone = await countAll();
		const kept = await fullCase('CANARY-KEPT-91c2', T + 1);
		const afterKept = await countAll();
		const rowsOf = minus(afterKept, afterGone);
		// Both cases were made the same way: each has rows in the same tables.
		expect(minus(afterGone, before)).toEqual(rowsOf);
		for (const table of [
			'cases',
			'case_members',
			'case_log',
			'case_events',
			'case_envelopes',
			'case_wraps',
			'attachments',
			'attachment_chunks',
			'meetings',
			'meeting_invitees',
			'meeting_notices',
			'meeting_polls',
			'poll_slots',
			'poll_invitees',
			'poll_answers',
			'agreements',
			'agreement_versions',
			'agreement_items',
			'agreement_signers',
			'agreement_consents',
			'item_approvals',
			'item_statuses',
			'check_ins',
			'agreement_news',
			'case_notices',
			'case_seen',
			'relays',
			'case_pending',
			'case_invites',
			'personal_envelopes',
			'audit_events'
		]) {
			expect(rowsOf[table], table).toBeGreaterThan(0);
		}

		// One millisecond before the window ends for `gone`: no case goes. (Used invite links
		// have expired by then, for both cases alike.)
		const at = T + WINDOW;
		expect(await purge(at - 1)).toMatchObject({ cases: 0 });
		const justBefore = await countAll();
		const expired = minus(afterKept, justBefore);
		expect(
			Object.keys(expired)
				.filter((k) => expired[k] !== 0)
				.sort()
		).toEqual(['case_invites', 'links']);

		const report = await purge(at);
		expect(report).toMatchObject({ cases: 1, checkpointed: true });
		const changed = minus(justBefore, await countAll());
		for (const [table, n] of Object.entries(rowsOf)) {
			// People stay (their own window), the purge adds its own audit event and counters.
			if (['audit_events', 'users', 'identities', 'program_stats'].includes(table)) continue;
			if (['links', 'case_invites'].includes(table)) continue;
			expect(changed[table], table).toBe(n);
		}
		expect(changed.program_stats).toBeLessThanOrEqual(0);
		// Its audit events went with it; the purge itself is recorded, tied to no case.
		const auditLeft = await getDb()
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.caseId, gone.caseId));
		expect(auditLeft).toEqual([]);
		const ran = await getDb().select().from(auditEvents).where(eq(auditEvents.action, 'purge.ran'));
		expect(ran).toHaveLength(1);
		expect(ran[0]).toMatchObject({ actorId: null, caseId: null, objectId: null });
		// Nothing anywhere still names the purged case.
		const text = fileText(dbPath()).all;
		for (const id of [gone.caseId, gone.meetingId, gone.pollId, gone.agreementId]) {
			expect(text.includes(id), id).toBe(false);
		}
		const [stillThere] = await getDb().select().from(cases).where(eq(cases.id, kept.caseId));
		expect(stillThere).toBeDefined();

		// Just past its own window, the second one goes too.
		expect(await purge(T + 1 + WINDOW)).toMatchObject({ cases: 1 });
		expect(await getDb().select().from(cases).where(eq(cases.id, kept.caseId))).toEqual([]);
	});

	test('leaves no trace of a purged canary in the database file or its WAL', async () => {
		const gone = await fullCase('CANARY-SHRED-55e1', T);
		const kept = await fullCase('CANARY-STAYS-0b9d', null);
		// The canary is in the file (the search can find it) until the purge.
		const encoded = (s: string) => Buffer.from(`${s} ${s}`).toString('base64url');
		const before = fileText(dbPath()).all;
		expect(before.includes(encoded('CANARY-SHRED-55e1'))).toBe(true);
		expect(before.includes('chunk CANARY-SHRED-55e1')).toBe(true);

		const report = await purge(T + WINDOW);
		expect(report.cases).toBeGreaterThanOrEqual(1);
		expect(report.checkpointed).toBe(true);
		const { main, wal } = fileText(dbPath());
		expect(wal.length).toBe(0);
		for (const needle of [encoded('CANARY-SHRED-55e1'), 'chunk CANARY-SHRED-55e1', gone.caseId]) {
			expect(main.includes(needle), needle).toBe(false);
		}
		// What was not purged is still found the same way.
		expect(main.includes(encoded('CANARY-STAYS-0b9d'))).toBe(true);
		expect(main.includes(kept.caseId)).toBe(true);
	});

	test('keeps only counters for the program statistics, never below five when shown', async () => {
		const before = new Map(
			(await getDb().select().from(programStats)).map((r) => [r.key, r.count])
		);
		const c = await fullCase('CANARY-STATS-1', null);
		await closeCase(c.lead.id, c.caseId, 'partial', T + 40 * DAY);
		await purge(T + 40 * DAY + WINDOW);
		const after = new Map((await getDb().select().from(programStats)).map((r) => [r.key, r.count]));
		const bumped = [...after].filter(([k, n]) => n !== (before.get(k) ?? 0)).map(([k]) => k);
		expect(bumped.sort()).toEqual(['length:1-3', 'outcome:partial', 'stage:circle']);
		// Keys only: no id, no date.
		for (const key of after.keys()) expect(key).toMatch(/^(outcome|stage|length):[a-z0-9-]+$/);

		const stats = await programStatistics();
		const shown = [
			stats.closed.total,
			stats.open.total,
			...[stats.closed.outcomes, stats.closed.stages, stats.closed.lengths, stats.open.stages]
				.flat()
				.map((cell) => cell.count)
		];
		for (const n of shown) if (n !== null) expect(n).toBeGreaterThanOrEqual(5);
		expect(stats.closed.outcomes.find((c) => c.key === 'partial')?.count).toBeNull();
	});

	test('suppression hides a second cell when only one would be hidden', () => {
		const keys = ['a', 'b', 'c'] as const;
		expect(
			suppress(
				new Map([
					['a', 9],
					['b', 6],
					['c', 2]
				]),
				keys
			)
		).toEqual([
			{ key: 'a', count: 9 },
			{ key: 'b', count: null },
			{ key: 'c', count: null }
		]);
		expect(
			suppress(
				new Map([
					['a', 9],
					['b', 6],
					['c', 7]
				]),
				keys
			).map((c) => c.count)
		).toEqual([9, 6, 7]);
		// Zero is hidden too: an empty row would say as much as a small one.
		expect(suppress(new Map([['a', 9]]), keys).map((c) => c.count)).toEqual([9, null, null]);
		expect(suppress(new Map([['a', 4]]), ['a'] as const)).toEqual([{ key: 'a', count: null }]);
	});

	test('a case reopened before its window ends is not purged', async () => {
		const c = await fullCase('CANARY-REOPEN', T);
		await setStage(c.lead.id, c.caseId, 'follow-up', T + DAY);
		expect(await purge(T + 2 * WINDOW)).toMatchObject({ cases: 0 });
		expect(await getDb().select().from(cases).where(eq(cases.id, c.caseId))).toHaveLength(1);
		await closeCase(c.lead.id, c.caseId, 'ended', T + 2 * WINDOW);
		expect(await purge(T + 3 * WINDOW)).toMatchObject({ cases: 1 });
	});
});

describe('accounts, invites and audit events', () => {
	test('a participant whose last case is purged goes after the account window, a facilitator never', async () => {
		const c = await fullCase('CANARY-ORPHAN', T);
		const survivor = c.survivor!;
		await insertPasskey(survivor.id);
		await getDb().insert(keyWraps).values({
			id: generateId(),
			userId: survivor.id,
			kind: 'recovery',
			wrapId: 'r',
			salt: 's',
			box: 'b',
			createdAt: T
		});
		const purgedAt = T + WINDOW;
		await purge(purgedAt);
		const [orphan] = await getDb().select().from(users).where(eq(users.id, survivor.id));
		expect(orphan?.orphanedAt).toBe(purgedAt);

		const orphanWindow = RETENTION_DEFAULTS.orphanDays * DAY;
		expect(await purge(purgedAt + orphanWindow - 1)).toMatchObject({ accounts: 0 });
		expect(await getDb().select().from(users).where(eq(users.id, survivor.id))).toHaveLength(1);
		expect((await purge(purgedAt + orphanWindow)).accounts).toBeGreaterThanOrEqual(2);
		expect(await getDb().select().from(users).where(eq(users.id, survivor.id))).toEqual([]);
		expect(await getDb().select().from(passkeys).where(eq(passkeys.userId, survivor.id))).toEqual(
			[]
		);
		expect(await getDb().select().from(keyWraps).where(eq(keyWraps.userId, survivor.id))).toEqual(
			[]
		);
		// The facilitator who led it has no case left either, and stays.
		expect(await getDb().select().from(users).where(eq(users.id, c.lead.id))).toHaveLength(1);
	});

	test('a participant still in another case is not orphaned', async () => {
		const a = await fullCase('CANARY-A', T);
		const b = await caseWith([]);
		const again = await addMember(b.lead, b.caseId, 'survivor');
		// The same person in two cases: move the new membership onto a's survivor.
		await getDb()
			.update(caseMembers)
			.set({ userId: a.survivor!.id })
			.where(and(eq(caseMembers.userId, again.id), eq(caseMembers.caseId, b.caseId)));
		await purge(T + WINDOW);
		const [still] = await getDb().select().from(users).where(eq(users.id, a.survivor!.id));
		expect(still?.orphanedAt).toBeNull();
		await purge(T + WINDOW + 365 * DAY);
		expect(await getDb().select().from(users).where(eq(users.id, a.survivor!.id))).toHaveLength(1);
	});

	test('an unused invite goes after its window; audit events without a case after theirs', async () => {
		const c = await caseWith([]);
		const invite = await createFacilitatorInvite(c.lead.id, T);
		const inviteWindow = RETENTION_DEFAULTS.inviteDays * DAY;
		await purge(T + inviteWindow - 1);
		expect(await getDb().select().from(links).where(eq(links.id, invite.id))).toHaveLength(1);
		await purge(T + inviteWindow);
		expect(await getDb().select().from(links).where(eq(links.id, invite.id))).toEqual([]);

		const at = T + 1000;
		await audit(
			{ actorId: c.lead.id, action: 'signin', objectType: 'passkey', objectId: 'pk' },
			at
		);
		const auditWindow = RETENTION_DEFAULTS.auditDays * DAY;
		const signins = () =>
			getDb()
				.select()
				.from(auditEvents)
				.where(and(eq(auditEvents.action, 'signin'), eq(auditEvents.at, at)));
		await purge(at + auditWindow);
		expect(await signins()).toHaveLength(1);
		await purge(at + auditWindow + 1);
		expect(await signins()).toEqual([]);
		// The case's own events are still there: they follow the case, not the audit window.
		const caseEvents = await getDb()
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.caseId, c.caseId));
		expect(caseEvents.length).toBeGreaterThan(0);
	});
});

describe('the retention policy', () => {
	test('a shorter window applies to data that already exists, and the preview says what will go', async () => {
		const admin = (await caseWith([])).lead;
		const c = await fullCase('CANARY-POLICY', T);
		const now = T + 2 * DAY;
		const shorter = { ...(await retentionPolicy()), closedCaseDays: 1 };
		const current = await previewPurge(await retentionPolicy(), now);
		const preview = await previewPurge(shorter, now);
		expect(preview.cases).toBe(current.cases + 1);
		// The preview deletes nothing.
		expect(await getDb().select().from(cases).where(eq(cases.id, c.caseId))).toHaveLength(1);

		await setRetentionPolicy(admin.id, shorter, now);
		expect(await retentionPolicy()).toEqual(shorter);
		const report = await purge(now);
		expect(report.cases).toBe(preview.cases);
		expect(await getDb().select().from(cases).where(eq(cases.id, c.caseId))).toEqual([]);
		await setRetentionPolicy(admin.id, RETENTION_DEFAULTS, now);
	});

	test('a stored value outside the bounds is clamped, never used as it is', async () => {
		const { settings } = await import('./db/schema');
		await getDb()
			.insert(settings)
			.values({ key: 'retention.closedCaseDays', value: '100000' })
			.onConflictDoUpdate({ target: settings.key, set: { value: '100000' } });
		expect((await retentionPolicy()).closedCaseDays).toBe(365);
		await getDb()
			.update(settings)
			.set({ value: 'soon' })
			.where(eq(settings.key, 'retention.closedCaseDays'));
		expect((await retentionPolicy()).closedCaseDays).toBe(RETENTION_DEFAULTS.closedCaseDays);
	});

	test('an invite link lives as long as the policy keeps an unused invite', async () => {
		const admin = (await caseWith([])).lead;
		await setRetentionPolicy(admin.id, { ...RETENTION_DEFAULTS, inviteDays: 2 }, T);
		const invite = await createFacilitatorInvite(admin.id, T);
		expect(invite.expiresAt).toBe(T + 2 * DAY);
		await setRetentionPolicy(admin.id, RETENTION_DEFAULTS, T);
	});
});

describe('a purge while requests are running', () => {
	test('nothing is half-deleted while this process and another one keep writing', async () => {
		const doomed = await fullCase('CANARY-RACE-1', T);
		const living = await fullCase('CANARY-RACE-2', null);
		// A second process (as `npm run purge` from cron would be, or a second instance) writing
		// to the same file at the same time, waiting on SQLite's lock. It must be a real process:
		// the driver blocks its thread while it waits.
		const other = spawn(
			process.execPath,
			[
				'--input-type=module',
				'-e',
				`const { createClient } = await import('@libsql/client');
				const db = createClient({ url: process.env.DATABASE_URL });
				await db.execute('PRAGMA busy_timeout = 10000');
				for (let i = 0; i < 40; i++) {
					await db.execute({ sql: 'insert into case_notices (case_id, user_id, kind, created_at) values (?, ?, ?, ?)', args: [process.env.CASE_ID, process.env.USER_ID, 'talk', i] });
					if (i === 0) console.log('writing');
					await new Promise((r) => setTimeout(r, 2));
				}
				db.close();`
			],
			{
				env: { ...process.env, CASE_ID: living.caseId, USER_ID: living.survivor!.id },
				stdio: ['ignore', 'pipe', 'inherit']
			}
		);
		await new Promise<void>((resolve) => other.stdout?.once('data', () => resolve()));
		const otherWrites = new Promise<number | null>((resolve) => other.once('exit', resolve));
		// Requests in this process: some to the case being purged (they may lose the race, and
		// then fail whole), some to a case that stays (they must all land).
		const here = Array.from({ length: 40 }, (_, i) =>
			write((tx) =>
				tx.insert(caseNotices).values({
					caseId: i % 2 ? doomed.caseId : living.caseId,
					userId: living.survivor!.id,
					kind: 'unsafe',
					createdAt: T + i
				})
			).then(
				() => 'ok' as const,
				() => 'refused' as const
			)
		);
		const [report, results, exitCode] = await Promise.all([
			purge(T + WINDOW),
			Promise.all(here),
			otherWrites
		]);
		expect(exitCode).toBe(0);
		expect(report.cases).toBeGreaterThanOrEqual(1);
		// Every write to the staying case landed.
		const living20 = await getDb()
			.select()
			.from(caseNotices)
			.where(and(eq(caseNotices.caseId, living.caseId), eq(caseNotices.kind, 'unsafe')));
		expect(living20).toHaveLength(20);
		const otherRows = await getDb()
			.select()
			.from(caseNotices)
			.where(and(eq(caseNotices.caseId, living.caseId), eq(caseNotices.kind, 'talk')));
		expect(otherRows.length).toBe(41);
		expect(results.filter((r) => r === 'ok').length).toBeGreaterThanOrEqual(20);
		// The purged case is gone whole: no row in any table names it.
		expect(await getDb().select().from(cases).where(eq(cases.id, doomed.caseId))).toEqual([]);
		for (const table of [caseNotices, caseEnvelopes, caseWraps, meetings, agreements, checkIns]) {
			const rows = await getDb().select().from(table).where(eq(table.caseId, doomed.caseId));
			expect(rows).toEqual([]);
		}
		expect(
			await getDb()
				.select()
				.from(meetingInvitees)
				.where(eq(meetingInvitees.meetingId, doomed.meetingId))
		).toEqual([]);
		expect(
			await getDb()
				.select()
				.from(attachmentChunks)
				.where(eq(attachmentChunks.attachmentId, doomed.attachmentId))
		).toEqual([]);
		const statusRows = await getDb()
			.select()
			.from(itemStatuses)
			.where(eq(itemStatuses.agreementId, doomed.agreementId));
		expect(statusRows).toEqual([]);
		// The staying case is whole.
		expect(
			await getDb().select().from(meetings).where(eq(meetings.id, living.meetingId))
		).toHaveLength(1);
	});
});
