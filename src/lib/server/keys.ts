import { and, eq, lt } from 'drizzle-orm';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import { getDb, write, type Tx } from './db';
import { deviceShares, handovers, identities, keyWraps, passkeys, sessions } from './db/schema';
import { auditIn } from './audit';
import { generateId } from './auth/tokens';
import { Problem } from './problem';
import type { HandoverWrap, PasskeyWrap, RecoveryWrap } from './validation/keys';

/**
 * Public keys and opaque wraps. Nothing here can read a key bundle: the server stores what
 * browsers sealed and hands it back only to the signed-in person it belongs to.
 */

type PublicKeys = { keyVersion: number; boxPk: string; signPk: string };

const DAY = 86_400_000;
/** A remembered device unused this long is forgotten. */
export const DEVICE_SHARE_IDLE_MS = 30 * DAY;

function randomShare(): string {
	return encodeBase64urlNoPadding(crypto.getRandomValues(new Uint8Array(32)));
}

export async function getIdentity(userId: string) {
	const [row] = await getDb().select().from(identities).where(eq(identities.userId, userId));
	return row ?? null;
}

/** Publishes a new account's public keys with its first wraps, all or nothing. */
export async function publishIdentity(
	userId: string,
	keys: PublicKeys,
	recovery: RecoveryWrap,
	passkey: PasskeyWrap | null,
	now = Date.now()
) {
	await write(async (tx) => {
		const [existing] = await tx.select().from(identities).where(eq(identities.userId, userId));
		// Replacing keys is a rotation with its own rules; a second publish must not do it.
		if (existing) throw new Problem(409, 'keys_exist');
		await tx.insert(identities).values({ userId, ...keys, createdAt: now });
		await insertWrap(tx, userId, recovery, now);
		if (passkey) await savePasskeyWrapIn(tx, userId, passkey, now);
		await auditIn(
			tx,
			{ actorId: userId, action: 'keys.created', objectType: 'user', objectId: userId },
			now
		);
	});
}

async function insertWrap(tx: Tx, userId: string, wrap: RecoveryWrap | PasskeyWrap, now: number) {
	await tx.insert(keyWraps).values({
		id: generateId(),
		userId,
		kind: wrap.kind,
		wrapId: wrap.wrapId,
		salt: wrap.salt,
		box: wrap.box,
		createdAt: now
	});
}

async function requireIdentityIn(tx: Tx, userId: string) {
	const [existing] = await tx.select().from(identities).where(eq(identities.userId, userId));
	if (!existing) throw new Problem(409, 'keys_missing');
}

async function savePasskeyWrapIn(tx: Tx, userId: string, wrap: PasskeyWrap, now: number) {
	const [passkey] = await tx
		.select({ id: passkeys.id })
		.from(passkeys)
		.where(and(eq(passkeys.id, wrap.wrapId), eq(passkeys.userId, userId)));
	if (!passkey) throw new Problem(404, 'passkey_unknown');
	await tx
		.delete(keyWraps)
		.where(
			and(eq(keyWraps.userId, userId), eq(keyWraps.kind, 'prf'), eq(keyWraps.wrapId, wrap.wrapId))
		);
	await insertWrap(tx, userId, wrap, now);
}

/** One wrap per passkey (PRF outputs differ per credential); a new one replaces the old. */
export async function savePasskeyWrap(userId: string, wrap: PasskeyWrap, now = Date.now()) {
	await write(async (tx) => {
		await requireIdentityIn(tx, userId);
		await savePasskeyWrapIn(tx, userId, wrap, now);
	});
}

/** A new recovery code: the old wrap is deleted in the same step, so the old code stops. */
export async function replaceRecoveryWrap(userId: string, wrap: RecoveryWrap, now = Date.now()) {
	await write(async (tx) => {
		await requireIdentityIn(tx, userId);
		await tx
			.delete(keyWraps)
			.where(and(eq(keyWraps.userId, userId), eq(keyWraps.kind, 'recovery')));
		await insertWrap(tx, userId, wrap, now);
		await auditIn(
			tx,
			{ actorId: userId, action: 'recovery_code.replaced', objectType: 'user', objectId: userId },
			now
		);
	});
}

function toWrap(row: typeof keyWraps.$inferSelect) {
	return { v: 1 as const, kind: row.kind, wrapId: row.wrapId, salt: row.salt, box: row.box };
}

export async function getPasskeyWrap(userId: string, credentialId: string) {
	const [row] = await getDb()
		.select()
		.from(keyWraps)
		.where(
			and(eq(keyWraps.userId, userId), eq(keyWraps.kind, 'prf'), eq(keyWraps.wrapId, credentialId))
		);
	return row ? toWrap(row) : null;
}

export async function getRecoveryWrap(userId: string) {
	const [row] = await getDb()
		.select()
		.from(keyWraps)
		.where(and(eq(keyWraps.userId, userId), eq(keyWraps.kind, 'recovery')));
	return row ? toWrap(row) : null;
}

