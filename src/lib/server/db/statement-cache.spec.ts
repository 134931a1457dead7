import { createClient } from '@libsql/client';
import { eq, sql } from 'drizzle-orm';
import Database from 'libsql';
import { describe, expect, it } from 'vitest';
import { getDb, write } from '.';
import { settings } from './schema';
import { keptStatements, STATEMENTS_PER_CONNECTION, statementCacheCounts } from './statement-cache';
import { useTestDb } from '../test-db';

// A real database file (useTestDb): the cache is installed when a file database is opened.
useTestDb();

const file = () => (process.env.DATABASE_URL ?? '').slice('file:'.length);

async function readValue(key: string) {
	const [row] = await getDb().select().from(settings).where(eq(settings.key, key));
	return row?.value;
}

describe('statements kept between requests', () => {
	it('are reused, not compiled again', async () => {
		await readValue('warm');
		const before = statementCacheCounts();
		for (let i = 0; i < 20; i++) await readValue(`key-${i}`);
		const after = statementCacheCounts();
		expect(after.reused - before.reused).toBeGreaterThanOrEqual(20);
		expect(after.compiled - before.compiled).toBe(0);
	});

	it("see another connection's commits: a kept statement holds no old snapshot", async () => {
		expect(await readValue('other.key')).toBeUndefined();
		const other = createClient({ url: `file:${file()}` });
		try {
			for (let i = 0; i < 3; i++) {
				await other.execute({
					sql: 'insert or replace into settings (key, value) values (?, ?)',
					args: ['other.key', `v${i}`]
				});
				expect(await readValue('other.key')).toBe(`v${i}`);
			}
		} finally {
			other.close();
		}
	});

	it('leave nothing running: a DROP on the same connection is not blocked', async () => {
		await getDb().run(sql`create index settings_value_test_idx on settings (value)`);
		for (let i = 0; i < 3; i++) await readValue('x');
		await getDb().all(sql`select key from settings`);
		// SQLite refuses a DROP (SQLITE_LOCKED) while any statement of the connection is mid-run.
		await getDb().run(sql`drop index settings_value_test_idx`);
		const indexes = await getDb().all<{ name: string }>(
			sql`select name from sqlite_master where type = 'index' and name = 'settings_value_test_idx'`
		);
		expect(indexes).toEqual([]);
	});

	it('work again after a statement failed', async () => {
		await write((tx) => tx.insert(settings).values({ key: 'unique.key', value: 'first' }));
		await expect(
			write((tx) => tx.insert(settings).values({ key: 'unique.key', value: 'second' }))
		).rejects.toThrow();
		// The same statement text, now with a key that is free: it runs and is written.
		await write((tx) => tx.insert(settings).values({ key: 'unique.key.2', value: 'third' }));
		expect(await readValue('unique.key')).toBe('first');
		expect(await readValue('unique.key.2')).toBe('third');
	});

	it('follow a schema change made while they are kept: SQLite recompiles them', async () => {
		const read = sql`select key, value from settings where key = ${'schema.key'}`;
		await write((tx) => tx.insert(settings).values({ key: 'schema.key', value: 'v' }));
		expect(await getDb().all(read)).toEqual([{ key: 'schema.key', value: 'v' }]);
		await getDb().run(sql`create table statement_cache_probe (x integer)`);
		expect(await getDb().all(read)).toEqual([{ key: 'schema.key', value: 'v' }]);
		await getDb().run(sql`drop table statement_cache_probe`);
	});

	it('never keep an EXPLAIN, which the driver leaves mid-run', () => {
		const db = new Database(file());
		try {
			const plan = 'EXPLAIN QUERY PLAN select key from settings';
			const first = db.prepare(plan);
			expect(first.all().length).toBeGreaterThan(0);
			expect(db.prepare(` ${plan.toLowerCase()}`)).not.toBe(first);
			expect(db.prepare(plan)).not.toBe(first);
			expect(keptStatements(db)).toBe(0);
		} finally {
			db.close();
		}
	});

	it('are bounded per connection, the least recently used dropped first', () => {
		const db = new Database(file());
		try {
			const first = db.prepare('select 0 as n');
			for (let i = 1; i <= STATEMENTS_PER_CONNECTION * 3; i++) db.prepare(`select ${i} as n`);
			expect(keptStatements(db)).toBe(STATEMENTS_PER_CONNECTION);
			// The first was dropped: asking again compiles a new one.
			expect(db.prepare('select 0 as n')).not.toBe(first);
			// A recent one is kept and handed back.
			const recent = db.prepare(`select ${STATEMENTS_PER_CONNECTION * 3} as n`);
			expect(db.prepare(`select ${STATEMENTS_PER_CONNECTION * 3} as n`)).toBe(recent);
			expect(recent.raw(true).all()).toEqual([[STATEMENTS_PER_CONNECTION * 3]]);
		} finally {
			db.close();
		}
	});
});
