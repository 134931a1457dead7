import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { getDb } from './db';
import { auditEvents, handovers, keyWraps, sessions } from './db/schema';
import { createSession, invalidateSession } from './auth/session';
import { removePasskey } from './auth/passkeys';
import { createDeviceLink, createRecoveryLink } from './links';
import { deleteExpired } from './cleanup';
import {
	DEVICE_SHARE_IDLE_MS,
	forgetDevice,
	forgetSessionDevice,
	getIdentity,
	getPasskeyWrap,
	getRecoveryWrap,
	getSessionShare,
	newSessionShare,
	publishIdentity,
	rememberDevice,
	replaceRecoveryWrap,
	savePasskeyWrap,
	takeHandoverIn,
	unlockDevice,
	unlockInfo
} from './keys';
import { write } from './db';
import { expectProblem, insertPasskey, insertUser, useTestDb } from './test-db';

useTestDb();

const T = Date.UTC(2030, 0, 1, 9);
const b64 = (n: number, fill = 1) => Buffer.alloc(n, fill).toString('base64url');
const keys = { keyVersion: 1, boxPk: b64(32, 1), signPk: b64(32, 2) };
const recovery = (wrapId = 'r1') =>
	({ v: 1, kind: 'recovery', wrapId, salt: b64(32, 3), box: b64(280, 4) }) as const;
const prf = (wrapId: string) =>
	({ v: 1, kind: 'prf', wrapId, salt: b64(32, 5), box: b64(280, 6) }) as const;

async function person() {
	const user = await insertUser();
	const passkey = await insertPasskey(user.id);
	return { user, passkey };
}

describe('publishing an identity', () => {
	test('stores public keys and the first wraps together, and is audited', async () => {
		const { user, passkey } = await person();
		await publishIdentity(user.id, keys, recovery(), prf(passkey.id), T);
		expect(await getIdentity(user.id)).toMatchObject({ ...keys, createdAt: T });
		expect(await getRecoveryWrap(user.id)).toEqual(recovery());
		expect(await getPasskeyWrap(user.id, passkey.id)).toEqual(prf(passkey.id));
		expect(await unlockInfo(user.id, passkey.id)).toEqual({
			userId: user.id,
			hasKeys: true,
			passkeyWrap: prf(passkey.id)
		});
		const events = await getDb().select().from(auditEvents).where(eq(auditEvents.actorId, user.id));
		expect(events.map((e) => e.action)).toContain('keys.created');
	});

	test('a second publish is refused and changes nothing', async () => {
		const { user } = await person();
		await publishIdentity(user.id, keys, recovery(), null, T);
		await expectProblem(
			publishIdentity(user.id, { ...keys, boxPk: b64(32, 9) }, recovery('r2'), null, T),
			409,
			'keys_exist'
		);
		expect((await getIdentity(user.id))?.boxPk).toBe(keys.boxPk);
		expect((await getRecoveryWrap(user.id))?.wrapId).toBe('r1');
	});

	test("a wrap for someone else's passkey is refused, with nothing half-written", async () => {
		const { user } = await person();
		const other = await person();
		await expectProblem(
			publishIdentity(user.id, keys, recovery(), prf(other.passkey.id), T),
			404,
			'passkey_unknown'
		);
		expect(await getIdentity(user.id)).toBeNull();
		expect(await getRecoveryWrap(user.id)).toBeNull();
	});

	test('without keys there is nothing to unlock', async () => {
		const { user, passkey } = await person();
		expect(await unlockInfo(user.id, passkey.id)).toEqual({
			userId: user.id,
			hasKeys: false,
			passkeyWrap: null
		});
		await expectProblem(savePasskeyWrap(user.id, prf(passkey.id)), 409, 'keys_missing');
		await expectProblem(replaceRecoveryWrap(user.id, recovery()), 409, 'keys_missing');
	});
});

describe('wraps', () => {
	test('one wrap per passkey; a new one replaces it; removing the passkey removes it', async () => {
		const { user, passkey } = await person();
		const second = await insertPasskey(user.id);
		await publishIdentity(user.id, keys, recovery(), prf(passkey.id), T);
		await savePasskeyWrap(user.id, { ...prf(passkey.id), box: b64(280, 7) }, T);
		await savePasskeyWrap(user.id, prf(second.id), T);
		const rows = await getDb().select().from(keyWraps).where(eq(keyWraps.userId, user.id));
		expect(rows.filter((r) => r.kind === 'prf')).toHaveLength(2);
		expect((await getPasskeyWrap(user.id, passkey.id))?.box).toBe(b64(280, 7));
		await removePasskey(user.id, passkey.id, T);
		expect(await getPasskeyWrap(user.id, passkey.id)).toBeNull();
		expect(await getPasskeyWrap(user.id, second.id)).not.toBeNull();
	});

	test('a new recovery code replaces the old wrap, so the old code stops working', async () => {
		const { user } = await person();
		await publishIdentity(user.id, keys, recovery('old'), null, T);
		await replaceRecoveryWrap(user.id, recovery('new'), T);
		const rows = await getDb().select().from(keyWraps).where(eq(keyWraps.userId, user.id));
		expect(rows.map((r) => r.wrapId)).toEqual(['new']);
	});
});

