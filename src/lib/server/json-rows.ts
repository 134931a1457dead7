import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

/**
 * Many rows read as one value: SQLite makes each row a JSON object and all of them one array,
 * which one `JSON.parse` reads. The driver otherwise turns every value of every row into a
 * property of its own (integers by way of BigInt), then drizzle maps each row again: for a
 * person with hundreds of cases that cost more than running the statements.
 *
 * `packRows(fields)` is an aggregate: the statement's only column, one row (an empty array when
 * nothing matched). The rows come in no particular order (an aggregate's own ORDER BY needs
 * SQLite 3.44, which a libsql server, sqld 0.24, does not have): the caller sorts them by their
 * own fields, text with `byText`. Booleans come back as 0 and 1, and the `json()` of a JSON text
 * as the value it holds.
 */

type Field = SQLiteColumn | SQL<unknown>;

type ValueOf<F> =
	F extends SQL<infer T>
		? T
		: F extends SQLiteColumn
			? F['_']['dataType'] extends 'boolean'
				? number
				: F['_']['notNull'] extends true
					? F['_']['data']
					: F['_']['data'] | null
			: never;

export type Packed<T extends Record<string, Field>> = { [K in keyof T]: ValueOf<T[K]> };

export function packRows<T extends Record<string, Field>>(fields: T) {
	const pairs = Object.entries(fields).map(([key, value]) => {
		// Written into the statement as it is: a name from the code, never from a request.
		if (!/^\w+$/.test(key)) throw new Error(`not a field name: ${key}`);
		return sql`${sql.raw(`'${key}'`)}, ${value}`;
	});
	return sql<string>`json_group_array(json_object(${sql.join(pairs, sql`, `)}))`;
}

/**
 * SQLite's order for text (BINARY: by code), for sorting unpacked rows on their own keys:
 * `localeCompare` would put "o" before "V".
 */
export const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function unpackRows<T extends Record<string, Field>>(
	_fields: T,
	packed: string | undefined
): Packed<T>[] {
	return packed ? (JSON.parse(packed) as Packed<T>[]) : [];
}
