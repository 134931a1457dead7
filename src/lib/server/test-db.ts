// Test-only helpers: each spec file gets its own database file in a fresh temp directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, expect } from 'vitest';
import { closeDb, getDb, openDb } from './db';
import { passkeys, users, type Passkey, type User } from './db/schema';
import { generateId } from './auth/tokens';
import { Problem, type ProblemCode } from './problem';

/** Opens a new, migrated database for this spec file and closes it afterwards. */
export function useTestDb() {
	let dir = '';
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'ck-'));
		process.env.DATABASE_URL = 'file:' + join(dir, 'test.db');
		await openDb();
	});
	afterAll(async () => {
		await closeDb();
		rmSync(dir, { recursive: true, force: true });
	});
}

export async function insertUser(fields: Partial<User> = {}): Promise<User> {
	const user: User = {
		id: generateId(),
		displayName: 'River',
		orgRole: 'facilitator',
		status: 'active',
		createdAt: Date.now(),
		deactivatedAt: null,
		orphanedAt: null,
		...fields
	};
	await getDb().insert(users).values(user);
	return user;
}

export async function insertPasskey(userId: string, fields: Partial<Passkey> = {}) {
	const passkey: Passkey = {
		id: generateId(),
		userId,
		publicKey: Buffer.from(crypto.getRandomValues(new Uint8Array(65))),
		counter: 0,
		transports: '["internal"]',
		name: 'Passkey',
		backedUp: false,
		createdAt: Date.now(),
		lastUsedAt: null,
		...fields
	};
	await getDb().insert(passkeys).values(passkey);
	return passkey;
}

/** Asserts that `action` is refused with this Problem status and code. */
export async function expectProblem(
	action: Promise<unknown> | (() => unknown),
	status: Problem['status'],
	code: ProblemCode
) {
	const error = await Promise.resolve()
		.then(() => (typeof action === 'function' ? action() : action))
		.then(
			() => undefined,
			(e: unknown) => e
		);
	expect(error).toBeInstanceOf(Problem);
	expect(error).toMatchObject({ status, code });
}

/**
 * Another connection (as another process would be) takes the test database's write lock and
 * keeps it until `release`.
 */
export async function holdWriteLock() {
	const other = createClient({ url: process.env.DATABASE_URL ?? '' });
	const tx = await other.transaction('write');
	await tx.execute("INSERT INTO audit_events (at, actor_id, action) VALUES (0, 'other', 'signin')");
	return {
		release: async () => {
			await tx.commit();
			other.close();
		}
	};
}

/** How many statements `fn` sends through the app's client (reads; writes use another). */
export async function countQueries(fn: () => Promise<unknown>): Promise<number> {
	const client = getDb().$client;
	const execute = client.execute;
	let n = 0;
	client.execute = ((...args: Parameters<typeof execute>) => {
		n++;
		return execute.apply(client, args);
	}) as typeof execute;
	try {
		await fn();
	} finally {
		client.execute = execute;
	}
	return n;
}
