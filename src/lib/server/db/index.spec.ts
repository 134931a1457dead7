import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { describe, expect, test } from 'vitest';
import * as schema from './schema';
import { auditEvents } from './schema';
import {
	checkpoint,
	closeDb,
	describeDatabaseUrl,
	getDb,
	isDatabaseUnavailable,
	openDb,
	write
} from '.';
import { holdWriteLock, useTestDb } from '../test-db';

useTestDb();

describe('database', () => {
	test('uses write-ahead logging', async () => {
		const [row] = await getDb().all<{ journal_mode: string }>(sql`PRAGMA journal_mode`);
		expect(row?.journal_mode).toBe('wal');
	});

	test('overwrites deleted content inside every write', async () => {
		// A pooled connection may not have it on; write() must turn it on itself.
		await getDb().run(sql`PRAGMA secure_delete=OFF`);
		const rows = await write((tx) => tx.all<{ secure_delete: number }>(sql`PRAGMA secure_delete`));
		expect(rows[0]?.secure_delete).toBe(1);
	});

	test('enforces foreign keys inside writes', async () => {
		const insert = write((tx) =>
			tx.run(sql`INSERT INTO sessions VALUES ('s', 'no-such-user', 1, 1, 1)`)
		);
		await expect(insert).rejects.toThrow();
	});

	test('many concurrent writes all land', async () => {
		const n = 50;
		const results = await Promise.all(
			Array.from({ length: n }, (_, i) =>
				write(async (tx) => {
					await tx.insert(auditEvents).values({ at: i, actorId: 'load', action: 'signin' });
					return i;
				})
			)
		);
		expect(results).toEqual(Array.from({ length: n }, (_, i) => i));
		const rows = await getDb()
			.select()
			.from(auditEvents)
			.where(sql`${auditEvents.actorId} = 'load'`);
		expect(rows.map((r) => r.at).sort((a, b) => a - b)).toEqual(results);
	});

	test('a failed write is rolled back and does not block the next ones', async () => {
		const failing = write(async (tx) => {
			await tx.insert(auditEvents).values({ at: 1, actorId: 'rollback', action: 'signin' });
			throw new Error('refused');
		});
		const next = write((tx) =>
			tx.insert(auditEvents).values({ at: 2, actorId: 'after', action: 'signin' })
		);
		await expect(failing).rejects.toThrow('refused');
		await next;
		const actors = (await getDb().select().from(auditEvents)).map((r) => r.actorId);
		expect(actors).not.toContain('rollback');
		expect(actors).toContain('after');
	});
});

describe('another process holding the database', () => {
	const holdLock = holdWriteLock;
	const note = (actorId: string) =>
		write((tx) => tx.insert(auditEvents).values({ at: 1, actorId, action: 'signin' }));
	const actors = async () => (await getDb().select().from(auditEvents)).map((r) => r.actorId);

	test('a write waits for it without stopping this process, then lands', async () => {
		const lock = await holdLock();
		const waiting = note('waited');
		// SQLite's own busy handler would block this whole process; here the event loop runs on
		// and reads go on as usual while the write waits.
		const started = Date.now();
		await new Promise<void>((resolve) => {
			let ticks = 0;
			const timer = setInterval(() => {
				if (++ticks < 10) return;
				clearInterval(timer);
				resolve();
			}, 10);
		});
		expect(Date.now() - started).toBeLessThan(1000);
		expect(await actors()).not.toContain('waited');
		await lock.release();
		await waiting;
		expect(await actors()).toEqual(expect.arrayContaining(['other', 'waited']));
		// Nothing of the busy attempts is left open on a connection to hold the WAL back.
		expect(await checkpoint()).toBe(true);
	});

	test('past DATABASE_WAIT_SECONDS it fails whole, as unavailable, and a queue does not add up', async () => {
		process.env.DATABASE_WAIT_SECONDS = '1';
		const lock = await holdLock();
		try {
			const started = Date.now();
			const outcomes = await Promise.allSettled([note('late-1'), note('late-2'), note('late-3')]);
			const elapsed = Date.now() - started;
			for (const outcome of outcomes) {
				expect(outcome.status).toBe('rejected');
				const reason = (outcome as PromiseRejectedResult).reason;
				expect(isDatabaseUnavailable(reason)).toBe(true);
			}
			// Each waited from its own call, not one second after the other.
			expect(elapsed).toBeGreaterThanOrEqual(1000);
			expect(elapsed).toBeLessThan(2500);
		} finally {
			await lock.release();
			delete process.env.DATABASE_WAIT_SECONDS;
		}
		expect(await actors()).not.toContain('late-1');
		// Once the lock is free, writes land again at once.
		await note('after-lock');
		expect(await actors()).toContain('after-lock');
	});
});

