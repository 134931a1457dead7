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
	await migrate(db, { migrationsFolder: migrationsDir });
	state = { client, db, file };
	return db;
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
// surfacing SQLITE_BUSY to a person (other processes are covered by the busy timeout).
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
