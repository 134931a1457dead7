import { describe, expect, test, vi } from 'vitest';
import { closeDb, getDb, write } from './db';
import { challenges, links, rateLimits, sessions } from './db/schema';
import { createSession } from './auth/session';
import { consumeRateLimit } from './auth/rate-limit';
import { config } from './config';
import { createDeviceLink, LINK_LIFETIME_MS } from './links';
import { deleteExpired } from './cleanup';
import { startPurgeTimer } from './purge';
import { insertUser, useTestDb } from './test-db';

useTestDb();

const T = Date.UTC(2030, 0, 1, 9);
const DAY = 86_400_000;

async function ids(table: typeof sessions | typeof challenges | typeof links) {
	return (await getDb().select({ id: table.id }).from(table)).map((r) => r.id);
}

describe('cleanup', () => {
	test('deletes expired sessions, challenges, links and old counters only', async () => {
		const now = T + DAY + 1;
		const user = await insertUser();
		const idle = await createSession(user.id, now - config().sessionIdleMs - 1);
		const live = await createSession(user.id, now - 1000);
		const oldLink = await createDeviceLink(user.id, {}, now - LINK_LIFETIME_MS.device - 1);
		const newLink = await createDeviceLink(user.id, {}, now);
		await write((tx) =>
			tx.insert(challenges).values([
				{ id: 'old', challenge: 'x', ceremony: 'signin', expiresAt: now - 1 },
				{ id: 'new', challenge: 'y', ceremony: 'signin', expiresAt: now + 1 }
			])
		);
		await consumeRateLimit('signin', '198.51.100.9', T);

		await deleteExpired(now);

		expect(await ids(sessions)).toEqual([live.id]);
		expect(await ids(sessions)).not.toContain(idle.id);
		expect(await ids(challenges)).toEqual(['new']);
		expect(await ids(links)).toEqual([newLink.id]);
		expect(await ids(links)).not.toContain(oldLink.id);
		expect(await getDb().select().from(rateLimits)).toEqual([]);
	});

	// Runs last: it closes the database to make the timed purge fail.
	test('a failed timed purge is logged without its message', async () => {
		const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
		vi.useFakeTimers();
		try {
			startPurgeTimer(1000);
			await closeDb();
			await vi.advanceTimersByTimeAsync(1000);
		} finally {
			vi.useRealTimers();
		}
		await vi.waitFor(() => expect(logged).toHaveBeenCalled());
		const text = logged.mock.calls.flat().map(String).join(' ');
		expect(text).toContain('purge failed');
		expect(text).not.toContain('not open');
		logged.mockRestore();
	});
});
