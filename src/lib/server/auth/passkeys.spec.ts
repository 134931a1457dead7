import { and, eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { getDb } from '../db';
import { auditEvents } from '../db/schema';
import { expectProblem, insertPasskey, insertUser, useTestDb } from '../test-db';
import { listPasskeys, removePasskey, renamePasskey } from './passkeys';

useTestDb();

const T = Date.UTC(2030, 0, 1, 9);

async function events(actorId: string, action: string) {
	return getDb()
		.select()
		.from(auditEvents)
		.where(and(eq(auditEvents.actorId, actorId), eq(auditEvents.action, action)));
}

describe('passkeys', () => {
	test('a person can rename their own passkey', async () => {
		const user = await insertUser();
		const passkey = await insertPasskey(user.id);
		await renamePasskey(user.id, passkey.id, 'Work laptop', T);
		expect(await listPasskeys(user.id)).toMatchObject([{ id: passkey.id, name: 'Work laptop' }]);
		expect(await events(user.id, 'passkey.renamed')).toMatchObject([
			{ objectType: 'passkey', objectId: passkey.id, at: T }
		]);
	});

	test("renaming someone else's passkey is not found and changes nothing", async () => {
		const user = await insertUser();
		const other = await insertUser();
		const theirs = await insertPasskey(other.id, { name: 'Phone' });
		await expectProblem(renamePasskey(user.id, theirs.id, 'Mine now', T), 404, 'passkey_unknown');
		expect(await listPasskeys(other.id)).toMatchObject([{ name: 'Phone' }]);
		expect(await events(user.id, 'passkey.renamed')).toEqual([]);
	});

	test('the last passkey cannot be removed', async () => {
		const user = await insertUser();
		const only = await insertPasskey(user.id);
		await expectProblem(removePasskey(user.id, only.id, T), 409, 'passkey_last');
		expect(await listPasskeys(user.id)).toMatchObject([{ id: only.id }]);
		expect(await events(user.id, 'passkey.removed')).toEqual([]);
	});

	test('one of two passkeys can be removed, and it is audited', async () => {
		const user = await insertUser();
		const first = await insertPasskey(user.id, { createdAt: T });
		const second = await insertPasskey(user.id, { createdAt: T + 1 });
		await removePasskey(user.id, first.id, T + 2);
		expect(await listPasskeys(user.id)).toMatchObject([{ id: second.id }]);
		expect(await events(user.id, 'passkey.removed')).toMatchObject([
			{ objectType: 'passkey', objectId: first.id, at: T + 2 }
		]);
		await expectProblem(removePasskey(user.id, second.id, T + 3), 409, 'passkey_last');
	});

	test("removing someone else's passkey is not found", async () => {
		const user = await insertUser();
		const other = await insertUser();
		await insertPasskey(user.id);
		await insertPasskey(user.id);
		const theirs = await insertPasskey(other.id);
		await insertPasskey(other.id);
		await expectProblem(removePasskey(user.id, theirs.id, T), 404, 'passkey_unknown');
		expect(await listPasskeys(other.id)).toHaveLength(2);
	});
});
