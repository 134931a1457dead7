import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { config } from '../config';
import * as schema from './schema';

export type Db = ReturnType<typeof makeDb>;
/** A write transaction, as `write` hands it to its callback. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

function makeDb(client: Client) {
	return drizzle(client, { schema });
}

let state: { client: Client; db: Db; file: boolean } | undefined;

/** Opens the database named by DATABASE_URL (once per process) and applies migrations. */
export async function openDb(): Promise<Db> {
	if (state) return state.db;
	const { databaseUrl, databaseAuthToken, migrationsDir } = config();
	const file = databaseUrl.startsWith('file:');
	if (file) {
		const path = databaseUrl.slice('file:'.length).split('?')[0] ?? '';
		if (path && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
	}
	// `timeout` is SQLite's busy timeout (ms) on every pooled connection.
	const client = createClient({ url: databaseUrl, authToken: databaseAuthToken, timeout: 5000 });
	if (file) {
		// WAL is persistent per database file; a libsql server refuses these pragmas.
		await client.execute('PRAGMA journal_mode=WAL');
		await client.execute('PRAGMA foreign_keys=ON');
		await client.execute('PRAGMA secure_delete=ON');
	}
	const db = makeDb(client);
	try {
		await applyMigrations(db, migrationsDir);
	} catch (e) {
		client.close();
		throw refusedMessage(e) ?? e;
	}
	state = { client, db, file };
	return db;
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

export async function closeDb() {
	state?.client.close();
	state = undefined;
}

// SQLite allows one writer at a time; queueing writers here keeps this process from ever
// surfacing SQLITE_BUSY to a person. Other processes on a file are covered by the busy timeout;
// other instances on a libsql server by the server, which makes a write transaction (BEGIN
// IMMEDIATE over HTTP) wait for the one before it — and rolls back one that keeps the lock more
// than about 5 s while another waits, so nothing slow belongs inside `write`.
let queue: Promise<unknown> = Promise.resolve();

/** Runs `fn` as one write transaction, serialized with every other write in this process. */
export function write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
	const run = async () => {
		const db = getDb();
		const file = state?.file;
		return db.transaction(async (tx) => {
			// secure_delete is per connection and pooled connections do not inherit it, so every
			// write sets it (deleted content is overwritten, not left in free pages).
			// foreign_keys is on by default in libsql's build and cannot change inside a transaction.
			if (file) await tx.run(sql.raw('PRAGMA secure_delete=ON'));
			return fn(tx);
		});
	};
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
		const result = await state.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
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