describe('telling an unavailable database from a fault', () => {
	test('a full disk: the write fails whole, as unavailable, and the next ones land', async () => {
		const [size] = await getDb().all<{ page_count: number }>(sql`PRAGMA page_count`);
		// The write connection may not grow the file: as a full disk would have it.
		await write((tx) => tx.run(sql.raw(`PRAGMA max_page_count = ${size?.page_count}`)));
		const error = await write(async (tx) => {
			await tx.insert(auditEvents).values({ at: 1, actorId: 'before-full', action: 'signin' });
			await tx
				.insert(auditEvents)
				.values({ at: 2, actorId: 'x'.repeat(200_000), action: 'signin' });
		}).catch((e: unknown) => e);
		await write((tx) => tx.run(sql.raw('PRAGMA max_page_count = 4294967294')));
		expect(isDatabaseUnavailable(error)).toBe(true);
		const actors = (await getDb().select().from(auditEvents)).map((r) => r.actorId);
		expect(actors).not.toContain('before-full');
		await write((tx) =>
			tx.insert(auditEvents).values({ at: 3, actorId: 'room', action: 'signin' })
		);
	});

	test('a libsql server that is not running is unavailable, through drizzle’s wrapper', async () => {
		const port = await new Promise<number>((resolve) => {
			const server = createServer().listen(0, '127.0.0.1', () => {
				const address = server.address();
				server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
			});
		});
		const down = drizzle(createClient({ url: `http://127.0.0.1:${port}` }), { schema });
		const error = await down
			.select()
			.from(auditEvents)
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Error);
		expect(isDatabaseUnavailable(error)).toBe(true);
	});

	test('a refused write is a fault, not an outage', async () => {
		const error = await write((tx) =>
			tx.run(sql`INSERT INTO sessions VALUES ('s', 'no-such-user', 1, 1, 1)`)
		).catch((e: unknown) => e);
		expect(isDatabaseUnavailable(error)).toBe(false);
		expect(isDatabaseUnavailable(new Error('anything'))).toBe(false);
		expect(isDatabaseUnavailable(undefined)).toBe(false);
	});
});

describe('opening', () => {
	test('a path under a regular file fails at once, saying where and why in one line', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'ck-open-'));
		writeFileSync(join(dir, 'plain-file'), 'not a folder');
		const before = process.env.DATABASE_URL;
		await closeDb();
		process.env.DATABASE_URL = `file:${join(dir, 'plain-file', 'x.db')}?mode=rwc`;
		try {
			const error = (await openDb().catch((e: unknown) => e)) as Error;
			expect(error.message).toMatch(
				/^cannot open the database at file:\S+\/plain-file\/x\.db \((EEXIST|ENOTDIR): .*\)\. Check DATABASE_URL\.$/
			);
			expect(error.message).not.toContain('\n');
			expect(error.message).not.toContain('mode=rwc');
		} finally {
			process.env.DATABASE_URL = before;
			rmSync(dir, { recursive: true, force: true });
			await openDb();
		}
	});

	test('a file that is not a database says so', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'ck-open-'));
		writeFileSync(
			join(dir, 'notes.db'),
			'These are not the records you are looking for.\n'.repeat(100)
		);
		const before = process.env.DATABASE_URL;
		await closeDb();
		process.env.DATABASE_URL = `file:${join(dir, 'notes.db')}`;
		try {
			await expect(openDb()).rejects.toThrow(/notes\.db \(.*file is not a database/);
		} finally {
			process.env.DATABASE_URL = before;
			rmSync(dir, { recursive: true, force: true });
			await openDb();
		}
	});

	test('a database URL is described without its credentials', () => {
		expect(describeDatabaseUrl('libsql://user:secret@db.example:8080/x?authToken=abc')).toBe(
			'libsql://db.example:8080'
		);
		expect(describeDatabaseUrl('file:data/x.db?mode=ro')).toBe('file:data/x.db');
	});
});
