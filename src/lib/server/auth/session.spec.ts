import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { getDb } from '../db';
import { sessions, users } from '../db/schema';
import { config } from '../config';
import { holdWriteLock, insertUser, useTestDb } from '../test-db';
import {
	createSession,
	invalidateUserSessions,
	listUserSessions,
	validateSessionToken
} from './session';
import { hashToken } from './tokens';

useTestDb();
afterEach(() => vi.unstubAllEnvs());

const T = Date.UTC(2030, 0, 1, 9);

async function sessionRow(id: string) {
	const [row] = await getDb().select().from(sessions).where(eq(sessions.id, id));
	return row;
}

describe('sessions', () => {
	test('the token has at least 20 random bytes and only its SHA-256 is stored', async () => {
		const user = await insertUser();
		const a = await createSession(user.id, T);
		const b = await createSession(user.id, T);
		// base32: 5 bits per character, so 32 characters carry 160 bits.
		expect(a.token).toMatch(/^[a-z2-7]{32,}$/);
		expect(a.token).not.toBe(b.token);
		expect(a.id).toBe(hashToken(a.token));
		expect(a.id).not.toBe(a.token);
		expect(await sessionRow(a.id)).toBeDefined();
		expect(await sessionRow(a.token)).toBeUndefined();
		const rows = await getDb().select().from(sessions);
		expect(JSON.stringify(rows)).not.toContain(a.token);
	});

	test('a valid token gives the session and its user', async () => {
		const user = await insertUser({ displayName: 'Kestrel', orgRole: 'admin' });
		const { token, id } = await createSession(user.id, T);
		const result = await validateSessionToken(token, T + 1000);
		expect(result?.session.id).toBe(id);
		expect(result?.user).toEqual({ id: user.id, displayName: 'Kestrel', orgRole: 'admin' });
		expect(await validateSessionToken('not-a-token', T)).toBeNull();
	});

	test('last active is written at most once a minute', async () => {
		const user = await insertUser();
		const { token, id } = await createSession(user.id, T);
		await validateSessionToken(token, T + 30_000);
		expect((await sessionRow(id))?.lastActiveAt).toBe(T);
		await validateSessionToken(token, T + 61_000);
		expect((await sessionRow(id))?.lastActiveAt).toBe(T + 61_000);
	});

	test('while another process holds the database, a due "last active" mark is skipped, not waited for', async () => {
		vi.stubEnv('DATABASE_WAIT_SECONDS', '5');
		const user = await insertUser();
		const { token, id } = await createSession(user.id, T);
		const lock = await holdWriteLock();
		try {
			const started = Date.now();
			const result = await validateSessionToken(token, T + 61_000);
			// The page goes on at once (a write would wait up to 5 s, then be refused).
			expect(Date.now() - started).toBeLessThan(1000);
			expect(result?.user.id).toBe(user.id);
			expect(result?.session.lastActiveAt).toBe(T);
		} finally {
			await lock.release();
		}
		expect((await sessionRow(id))?.lastActiveAt).toBe(T);
		// Once it is free again, the next request writes the mark.
		await validateSessionToken(token, T + 62_000);
		expect((await sessionRow(id))?.lastActiveAt).toBe(T + 62_000);
	});

	test('an idle session expires and its row is deleted', async () => {
		const user = await insertUser();
		const { token, id } = await createSession(user.id, T);
		const idle = config().sessionIdleMs;
		expect(await validateSessionToken(token, T + idle - 1)).not.toBeNull();
		// Validating at T + idle - 1 touched lastActiveAt, so idle now counts from there.
		const lastActive = T + idle - 1;
		expect(await validateSessionToken(token, lastActive + idle)).toBeNull();
		expect(await sessionRow(id)).toBeUndefined();
	});

	test('a session expires at its absolute limit even while active', async () => {
		vi.stubEnv('SESSION_IDLE_MINUTES', String(24 * 60));
		vi.stubEnv('SESSION_ABSOLUTE_HOURS', '12');
		const user = await insertUser();
		const { token, id, expiresAt } = await createSession(user.id, T);
		expect(expiresAt).toBe(T + 12 * 3_600_000);
		expect(await validateSessionToken(token, expiresAt - 1)).not.toBeNull();
		expect(await validateSessionToken(token, expiresAt)).toBeNull();
		expect(await sessionRow(id)).toBeUndefined();
	});

	test("a deactivated person's session is refused and deleted", async () => {
		const user = await insertUser();
		const { token, id } = await createSession(user.id, T);
		await getDb().update(users).set({ status: 'deactivated' }).where(eq(users.id, user.id));
		expect(await validateSessionToken(token, T + 1000)).toBeNull();
		expect(await sessionRow(id)).toBeUndefined();
	});

	test("listing and ending all of a person's sessions leaves other people's alone", async () => {
		const user = await insertUser();
		const other = await insertUser();
		const first = await createSession(user.id, T);
		const second = await createSession(user.id, T + 5000);
		const theirs = await createSession(other.id, T);

		const listed = await listUserSessions(user.id);
		expect(listed.map((s) => s.id)).toEqual([first.id, second.id]);
		expect(listed[0]).toEqual({
			id: first.id,
			createdAt: T,
			lastActiveAt: T,
			expiresAt: first.expiresAt
		});

		await invalidateUserSessions(user.id);
		expect(await listUserSessions(user.id)).toEqual([]);
		expect(await validateSessionToken(first.token, T + 1000)).toBeNull();
		expect(await validateSessionToken(theirs.token, T + 1000)).not.toBeNull();
	});
});
