import { describe, expect, test } from 'vitest';
import { getDb } from './db';
import { users } from './db/schema';
import { describeError } from './log';
import { insertUser, useTestDb } from './test-db';

useTestDb();

const SECRET = 'Secret-Name-4f9a';

describe('describeError', () => {
	test('keeps the name and stack frames but not the message', () => {
		const text = describeError(new TypeError(`lookup failed for ${SECRET}`));
		expect(text).not.toContain(SECRET);
		expect(text).toMatch(/^TypeError\n/);
		expect(text).toContain('log.spec.ts');
	});

	test('keeps an error code, from the error or its cause', () => {
		const own = Object.assign(new Error(SECRET), { code: 'EACCES' });
		const wrapped = new Error(`params: ${SECRET}`, { cause: { code: 'SQLITE_BUSY' } });
		expect(describeError(own)).toMatch(/^Error \(EACCES\)/);
		expect(describeError(wrapped)).toMatch(/^Error \(SQLITE_BUSY\)/);
		expect(describeError(wrapped)).not.toContain(SECRET);
	});

	test('leaves out the query parameters of a real database error', async () => {
		const user = await insertUser();
		const error = await getDb()
			.insert(users)
			.values({ ...user, displayName: SECRET })
			.then(
				() => undefined,
				(e: unknown) => e
			);
		expect(String(error)).toContain(SECRET);
		const text = describeError(error);
		expect(text).not.toContain(SECRET);
		expect(text).toContain('SQLITE_CONSTRAINT');
	});

	test('says nothing about something that is not an Error', () => {
		expect(describeError(SECRET)).toBe('non-error thrown');
		expect(describeError({ message: SECRET })).toBe('non-error thrown');
	});
});