describe('session and device shares', () => {
	test('the session share lives and dies with its session', async () => {
		const { user } = await person();
		const session = await createSession(user.id, T);
		expect(await getSessionShare(session.id)).toBeNull();
		const share = await newSessionShare(session.id);
		expect(share).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(await getSessionShare(session.id)).toBe(share);
		await invalidateSession(session.id);
		expect(await getSessionShare(session.id)).toBeNull();
	});

	test("a remembered device's share goes only to its owner, and is forgotten on request", async () => {
		const { user } = await person();
		const other = await person();
		await publishIdentity(user.id, keys, recovery(), null, T);
		const session = await createSession(user.id, T);
		const { deviceId, share } = await rememberDevice(user.id, session.id, T);
		const later = await createSession(user.id, T + 1000);
		expect(await unlockDevice(user.id, later.id, deviceId, T + 1000)).toBe(share);
		const otherSession = await createSession(other.user.id, T);
		await expectProblem(
			unlockDevice(other.user.id, otherSession.id, deviceId, T),
			404,
			'device_forgotten'
		);
		await forgetDevice(other.user.id, deviceId, T);
		expect(await unlockDevice(user.id, later.id, deviceId, T + 2000)).toBe(share);
		await forgetDevice(user.id, deviceId, T);
		await expectProblem(unlockDevice(user.id, later.id, deviceId, T), 404, 'device_forgotten');
	});

	test('a device unused for 30 days is forgotten', async () => {
		const { user } = await person();
		await publishIdentity(user.id, keys, recovery(), null, T);
		const session = await createSession(user.id, T);
		const { deviceId } = await rememberDevice(user.id, session.id, T);
		await expectProblem(
			unlockDevice(user.id, session.id, deviceId, T + DEVICE_SHARE_IDLE_MS + 1),
			404,
			'device_forgotten'
		);
		const again = await rememberDevice(user.id, session.id, T);
		await deleteExpired(T + DEVICE_SHARE_IDLE_MS + 1);
		await expectProblem(
			unlockDevice(user.id, session.id, again.deviceId, T),
			404,
			'device_forgotten'
		);
	});

	test('quick exit forgets the device the session unlocked with', async () => {
		const { user } = await person();
		await publishIdentity(user.id, keys, recovery(), null, T);
		const first = await createSession(user.id, T);
		const { deviceId } = await rememberDevice(user.id, first.id, T);
		const second = await createSession(user.id, T);
		await unlockDevice(user.id, second.id, deviceId, T);
		const [row] = await getDb().select().from(sessions).where(eq(sessions.id, second.id));
		expect(row?.deviceId).toBe(deviceId);
		await forgetSessionDevice(second.id);
		await expectProblem(unlockDevice(user.id, second.id, deviceId, T), 404, 'device_forgotten');
	});
});

describe('add-a-device handover', () => {
	const sealed = {
		v: 1,
		kind: 'handover',
		wrapId: 'h1',
		salt: b64(32, 8),
		box: b64(280, 9)
	} as const;

	test('is stored with the link, read once, and deleted', async () => {
		const { user } = await person();
		const link = await createDeviceLink(user.id, { handover: sealed }, T);
		expect(await write((tx) => takeHandoverIn(tx, link.id, T + 1))).toEqual(sealed);
		expect(await write((tx) => takeHandoverIn(tx, link.id, T + 1))).toBeNull();
	});

	test('an expired one is not handed out and cleanup deletes it', async () => {
		const { user } = await person();
		const link = await createDeviceLink(user.id, { handover: sealed }, T);
		expect(await write((tx) => takeHandoverIn(tx, link.id, link.expiresAt))).toBeNull();
		const other = await createDeviceLink(user.id, { handover: sealed }, T);
		await deleteExpired(other.expiresAt + 1);
		expect(await getDb().select().from(handovers).where(eq(handovers.linkId, other.id))).toEqual(
			[]
		);
	});

	test('an admin recovery link carries no keys and is audited as such', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		const { user } = await person();
		const link = await createRecoveryLink(admin.id, user.id, T);
		expect(await getDb().select().from(handovers).where(eq(handovers.linkId, link.id))).toEqual([]);
		const [event] = await getDb()
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.objectId, link.id));
		expect(event).toMatchObject({ actorId: admin.id, action: 'recovery_link.created' });
		await expectProblem(createRecoveryLink(admin.id, admin.id, T), 409, 'cannot_recover_self');
		const gone = await insertUser({ status: 'deactivated' });
		await expectProblem(createRecoveryLink(admin.id, gone.id, T), 404, 'person_not_found');
	});
});
