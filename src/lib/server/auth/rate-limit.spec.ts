import { beforeEach, describe, expect, test, vi } from 'vitest';
import { getDb } from '../db';
import { rateLimits, rateLimitSecrets } from '../db/schema';
import { useTestDb } from '../test-db';
import { consumeRateLimit, deleteOldRateLimits, type Bucket } from './rate-limit';

useTestDb();
beforeEach(() => {
	vi.stubEnv('RATE_LIMIT_MAX', '3');
	vi.stubEnv('RATE_LIMIT_WINDOW_SECONDS', '600');
	return () => vi.unstubAllEnvs();
});

// All within one UTC day, so the daily secret stays the same.
const T = Date.UTC(2030, 0, 1, 9);

async function attempts(bucket: Bucket, address: string, n: number, now: number) {
	const results = [];
	for (let i = 0; i < n; i++) results.push(await consumeRateLimit(bucket, address, now + i));
	return results;
}

describe('rate limit', () => {
	test('allows the limit, then refuses with a retry time', async () => {
		const results = await attempts('signin', '198.51.100.1', 4, T);
		expect(results.slice(0, 3)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
		const refused = results[3];
		expect(refused?.ok).toBe(false);
		if (refused?.ok !== false) return;
		expect(refused.retryAfterSeconds).toBeGreaterThan(0);
		expect(refused.retryAfterSeconds).toBeLessThanOrEqual(600);
	});

	test('another address or another bucket has its own count', async () => {
		await attempts('signin', '198.51.100.2', 4, T);
		expect(await consumeRateLimit('signin', '198.51.100.3', T + 10)).toEqual({ ok: true });
		expect(await consumeRateLimit('register', '198.51.100.2', T + 10)).toEqual({ ok: true });
		expect((await consumeRateLimit('signin', '198.51.100.2', T + 10)).ok).toBe(false);
	});

	test('recovers once the window has passed', async () => {
		await attempts('invite', '198.51.100.4', 4, T);
		expect((await consumeRateLimit('invite', '198.51.100.4', T + 599_000)).ok).toBe(false);
		expect(await consumeRateLimit('invite', '198.51.100.4', T + 600_000)).toEqual({ ok: true });
	});

	test('stores a keyed hash, never the address', async () => {
		const address = '203.0.113.77';
		await attempts('setup', address, 2, T);
		const rows = await getDb().select().from(rateLimits);
		expect(rows.length).toBeGreaterThan(0);
		for (const row of rows) {
			for (const value of Object.values(row)) expect(String(value)).not.toContain(address);
			expect(row.key).toMatch(/^[A-Za-z0-9_-]{22}$/);
		}
	});

	test("yesterday's secret is deleted when a new day's is made", async () => {
		const lateEvening = Date.UTC(2030, 0, 2, 23, 59);
		await consumeRateLimit('signin', '198.51.100.5', lateEvening);
		const before = await getDb().select().from(rateLimitSecrets);
		expect(before.map((r) => r.day)).toEqual(['2030-01-02']);

		await consumeRateLimit('signin', '198.51.100.5', lateEvening + 2 * 60_000);
		const after = await getDb().select().from(rateLimitSecrets);
		expect(after.map((r) => r.day)).toEqual(['2030-01-03']);
		expect(after[0]?.secret.equals(before[0]?.secret ?? Buffer.alloc(0))).toBe(false);
	});

	test('counters older than a day are deleted', async () => {
		const now = Date.UTC(2030, 0, 5, 12);
		await consumeRateLimit('signin', '198.51.100.6', now);
		await deleteOldRateLimits(now + 86_400_000 - 1);
		expect((await getDb().select().from(rateLimits)).length).toBeGreaterThan(0);
		await deleteOldRateLimits(now + 86_400_000 + 1);
		expect(await getDb().select().from(rateLimits)).toEqual([]);
	});
});
