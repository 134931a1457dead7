import { describe, expect, test } from 'vitest';
import { generateId, generateToken, hashToken } from './tokens';

describe('tokens', () => {
	test('a token carries 20 random bytes by default, in lower-case base32', () => {
		const tokens = new Set(Array.from({ length: 100 }, () => generateToken()));
		expect(tokens.size).toBe(100);
		for (const token of tokens) expect(token).toMatch(/^[a-z2-7]{32}$/);
		expect(generateToken(32)).toMatch(/^[a-z2-7]{52}$/);
	});

	test('an id is 16 random bytes in base64url', () => {
		const ids = new Set(Array.from({ length: 100 }, () => generateId()));
		expect(ids.size).toBe(100);
		for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
	});

	test('hashToken is hex SHA-256', () => {
		expect(hashToken('abc')).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
		expect(hashToken('abc')).not.toBe(hashToken('abd'));
	});
});
