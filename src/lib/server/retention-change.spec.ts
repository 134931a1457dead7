import { describe, expect, test } from 'vitest';
import { eq, like } from 'drizzle-orm';
import { getDb, write } from './db';
import { auditEvents, settings } from './db/schema';
import { changeRetentionPolicy, previewPurge } from './purge';
import { RETENTION_DEFAULTS, retentionPolicy } from './retention';
import { insertUser, useTestDb } from './test-db';

useTestDb();

const T = Date.UTC(2030, 0, 1, 9);
const DAY = 86_400_000;

describe('changeRetentionPolicy', () => {
	test('saves the policy, audits it, and purges at once under it as its preview said', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		await write((tx) =>
			tx.insert(auditEvents).values([
				{ at: T - 20 * DAY, actorId: admin.id, action: 'signin' },
				{ at: T - 2 * DAY, actorId: admin.id, action: 'signin' }
			])
		);
		const policy = { ...RETENTION_DEFAULTS, auditDays: 7 };
		expect((await previewPurge(RETENTION_DEFAULTS, T)).auditEvents).toBe(0);
		expect((await previewPurge(policy, T)).auditEvents).toBe(1);
		// A preview changes nothing.
		expect(await getDb().select().from(settings).where(like(settings.key, 'retention.%'))).toEqual(
			[]
		);

		const report = await changeRetentionPolicy(admin.id, policy, T);

		expect(report).toMatchObject({ cases: 0, accounts: 0, invites: 0, auditEvents: 1 });
		expect(await retentionPolicy()).toEqual(policy);
		const left = await getDb()
			.select({ at: auditEvents.at, action: auditEvents.action })
			.from(auditEvents);
		expect(left.map((e) => e.at)).not.toContain(T - 20 * DAY);
		const changed = await getDb()
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'retention.changed'));
		expect(changed).toMatchObject([{ actorId: admin.id, objectType: 'retention', at: T }]);
	});
});
