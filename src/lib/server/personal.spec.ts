import { describe, expect, test } from 'vitest';
import { getDb } from './db';
import { personalEnvelopes } from './db/schema';
import { getPersonal, listPersonal, MAX_PERSONAL_OBJECTS, putPersonal } from './personal';
import { expectProblem, insertUser, useTestDb } from './test-db';

useTestDb();

const T = Date.UTC(2030, 0, 1, 9);
const b64 = (n: number, fill = 1) => Buffer.alloc(n, fill).toString('base64url');

function page(objectId: string, version: number, deleted = false) {
	return {
		v: 1 as const,
		kind: 'notebook' as const,
		objectId,
		version,
		deleted,
		header: b64(200, version),
		body: b64(deleted ? 40 : 1000, version),
		wrap: b64(100, version)
	};
}

describe('personal envelopes', () => {
	test('versions go up by one; a stale write is refused and changes nothing', async () => {
		const user = await insertUser();
		await putPersonal(user.id, page('p1', 1), T);
		await putPersonal(user.id, page('p1', 2), T + 1);
		await expectProblem(putPersonal(user.id, page('p1', 2), T + 2), 409, 'version_conflict');
		await expectProblem(putPersonal(user.id, page('p1', 4), T + 2), 409, 'version_conflict');
		await expectProblem(putPersonal(user.id, page('p2', 2), T + 2), 409, 'version_conflict');
		expect(await getPersonal(user.id, 'p1')).toMatchObject({ version: 2, updatedAt: T + 1 });
	});

	test('each person sees only their own', async () => {
		const a = await insertUser();
		const b = await insertUser();
		await putPersonal(a.id, page('mine', 1), T);
		expect(await getPersonal(b.id, 'mine')).toBeNull();
		expect(await listPersonal(b.id, 'notebook')).toEqual([]);
		// The same object id for someone else is their own object.
		await putPersonal(b.id, page('mine', 1), T);
		expect(await listPersonal(a.id, 'notebook')).toHaveLength(1);
	});

	test('a tombstone keeps only an empty body and its version', async () => {
		const user = await insertUser();
		await putPersonal(user.id, page('p1', 1), T);
		await putPersonal(user.id, page('p1', 2, true), T + 1);
		expect(await getPersonal(user.id, 'p1')).toMatchObject({
			version: 2,
			deleted: true,
			body: b64(40, 2)
		});
		await expectProblem(putPersonal(user.id, page('p1', 1), T + 2), 409, 'version_conflict');
	});

	test('a tombstone with content, a kind change or a wrongly named state is refused', async () => {
		const user = await insertUser();
		await expectProblem(
			putPersonal(user.id, { ...page('p1', 1), deleted: true }, T),
			400,
			'bad_request'
		);
		await putPersonal(user.id, page('p1', 1), T);
		await expectProblem(
			putPersonal(user.id, { ...page('p1', 2), kind: 'personal-state' }, T),
			400,
			'bad_request'
		);
		await expectProblem(
			putPersonal(user.id, { ...page('other', 1), kind: 'personal-state' }, T),
			400,
			'bad_request'
		);
		expect(await getPersonal(user.id, 'p1')).toMatchObject({ version: 1, kind: 'notebook' });
	});

	test('a person has room for a bounded number of objects; editing one still works', async () => {
		const user = await insertUser();
		const rows = Array.from({ length: MAX_PERSONAL_OBJECTS }, (_, i) => ({
			userId: user.id,
			kind: 'notebook' as const,
			objectId: `p${i}`,
			version: 1,
			deleted: false,
			header: 'h',
			body: 'b',
			wrap: 'w',
			size: 2,
			updatedAt: T
		}));
		for (let i = 0; i < rows.length; i += 500) {
			await getDb()
				.insert(personalEnvelopes)
				.values(rows.slice(i, i + 500));
		}
		await expectProblem(putPersonal(user.id, page('one-more', 1), T), 413, 'too_many');
		expect(await getPersonal(user.id, 'one-more')).toBeNull();
		await putPersonal(user.id, page('p0', 2), T);
		expect(await getPersonal(user.id, 'p0')).toMatchObject({ version: 2 });
	});
});
