import { createHash, randomBytes } from 'node:crypto';
import type { Client } from '@libsql/client';

// Sessions made straight in the database, for tests where signing in is not what is tested.
// They mirror src/lib/server/auth/session.ts: the cookie holds a random base32 token, the
// `sessions` row only the SHA-256 of it (hex), with the default 12-hour absolute lifetime.

/** The cookie's name over http; an https ORIGIN would make it `__Host-ck_session`. */
export const SESSION_COOKIE = 'ck_session';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const ABSOLUTE_MS = 12 * 3_600_000;

/** 20 random bytes as 32 lower-case base32 characters, as the server's `generateToken(20)`. */
export function generateToken(): string {
	return Array.from(randomBytes(32), (b) => BASE32[b & 31]).join('');
}

/** What the server stores and looks a token up by (sessions and one-time links alike). */
export function hashToken(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The `sessions` row for a token, as `createSession` writes it. */
export function sessionRow(userId: string, token: string, now = Date.now()) {
	return {
		id: hashToken(token),
		userId,
		createdAt: now,
		lastActiveAt: now,
		expiresAt: now + ABSOLUTE_MS,
		keyShare: null,
		deviceId: null
	};
}

export function sessionCookie(token: string): string {
	return `${SESSION_COOKIE}=${token}`;
}

/** Signs a user in without a passkey: returns the Cookie header value for their new session. */
export async function insertSession(db: Client, userId: string, now = Date.now()) {
	const token = generateToken();
	const row = sessionRow(userId, token, now);
	await db.execute({
		sql: `INSERT INTO sessions (id, user_id, created_at, last_active_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`,
		args: [row.id, row.userId, row.createdAt, row.lastActiveAt, row.expiresAt]
	});
	return sessionCookie(token);
}
