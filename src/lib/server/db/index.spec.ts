import { sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { auditEvents } from './schema';
import { getDb, write } from '.';
import { useTestDb } from '../test-db';

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
