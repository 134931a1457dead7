import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { config, type Config } from '../config';
import * as schema from './schema';
import { clearStatementCache, installStatementCache } from './statement-cache';

export type Db = ReturnType<typeof makeDb>;
/** A write transaction, as `write` hands it to its callback. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

function makeDb(client: Client) {
	return drizzle(client, { schema });
}

/**
 * Reads go through a pool of connections with SQLite's busy timeout. Writes go through one
 * connection of their own with none: SQLite's busy handler sleeps inside the driver's
 * synchronous call, which would freeze every request of this process while another process
 * holds the write lock, so `write` waits for the lock itself, between turns of the event loop.
 */
let state: { reader: Client; writer: Client; db: Db; writeDb: Db; file: boolean } | undefined;

/** Where the database is, for a message: no credentials, no query string. */
export function describeDatabaseUrl(url: string): string {
	if (url.startsWith('file:')) return url.split('?')[0] ?? url;
	try {
		const { protocol, host } = new URL(url);
		return `${protocol}//${host}`;
	} catch {
		return 'an address that cannot be read';
	}
}

/** One line about why the database could not be used: reasons and codes, no query parameters. */
function reason(error: unknown): string {
	const parts: string[] = [];
	for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
		const { message, code, cause } = e as { message?: unknown; code?: unknown; cause?: unknown };
		const line = typeof message === 'string' ? (message.split('\n')[0] ?? '') : '';
		// Drizzle's wrapper names the query and its parameters: only its cause is told.
		const text = line.startsWith('Failed query:')
			? ''
			: line || (typeof code === 'string' ? code : '');
		if (text && !parts.some((p) => p.includes(text))) parts.push(text);
		e = cause;
	}
	return parts.join(': ') || 'no reason given';
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms);
	});
	return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// How long one request to a libsql server may go unanswered once the app is running: past it
// the server is taken to be down (a 503), instead of a page waiting for fetch's own limit of
// about five minutes. Not while starting: an index built by a migration on a large database
// may legitimately take minutes.
let requestDeadlineMs = 0;
const REQUEST_DEADLINE_FACTOR = 6;

function deadlineFetch(request: Request): Promise<Response> {
	if (requestDeadlineMs === 0) return fetch(request);
	return fetch(request, { signal: AbortSignal.timeout(requestDeadlineMs) });
}

async function connect({ databaseUrl, databaseAuthToken, databaseWaitMs }: Config) {
	const file = databaseUrl.startsWith('file:');
	const path = file ? (databaseUrl.slice('file:'.length).split('?')[0] ?? '') : '';
	const memory = path === ':memory:' || /[?&]mode=memory/.test(databaseUrl);
	if (file && path && !memory) mkdirSync(dirname(path), { recursive: true });
	// `timeout` is SQLite's busy timeout (ms) on every pooled connection. A file is read
	// through one connection: each statement runs synchronously anyway, so more connections add
	// no parallelism, only cold page caches of their own (opened whenever two reads overlap),
	// each without the pragmas below. A libsql server keeps the pool: its reads do overlap.
	const fetch = deadlineFetch;
	if (file) installStatementCache();
	const reader = createClient({
		url: databaseUrl,
		authToken: databaseAuthToken,
		timeout: 5000,
		fetch,
		...(file && !memory && { concurrency: 1 })
	});
	// An in-memory database exists on one connection only, so it cannot have a second.
	const writer = memory
		? reader
		: createClient({ url: databaseUrl, authToken: databaseAuthToken, concurrency: 1, fetch });
	const opened = { reader, writer, db: makeDb(reader), writeDb: makeDb(writer), file };
	try {
		// A server that does not answer must not keep the app from saying so.
		await withDeadline(reader.execute('SELECT 1'), databaseWaitMs, 'the database did not answer');
		if (file) {
			// WAL is persistent per database file; a libsql server refuses these pragmas.
			await reader.execute('PRAGMA journal_mode=WAL');
			await reader.execute('PRAGMA foreign_keys=ON');
			await reader.execute('PRAGMA secure_delete=ON');
			// 32 MB of pages kept between requests (SQLite's default is 2 MB): a busy
			// facilitator's list reads a few thousand index entries on every visit.
			await reader.execute('PRAGMA cache_size=-32000');
		}
	} catch (e) {
		close(opened);
		throw e;
	}
	return opened;
}

function close({ reader, writer }: { reader: Client; writer: Client }) {
	if (writer !== reader) writer.close();
	reader.close();
}

