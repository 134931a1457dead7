import { eq, lt, or, sql } from 'drizzle-orm';
import { getDb, preparedOn, write, writeIfFree } from '../db';
import { sessions, users, type User } from '../db/schema';
import { config } from '../config';
import { generateToken, hashToken } from './tokens';

// The Lucia sessions design: the cookie holds a random token, the database only its SHA-256.

const TOUCH_INTERVAL_MS = 60_000;

export async function createSession(userId: string, now = Date.now()) {
	const token = generateToken(20);
	const id = hashToken(token);
	const expiresAt = now + config().sessionAbsoluteMs;
	await write((tx) =>
		tx.insert(sessions).values({ id, userId, createdAt: now, lastActiveAt: now, expiresAt })
	);
	return { token, id, expiresAt };
}

export type SessionUser = Pick<User, 'id' | 'displayName' | 'orgRole'>;

// Every signed-in request runs it: built once (the session and its user in one statement).
const sessionById = preparedOn((db) =>
	db
		.select({ session: sessions, user: users })
		.from(sessions)
		.innerJoin(users, eq(users.id, sessions.userId))
		.where(eq(sessions.id, sql.placeholder('id')))
		.prepare()
);

export async function validateSessionToken(token: string, now = Date.now()) {
	const id = hashToken(token);
	const [row] = await sessionById().all({ id });
	if (!row) return null;
	const { session, user } = row;
	const expired = now >= session.expiresAt || now >= session.lastActiveAt + config().sessionIdleMs;
	if (expired || user.status !== 'active') {
		await invalidateSession(id);
		return null;
	}
	// "Last active" is written at most once a minute, not on every request, and only when the
	// database is free: while another process holds it, the mark waits for a later request.
	if (now - session.lastActiveAt >= TOUCH_INTERVAL_MS) {
		const touched = await writeIfFree((tx) =>
			tx.update(sessions).set({ lastActiveAt: now }).where(eq(sessions.id, id))
		);
		if (touched !== null) session.lastActiveAt = now;
	}
	const sessionUser: SessionUser = {
		id: user.id,
		displayName: user.displayName,
		orgRole: user.orgRole
	};
	return { session, user: sessionUser };
}

export async function invalidateSession(sessionId: string) {
	await write((tx) => tx.delete(sessions).where(eq(sessions.id, sessionId)));
}

export async function invalidateUserSessions(userId: string) {
	await write((tx) => tx.delete(sessions).where(eq(sessions.userId, userId)));
}

export async function listUserSessions(userId: string) {
	return getDb()
		.select({
			id: sessions.id,
			createdAt: sessions.createdAt,
			lastActiveAt: sessions.lastActiveAt,
			expiresAt: sessions.expiresAt
		})
		.from(sessions)
		.where(eq(sessions.userId, userId))
		.orderBy(sessions.createdAt);
}

/** Deletes sessions past their idle or absolute limit. */
export async function deleteExpiredSessions(now = Date.now()) {
	const idleCutoff = now - config().sessionIdleMs;
	await write((tx) =>
		tx
			.delete(sessions)
			.where(or(lt(sessions.expiresAt, now), lt(sessions.lastActiveAt, idleCutoff)))
	);
}

export function sessionCookieName() {
	// `__Host-` makes the browser refuse the cookie unless Secure, path=/ and no Domain.
	return config().secure ? '__Host-ck_session' : 'ck_session';
}
