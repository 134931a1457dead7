import { sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { getDb } from './db';
import { settings } from './db/schema';
import { byText, packRows, unpackRows } from './json-rows';
import { useTestDb } from './test-db';

useTestDb();

describe('packRows / unpackRows', () => {
	test('sorted on their own fields with byText, the rows come back as an ORDER BY would give them (sqld 0.24 has no ORDER BY in an aggregate)', async () => {
		const values = ['b', 'a', 'c', 'a2', 'B', '10', '9', 'o', 'V'];
		for (const [i, v] of values.entries())
			await getDb()
				.insert(settings)
				.values({ key: `k${i}`, value: v });
		const fields = { key: settings.key, value: settings.value };
		const [packed] = await getDb()
			.select({ rows: packRows(fields) })
			.from(settings)
			.where(sql`${settings.key} like 'k%'`);
		const ordered = await getDb()
			.select(fields)
			.from(settings)
			.where(sql`${settings.key} like 'k%'`)
			.orderBy(settings.value, settings.key);
		const rows = unpackRows(fields, packed?.rows);
		expect(rows).toHaveLength(values.length);
		expect(rows.sort((a, b) => byText(a.value, b.value) || byText(a.key, b.key))).toEqual(ordered);
	});

	test('nothing matched is no rows', async () => {
		const fields = { key: settings.key };
		const [packed] = await getDb()
			.select({ rows: packRows(fields) })
			.from(settings)
			.where(sql`${settings.key} = 'none such'`);
		expect(unpackRows(fields, packed?.rows)).toEqual([]);
		expect(unpackRows(fields, undefined)).toEqual([]);
	});
});
