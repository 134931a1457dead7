import { sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { getDb, write } from './db';
import { audit, auditIn, deleteAuditBefore, listAudit, listAuditForActor } from './audit';
import { insertUser, useTestDb } from './test-db';

useTestDb();

const T = Date.UTC(2030, 0, 1, 9);

describe('audit events', () => {
	test('have no room for an address, a user agent or content', async () => {
		const columns = await getDb().all<{ name: string }>(sql`PRAGMA table_info(audit_events)`);
		expect(columns.map((c) => c.name)).toEqual([
			'id',
			'at',
			'actor_id',
			'action',
			'object_type',
			'object_id',
			'case_id',
			'subject_id'
		]);
	});

	test('are listed newest first, per actor or for everyone', async () => {
		const user = await insertUser();
		await audit({ actorId: user.id, action: 'signin', objectType: 'passkey', objectId: 'pk' }, T);
		await audit({ actorId: user.id, action: 'signout' }, T + 1);
		await audit({ actorId: null, action: 'org.updated', objectType: 'org' }, T + 2);

		expect(await listAuditForActor(user.id)).toMatchObject([
			{ action: 'signout', objectType: null, objectId: null, at: T + 1 },
			{ action: 'signin', objectType: 'passkey', objectId: 'pk', at: T }
		]);
		expect((await listAudit()).map((e) => e.action)).toEqual(['org.updated', 'signout', 'signin']);
	});

	test('land with the change or not at all', async () => {
		const user = await insertUser();
		const failed = write(async (tx) => {
			await auditIn(tx, { actorId: user.id, action: 'passkey.added' }, T);
			throw new Error('the change failed');
		});
		await expect(failed).rejects.toThrow('the change failed');
		expect(await listAuditForActor(user.id)).toEqual([]);
	});

	test('older events can be deleted', async () => {
		const user = await insertUser();
		await audit({ actorId: user.id, action: 'signin' }, T - 10);
		await audit({ actorId: user.id, action: 'signout' }, T + 10);
		await deleteAuditBefore(T);
		expect((await listAuditForActor(user.id)).map((e) => e.action)).toEqual(['signout']);
	});
});
