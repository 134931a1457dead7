import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { getDb } from './db';
import { auditEvents, users } from './db/schema';
import { createSession, listUserSessions } from './auth/session';
import { expectProblem, insertUser, useTestDb } from './test-db';
import { deactivateFacilitator, getOrgSettings, updateOrgSettings } from './org';

useTestDb();

const T = Date.UTC(2030, 0, 1, 9);

describe('org settings', () => {
	test('defaults to a neutral tab', async () => {
		expect(await getOrgSettings()).toEqual({ name: '', tabTitle: 'Notes', icon: 'neutral' });
	});

	test('an update is read back and audited', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		const next = { name: 'Riverside Circle', tabTitle: 'Recipes', icon: 'circle' } as const;
		await updateOrgSettings(admin.id, next, T);
		expect(await getOrgSettings()).toEqual(next);
		const events = await getDb()
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.actorId, admin.id));
		expect(events).toMatchObject([{ action: 'org.updated', objectType: 'org', at: T }]);
	});
});

describe('deactivating a facilitator', () => {
	test("ends that person's sessions, keeps others' and is audited", async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		const person = await insertUser({ displayName: 'Heron' });
		await createSession(person.id, T);
		await createSession(person.id, T);
		await createSession(admin.id, T);

		expect(await deactivateFacilitator(admin.id, person.id, T + 1)).toBe('Heron');

		const [row] = await getDb().select().from(users).where(eq(users.id, person.id));
		expect(row).toMatchObject({ status: 'deactivated', deactivatedAt: T + 1 });
		expect(await listUserSessions(person.id)).toEqual([]);
		expect(await listUserSessions(admin.id)).toHaveLength(1);
		const events = await getDb()
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.objectId, person.id));
		expect(events).toMatchObject([
			{ actorId: admin.id, action: 'facilitator.deactivated', objectType: 'user', at: T + 1 }
		]);

		// Already deactivated: nothing left to deactivate.
		await expectProblem(
			deactivateFacilitator(admin.id, person.id, T + 2),
			404,
			'facilitator_not_found'
		);
	});

	test('refuses the admin themself', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		await createSession(admin.id, T);
		await expectProblem(
			deactivateFacilitator(admin.id, admin.id, T),
			409,
			'cannot_deactivate_self'
		);
		const [row] = await getDb().select().from(users).where(eq(users.id, admin.id));
		expect(row?.status).toBe('active');
		expect(await listUserSessions(admin.id)).toHaveLength(1);
	});

	test('refuses an unknown person', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		await expectProblem(deactivateFacilitator(admin.id, 'nobody', T), 404, 'facilitator_not_found');
	});
});
