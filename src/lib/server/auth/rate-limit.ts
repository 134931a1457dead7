import { createHmac, randomBytes } from 'node:crypto';
import { and, eq, lt, ne, sql } from 'drizzle-orm';
import { write, type Tx } from '../db';
import { rateLimits, rateLimitSecrets } from '../db/schema';
import { config } from '../config';

export type Bucket = 'setup' | 'invite' | 'register' | 'signin';

function day(now: number) {
	return new Date(now).toISOString().slice(0, 10);
}

// The key is a truncated HMAC of the address under a secret that changes every UTC day and
// lives in the database (so every instance agrees). Yesterday's secret is deleted, after
// which nobody can tell which address a counter belonged to.
async function dailySecret(tx: Tx, now: number): Promise<Buffer> {
	const today = day(now);
	await tx
		.insert(rateLimitSecrets)
		.values({ day: today, secret: randomBytes(32) })
		.onConflictDoNothing();
	await tx.delete(rateLimitSecrets).where(ne(rateLimitSecrets.day, today));
	const [row] = await tx.select().from(rateLimitSecrets).where(eq(rateLimitSecrets.day, today));
	if (!row) throw new Error('rate-limit secret missing');
	return row.secret;
}

export type RateLimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Counts one attempt from `address` in `bucket`; refuses once the window's limit is used. */
export async function consumeRateLimit(
	bucket: Bucket,
	address: string,
	now = Date.now()
): Promise<RateLimitResult> {
	const { rateLimitMax, rateLimitWindowMs } = config();
	return write(async (tx) => {
		const secret = await dailySecret(tx, now);
		const key = createHmac('sha256', secret)
			.update(`${bucket}\0${address}`)
			.digest('base64url')
			.slice(0, 22);
		const [row] = await tx
			.select()
			.from(rateLimits)
			.where(and(eq(rateLimits.bucket, bucket), eq(rateLimits.key, key)));
		if (!row || now - row.windowStart >= rateLimitWindowMs) {
			await tx
				.insert(rateLimits)
				.values({ bucket, key, windowStart: now, count: 1 })
				.onConflictDoUpdate({
					target: [rateLimits.bucket, rateLimits.key],
					set: { windowStart: now, count: 1 }
				});
			return { ok: true } as const;
		}
		if (row.count >= rateLimitMax) {
			const retryAfterMs = row.windowStart + rateLimitWindowMs - now;
			return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) } as const;
		}
		await tx
			.update(rateLimits)
			.set({ count: sql`${rateLimits.count} + 1` })
			.where(and(eq(rateLimits.bucket, bucket), eq(rateLimits.key, key)));
		return { ok: true } as const;
	});
}

/** Counters older than a day go (their keys could not be recomputed anyway). */
export const COUNTER_LIFETIME_MS = 86_400_000;

export async function deleteOldRateLimits(now = Date.now()) {
	await write((tx) =>
		tx.delete(rateLimits).where(lt(rateLimits.windowStart, now - COUNTER_LIFETIME_MS))
	);
}
