import { inArray } from 'drizzle-orm';
import { getDb, write, type Db, type Tx } from './db';
import { settings } from './db/schema';
import { auditIn } from './audit';
import {
	RETENTION_BOUNDS,
	RETENTION_DEFAULTS,
	RETENTION_KEYS,
	type RetentionPolicy
} from '$lib/retention-policy';

export { RETENTION_BOUNDS, RETENTION_DEFAULTS, type RetentionPolicy };

export const DAY = 86_400_000;

const settingKey = (k: keyof RetentionPolicy) => `retention.${k}`;

/**
 * The policy in force: each value stored by an admin, or the design's default (DESIGN §6).
 * A stored value outside today's bounds (an older release, a hand edit) is clamped, so a
 * purge can never run on a window the admin page would refuse.
 */
export async function retentionPolicy(db: Db | Tx = getDb()): Promise<RetentionPolicy> {
	const rows = await db
		.select()
		.from(settings)
		.where(inArray(settings.key, RETENTION_SETTING_KEYS));
	return policyFrom(rows);
}

/** The `settings` keys the policy is stored under. */
export const RETENTION_SETTING_KEYS = RETENTION_KEYS.map(settingKey);

/** The policy from its stored `settings` rows (any others are ignored). */
export function policyFrom(rows: readonly { key: string; value: string }[]): RetentionPolicy {
	const stored = new Map(rows.map((r) => [r.key, Number(r.value)]));
	const policy = { ...RETENTION_DEFAULTS };
	for (const k of RETENTION_KEYS) {
		const value = stored.get(settingKey(k));
		if (value === undefined || !Number.isInteger(value)) continue;
		const [min, max] = RETENTION_BOUNDS[k];
		policy[k] = Math.min(max, Math.max(min, value));
	}
	return policy;
}

/** Saves a policy the caller has already checked against the bounds (valibot at the route). */
export async function setRetentionPolicy(
	adminId: string,
	policy: RetentionPolicy,
	now = Date.now()
) {
	await write(async (tx) => {
		for (const k of RETENTION_KEYS) {
			const value = String(policy[k]);
			await tx
				.insert(settings)
				.values({ key: settingKey(k), value })
				.onConflictDoUpdate({ target: settings.key, set: { value } });
		}
		await auditIn(
			tx,
			{ actorId: adminId, action: 'retention.changed', objectType: 'retention' },
			now
		);
	});
}

/** When a case closed at `closedAt` is deleted under this policy. */
export const caseDeleteAt = (closedAt: number, policy: RetentionPolicy) =>
	closedAt + policy.closedCaseDays * DAY;
