import { sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { getDb } from './db';
import { settings } from './db/schema';
import { packRows, unpackRows } from './json-rows';
import { useTestDb } from './test-db';

useTestDb();

describe('packRows / unpackRows', () => {
	test("rows come back in the order asked for, as an ORDER BY would give them, without the aggregate's own ORDER BY (sqld 0.24 has none)", async () => {
		const values = ['b', 'a', 'c', 'a2', 'B', '10', '9'];
		for (const [i, v] of values.entries())
			await getDb()
				.insert(settings)
				.values({ key: `k${i}`, value: v });
		const fields = { key: settings.key, value: settings.value };
		const [packed] = await getDb()
			.select({ rows: packRows(fields, [settings.value, settings.key]) })
			.from(settings)
			.where(sql`${settings.key} like 'k%'`);
		const ordered = await getDb()
			.select(fields)
			.from(settings)
			.where(sql`${settings.key} like 'k%'`)
			.orderBy(settings.value, settings.key);
		expect(unpackRows(fields, packed?.rows)).toEqual(ordered);
		// Numbers before text and NULL first, as SQLite orders mixed values.
		const [mixed] = await getDb().all<{ rows: string }>(
			sql`select json_group_array(json_object('v', v, '__order', json_array(v))) as rows
				from (select 'x' as v union all select 2 union all select null union all select 1)`
		);
		expect(unpackRows({ v: settings.value }, mixed?.rows).map((r) => r.v)).toEqual([
			null,
			1,
			2,
			'x'
		]);
	});

	test('without an order, the rows come back as SQLite made them, for the caller to sort', async () => {
		for (const [i, v] of ['b', 'a'].entries())
			await getDb()
				.insert(settings)
				.values({ key: `u${i}`, value: v });
		const fields = { key: settings.key, value: settings.value };
		const [packed] = await getDb()
			.select({ rows: packRows(fields) })
			.from(settings)
			.where(sql`${settings.key} like 'u%'`);
		const rows = unpackRows(fields, packed?.rows);
		expect(rows.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
			{ key: 'u0', value: 'b' },
			{ key: 'u1', value: 'a' }
		]);
	});
});