export async function passkeysWithWraps(userId: string) {
	const rows = await getDb()
		.select({ wrapId: keyWraps.wrapId })
		.from(keyWraps)
		.where(and(eq(keyWraps.userId, userId), eq(keyWraps.kind, 'prf')));
	return rows.map((r) => r.wrapId);
}

/** What a browser needs right after sign-in to unlock in the same tap. */
export async function unlockInfo(userId: string, credentialId: string) {
	const identity = await getIdentity(userId);
	return {
		userId,
		hasKeys: identity !== null,
		passkeyWrap: identity ? await getPasskeyWrap(userId, credentialId) : null
	};
}

export async function deletePasskeyWrapIn(tx: Tx, userId: string, credentialId: string) {
	await tx
		.delete(keyWraps)
		.where(
			and(eq(keyWraps.userId, userId), eq(keyWraps.kind, 'prf'), eq(keyWraps.wrapId, credentialId))
		);
}

// --- session and device shares -------------------------------------------------------------

/** A fresh server half for this session's key share; it is deleted with the session. */
export async function newSessionShare(sessionId: string) {
	const share = randomShare();
	await write((tx) =>
		tx.update(sessions).set({ keyShare: share }).where(eq(sessions.id, sessionId))
	);
	return share;
}

export async function getSessionShare(sessionId: string) {
	const [row] = await getDb()
		.select({ keyShare: sessions.keyShare })
		.from(sessions)
		.where(eq(sessions.id, sessionId));
	return row?.keyShare ?? null;
}

/** Remembers this device for a person whose passkey cannot unlock by itself (no PRF). */
export async function rememberDevice(userId: string, sessionId: string, now = Date.now()) {
	const id = generateId();
	const share = randomShare();
	await write(async (tx) => {
		await requireIdentityIn(tx, userId);
		await tx.insert(deviceShares).values({ id, userId, share, createdAt: now, lastUsedAt: now });
		await tx.update(sessions).set({ deviceId: id }).where(eq(sessions.id, sessionId));
		await auditIn(
			tx,
			{ actorId: userId, action: 'device.remembered', objectType: 'device', objectId: id },
			now
		);
	});
	return { deviceId: id, share };
}

/** Releases a remembered device's server half to a session of its owner. */
export async function unlockDevice(
	userId: string,
	sessionId: string,
	deviceId: string,
	now = Date.now()
) {
	return write(async (tx) => {
		const [row] = await tx
			.select()
			.from(deviceShares)
			.where(and(eq(deviceShares.id, deviceId), eq(deviceShares.userId, userId)));
		if (!row || now - row.lastUsedAt > DEVICE_SHARE_IDLE_MS) {
			if (row) await tx.delete(deviceShares).where(eq(deviceShares.id, deviceId));
			throw new Problem(404, 'device_forgotten');
		}
		await tx.update(deviceShares).set({ lastUsedAt: now }).where(eq(deviceShares.id, deviceId));
		await tx.update(sessions).set({ deviceId }).where(eq(sessions.id, sessionId));
		return row.share;
	});
}

export async function forgetDevice(userId: string, deviceId: string, now = Date.now()) {
	await write(async (tx) => {
		const deleted = await tx
			.delete(deviceShares)
			.where(and(eq(deviceShares.id, deviceId), eq(deviceShares.userId, userId)))
			.returning({ id: deviceShares.id });
		if (deleted.length === 0) return;
		await auditIn(
			tx,
			{ actorId: userId, action: 'device.forgotten', objectType: 'device', objectId: deviceId },
			now
		);
	});
}

/** Quick exit: the device this session unlocked with is forgotten before the session ends. */
export async function forgetSessionDevice(sessionId: string) {
	await write(async (tx) => {
		const [row] = await tx
			.select({ deviceId: sessions.deviceId })
			.from(sessions)
			.where(eq(sessions.id, sessionId));
		if (row?.deviceId) await tx.delete(deviceShares).where(eq(deviceShares.id, row.deviceId));
	});
}

export async function deleteIdleDeviceShares(now = Date.now()) {
	await write((tx) =>
		tx.delete(deviceShares).where(lt(deviceShares.lastUsedAt, now - DEVICE_SHARE_IDLE_MS))
	);
}

// --- add-a-device handover -------------------------------------------------------------------

export async function saveHandoverIn(
	tx: Tx,
	linkId: string,
	wrap: HandoverWrap,
	expiresAt: number
) {
	await tx
		.insert(handovers)
		.values({ linkId, wrapId: wrap.wrapId, salt: wrap.salt, box: wrap.box, expiresAt });
}

/** Hands the sealed bundle to the new device once: it is deleted as it is read. */
export async function takeHandoverIn(tx: Tx, linkId: string, now: number) {
	const [row] = await tx.delete(handovers).where(eq(handovers.linkId, linkId)).returning();
	if (!row || now >= row.expiresAt) return null;
	return {
		v: 1 as const,
		kind: 'handover' as const,
		wrapId: row.wrapId,
		salt: row.salt,
		box: row.box
	};
}

export async function deleteExpiredHandovers(now = Date.now()) {
	await write((tx) => tx.delete(handovers).where(lt(handovers.expiresAt, now)));
}