/**
 * Opens the database named by DATABASE_URL (once per process) and applies migrations. When it
 * cannot, the error says where and why in one line (the process then stops with it).
 */
export async function openDb(): Promise<Db> {
	if (state) return state.db;
	const settings = config();
	const where = describeDatabaseUrl(settings.databaseUrl);
	const opened = await connect(settings).catch((e: unknown) => {
		const message = `cannot open the database at ${where} (${reason(e)}). Check DATABASE_URL.`;
		throw refusedMessage(e) ?? new Error(message, { cause: e });
	});
	try {
		// On the pooled connections, with their busy timeout: an instance starting beside a
		// running one waits for its writes.
		await applyMigrations(opened.db, settings.migrationsDir);
		// Statements compiled before the schema changed remember the old columns.
		clearStatementCache();
	} catch (e) {
		close(opened);
		const message = `cannot bring the database at ${where} up to this version (${reason(e)}).`;
		throw refusedMessage(e) ?? new Error(message, { cause: e });
	}
	state = opened;
	requestDeadlineMs = REQUEST_DEADLINE_FACTOR * settings.databaseWaitMs;
	return state.db;
}

/** A libsql server that refuses the token, in words an operator can act on (else undefined). */
function refusedMessage(e: unknown): Error | undefined {
	// drizzle wraps the client's error (as `cause`) in one that names the query.
	let status: string | undefined;
	for (let error = e; error instanceof Error && !status; error = error.cause) {
		status = error.message.match(/HTTP status (401|403)\b/)?.[1];
	}
	if (status === '403') {
		return new Error(
			'the libsql server at DATABASE_URL refused to let DATABASE_AUTH_TOKEN write (HTTP 403): ' +
				'the app needs a read-write token.'
		);
	}
	if (!status) return undefined;
	return new Error(
		'the libsql server at DATABASE_URL refused the connection (HTTP 401): ' +
			'DATABASE_AUTH_TOKEN is missing, expired or not signed with a key the server trusts.'
	);
}

/**
 * Applies the committed migrations that are not applied yet, all in one transaction. Several
 * instances starting at once on one libsql server (or one file) each try; whichever is second
 * fails as a whole — the first holds the write lock, or has made the tables — and its next
 * try finds nothing left to apply. So each migration is applied exactly once.
 */
export async function applyMigrations(db: Db, migrationsFolder: string, attempts = 5) {
	for (let attempt = 1; ; attempt++) {
		try {
			await migrate(db, { migrationsFolder });
			return;
		} catch (e) {
			if (attempt >= attempts || refusedMessage(e)) throw e;
			await new Promise((resolve) => setTimeout(resolve, 100 * attempt + Math.random() * 100));
		}
	}
}

export function getDb(): Db {
	if (!state) throw new Error('The database is not open yet.');
	return state.db;
}

/**
 * A statement built once per database or transaction it runs on (drizzle's `.prepare()`), for
 * the hottest reads: every request then skips building its SQL. Keyed by the database, so a
 * test's fresh database (or a reopened one, a write's transaction) gets its own.
 */
export function preparedFor<R extends object, T>(build: (db: R) => T): (db: R) => T {
	const built = new WeakMap<R, T>();
	return (db) => {
		let p = built.get(db);
		if (!p) {
			p = build(db);
			built.set(db, p);
		}
		return p;
	};
}

/** The same on the open database. */
export function preparedOn<T>(build: (db: Db) => T): () => T {
	const on = preparedFor(build);
	return () => on(getDb());
}

export async function closeDb() {
	if (state) close(state);
	state = undefined;
	requestDeadlineMs = 0;
}

const UNAVAILABLE_CODE =
	/^(SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PROTOCOL)|SERVER_ERROR|HRANA_WEBSOCKET_ERROR|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|UND_ERR_)/;

