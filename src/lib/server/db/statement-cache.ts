import Database from 'libsql';

/**
 * Compiled statements kept per connection, for file databases.
 *
 * `@libsql/client` compiles every statement it runs afresh (`prepare`), and asks the compiled
 * statement for its columns twice; on a case page that was a fifth of the server's CPU. The
 * client keeps its connections open (a pool), so a statement compiled once on a connection can
 * be run again on it. The client reaches the driver only through `Database.prototype.prepare`,
 * so that is where the cache sits: a small map per connection, most recently used last.
 *
 * Why reuse is safe here:
 * - The client runs every statement with `all()` or `run()`. Both bind afresh and step to the
 *   end, so a statement kept here holds no read snapshot and no lock between requests (the
 *   tests check that another connection's commit is seen and that a `DROP` is not blocked).
 *   EXPLAIN is the exception (the driver leaves it mid-run), so it is never kept.
 *   Nothing else in the app uses the driver (ESLint keeps `libsql` to this file).
 * - A statement that failed is reset by its next run.
 * - SQLite recompiles a kept statement by itself when the schema changes. Its columns are
 *   remembered, so the cache is emptied after migrations; no statement of the app selects
 *   `*` from a table, so another instance's later migration cannot change an existing
 *   statement's columns either.
 *
 * A libsql server is reached over HTTP and never comes here.
 */

/** Statements kept per connection; the app has about a hundred distinct ones. */
export const STATEMENTS_PER_CONNECTION = 256;

const EXPLAIN = /^\s*explain\b/i;

type Connection = Database.Database;
type Statement = Database.Statement;

let caches = new WeakMap<object, Map<string, Statement>>();
let installed = false;
const counts = { compiled: 0, reused: 0 };

export function installStatementCache() {
	if (installed) return;
	installed = true;
	const prepare = Database.prototype.prepare;
	Database.prototype.prepare = function cachedPrepare(this: Connection, sql: string) {
		// The driver leaves an EXPLAIN mid-run after its last row (it would pin the connection's
		// snapshot while kept): compiled each time, as before. Only the benchmarks explain.
		if (EXPLAIN.test(sql)) return prepare.call(this, sql);
		let cache = caches.get(this);
		if (!cache) {
			cache = new Map();
			caches.set(this, cache);
		}
		const kept = cache.get(sql);
		if (kept) {
			// Most recently used last: the first key is the one to drop.
			cache.delete(sql);
			cache.set(sql, kept);
			counts.reused++;
			return kept;
		}
		const statement = prepare.call(this, sql) as Statement;
		counts.compiled++;
		const columns = statement.columns;
		let known: ReturnType<Statement['columns']> | undefined;
		statement.columns = function rememberedColumns(this: Statement) {
			known ??= columns.call(this);
			return known;
		};
		cache.set(sql, statement);
		if (cache.size > STATEMENTS_PER_CONNECTION) {
			const oldest = cache.keys().next().value;
			if (oldest !== undefined) cache.delete(oldest);
		}
		return statement;
	} as typeof prepare;
}

/** Forgets every kept statement (after migrations: columns may have changed). */
export function clearStatementCache() {
	caches = new WeakMap();
}

/** How many statements were compiled and how many reused since the process started. */
export function statementCacheCounts() {
	return { ...counts };
}

/** How many statements one connection keeps now (for the tests). */
export function keptStatements(connection: object): number {
	return caches.get(connection)?.size ?? 0;
}