/**
 * Whether an error means the database could not be reached or written just now (held by
 * another process past the wait, out of space, its server down), rather than a fault in the
 * request or the code. Looks through wrappers (drizzle's query error, fetch's cause).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
	for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
		const { code, extendedCode, message } = e as Record<string, unknown>;
		for (const c of [code, extendedCode])
			if (typeof c === 'string' && UNAVAILABLE_CODE.test(c)) return true;
		// A pooled connection the driver could not open (the file or its folder went away).
		if (typeof message === 'string' && message.startsWith('ConnectionFailed(')) return true;
		// A libsql server that did not answer within the request deadline (deadlineFetch).
		if ((e as { name?: unknown }).name === 'TimeoutError') return true;
		e = (e as { cause?: unknown }).cause;
	}
	return false;
}

function isBusy(error: unknown) {
	const code = (error as { code?: unknown } | null)?.code;
	return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// SQLite allows one writer at a time. Queueing writers here keeps this process's writes from
// ever meeting each other; another process's are waited for in `attempt` below.
let queue: Promise<unknown> = Promise.resolve();
// Whether the last write gave up waiting: the database is held elsewhere for longer than usual.
let stalled = false;

async function attempt<T>(
	fn: (tx: Tx) => Promise<T>,
	deadline: number,
	mayStall = true
): Promise<T> {
	if (!state) throw new Error('The database is not open yet.');
	const { writeDb, writer, reader, file } = state;
	for (let tries = 0; ; tries++) {
		let began = false;
		let failed: { error: unknown } | undefined;
		try {
			// BEGIN IMMEDIATE: the write lock is taken first, so in WAL mode only the BEGIN can
			// find the database busy, before anything has run, and trying again is always safe.
			const result = await writeDb.transaction(async (tx) => {
				began = true;
				try {
					// secure_delete is per connection, so every write sets it (deleted content is
					// overwritten, not left in free pages). foreign_keys is on by default in
					// libsql's build and cannot change inside a transaction.
					if (file) await tx.run(sql.raw('PRAGMA secure_delete=ON'));
					return await fn(tx);
				} catch (e) {
					failed = { error: e };
					throw e;
				}
			});
			stalled = false;
			return result;
		} catch (e) {
			// After a full disk or an I/O error SQLite has rolled back already, and the driver's
			// ROLLBACK then fails with "the transaction is closed": why it failed is the first error.
			if (failed) throw failed.error;
			if (began || !isBusy(e)) throw e;
			// The driver leaves a busy BEGIN's statement open on its connection, and until it is
			// collected that connection cannot COMMIT ("SQL statements in progress") nor let a
			// checkpoint finish: the write connection is replaced instead.
			if (writer !== reader) await writer.reconnect();
			if (Date.now() >= deadline) {
				if (mayStall) stalled = true;
				throw e;
			}
			// A few milliseconds, growing to 20, with jitter so two processes do not keep colliding.
			await sleep(Math.min(20, 2 ** tries) * (0.5 + Math.random()));
		}
	}
}

/**
 * Runs `fn` as one write transaction, serialized with every other write in this process. A
 * write waits up to DATABASE_WAIT_SECONDS for another process to let go of the database, then
 * fails with SQLITE_BUSY and nothing written (`isDatabaseUnavailable`: the request gets a 503).
 * Once one has waited in vain, those queued behind it count their wait from their own call,
 * so a queue of writes cannot add up to a hang.
 */
export function write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
	const called = Date.now();
	const run = () => attempt(fn, (stalled ? called : Date.now()) + config().databaseWaitMs);
	const result = queue.then(run, run);
	queue = result.catch(() => undefined);
	return result;
}

/**
 * A write that may be skipped (a session's "last active" mark): queued like `write`, but it tries
 * once and does not wait for another process. Null when the database is held elsewhere, so a
 * page that only reads is not held up, or refused, for a mark nobody is waiting for.
 */
export function writeIfFree<T>(fn: (tx: Tx) => Promise<T>): Promise<T | null> {
	const run = () =>
		attempt(fn, Date.now(), false).catch((e: unknown) => {
			if (isBusy(e)) return null;
			throw e;
		});
	const result = queue.then(run, run);
	queue = result.catch(() => undefined);
	return result;
}

/**
 * Copies the WAL back into the database file and truncates it, so pages a purge overwrote do
 * not live on in the WAL. Queued with the writers; a no-op on a libsql server, which manages its
 * own storage. Returns whether every frame was checkpointed (a long reader can hold some back).
 */
export function checkpoint(): Promise<boolean | null> {
	const run = async () => {
		if (!state?.file) return null;
		// On a pooled connection: its busy timeout lets readers in other processes finish.
		const result = await state.reader.execute('PRAGMA wal_checkpoint(TRUNCATE)');
		const row = result.rows[0];
		// busy, log frames, checkpointed frames: complete when not busy and every frame moved.
		return !!row && Number(row[0]) === 0 && Number(row[1]) === Number(row[2]);
	};
	const result = queue.then(run, run);
	queue = result.catch(() => undefined);
	return result;
}

/** Whether the database is an embedded file (secure_delete, checkpoints and VACUUM INTO work). */
export function isFileDb(): boolean {
	return config().databaseUrl.startsWith('file:');
}
