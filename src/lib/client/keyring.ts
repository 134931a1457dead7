import { fromBase64url, wipe } from '$lib/crypto/bytes';
import { generateIdentity, type Identity, publicToJson } from '$lib/crypto/identity';
import { formatRecoveryCode, newRecoveryCode, parseRecoveryCode } from '$lib/crypto/recovery-code';
import { randomId } from '$lib/crypto/primitives';
import {
	combineShares,
	unwrapBundle,
	wrapBundle,
	wrapFromJson,
	wrapToJson,
	type BundleWrapJson
} from '$lib/crypto/wrap';
import { deleteJson, getJson, postJson, putJson } from './http';
import { currentKeys, heldPrf, holdPrf, setUnlocked } from './key-memory';

export { currentKeys, hasPendingPrf, holdPrf } from './key-memory';
export { lock, lockEverything } from './lock';
import { deleteShare, newBrowserShare, openBrowserShare, readShare, writeShare } from './key-store';

/**
 * Every way to make and unlock this account's keys. The unlocked bundle itself lives in
 * key-memory.ts; `lock` zeroes it. Nothing here ever sends a secret to the server.
 */

// --- new accounts ----------------------------------------------------------------------------

/**
 * Makes the account's keys, wraps them under a new recovery code and (if the passkey gave a
 * PRF output) under the passkey, and publishes the public halves. Returns the code to show.
 */
export async function createKeys(userId: string): Promise<string> {
	const identity = generateIdentity(userId);
	const code = newRecoveryCode();
	const recovery = wrapToJson(await wrapBundle(identity, code, 'recovery', randomId()));
	const prf = heldPrf();
	const passkey = prf
		? wrapToJson(await wrapBundle(identity, prf.output, 'prf', prf.credentialId))
		: null;
	await postJson('/api/keys', {
		keys: publicToJson(identity),
		recovery,
		passkey
	});
	holdPrf('', null);
	setUnlocked(identity);
	await keepUnlockedThisSession();
	const shown = formatRecoveryCode(code);
	wipe(code);
	return shown;
}

/** A new recovery code; the server deletes the old wrap in the same step, so the old code stops. */
export async function replaceRecoveryCode(): Promise<string> {
	const identity = requireUnlocked();
	const code = newRecoveryCode();
	const wrap = wrapToJson(await wrapBundle(identity, code, 'recovery', randomId()));
	await putJson('/api/keys/recovery', { wrap });
	const shown = formatRecoveryCode(code);
	wipe(code);
	return shown;
}

function requireUnlocked(): Identity {
	const keys = currentKeys();
	if (!keys) throw new Error('locked');
	return keys;
}

// --- unlocking -------------------------------------------------------------------------------

export async function unlockWithPasskey(userId: string, wrap: BundleWrapJson, prf: Uint8Array) {
	setUnlocked(await unwrapBundle(wrapFromJson(wrap), prf, userId));
	await keepUnlockedThisSession();
}

/** Unlocks with the recovery code, and wraps for the passkey that is waiting, if any. */
export async function unlockWithRecoveryCode(userId: string, typed: string) {
	const code = parseRecoveryCode(typed);
	const { wrap } = await getJson<{ wrap: BundleWrapJson }>('/api/keys/recovery');
	try {
		setUnlocked(await unwrapBundle(wrapFromJson(wrap), code, userId));
	} finally {
		wipe(code);
	}
	await wrapForPendingPasskey();
	await keepUnlockedThisSession();
}

/** Opens the bundle an unlocked device sealed into an add-a-device link. */
export async function unlockWithHandover(userId: string, wrap: BundleWrapJson, secret: string) {
	const ikm = fromBase64url(secret);
	try {
		setUnlocked(await unwrapBundle(wrapFromJson(wrap), ikm, userId));
	} finally {
		wipe(ikm);
	}
	await wrapForPendingPasskey();
	await keepUnlockedThisSession();
}

async function wrapForPendingPasskey() {
	const prf = heldPrf();
	const keys = currentKeys();
	if (!prf || !keys) return;
	const wrap = await wrapBundle(keys, prf.output, 'prf', prf.credentialId);
	await putJson('/api/keys/passkey', { wrap: wrapToJson(wrap) });
	holdPrf('', null);
}

// --- session and device shares ----------------------------------------------------------------

async function storeShareWrap(slot: string, deviceId: string | null, serverShare: string) {
	const identity = requireUnlocked();
	const local = await newBrowserShare();
	const ikm = combineShares(local.share, fromBase64url(serverShare));
	const wrap = await wrapBundle(identity, ikm, deviceId ? 'device' : 'session', deviceId ?? slot);
	wipe(ikm, local.share);
	const { key, iv, sealedShare } = local;
	await writeShare({ slot, userId: identity.userId, deviceId, key, iv, sealedShare, wrap });
}

async function openShareWrap(slot: string, userId: string, serverShare: string) {
	const record = await readShare(slot);
	if (!record || record.userId !== userId) return null;
	const local = await openBrowserShare(record);
	const ikm = combineShares(local, fromBase64url(serverShare));
	try {
		return await unwrapBundle(record.wrap, ikm, userId);
	} finally {
		wipe(ikm, local);
	}
}

/** So a reload in this session stays unlocked: a fresh share, gone at sign-out. */
async function keepUnlockedThisSession() {
	const { share } = await postJson<{ share: string }>('/api/keys/session');
	await storeShareWrap('session', null, share);
}

/** After a reload: the session's two halves together open the bundle again. */
export async function restoreSession(userId: string): Promise<Identity | null> {
	const keys = currentKeys();
	if (keys?.userId === userId) return keys;
	const record = await readShare('session').catch(() => null);
	if (!record || record.userId !== userId) return null;
	const share = await getJson<{ share: string }>('/api/keys/session').catch(() => null);
	if (!share) return null;
	const identity = await openShareWrap('session', userId, share.share).catch(() => null);
	if (identity) setUnlocked(identity);
	return identity;
}

const deviceSlot = (userId: string) => `device:${userId}`;

export async function isDeviceRemembered(userId: string): Promise<boolean> {
	return (await readShare(deviceSlot(userId)).catch(() => null)) !== null;
}

/** "This device is mine": it unlocks at sign-in without the recovery code. */
export async function rememberThisDevice() {
	const identity = requireUnlocked();
	const { deviceId, share } = await postJson<{ deviceId: string; share: string }>(
		'/api/keys/devices'
	);
	await storeShareWrap(deviceSlot(identity.userId), deviceId, share);
}

export async function unlockWithDevice(userId: string): Promise<boolean> {
	const record = await readShare(deviceSlot(userId)).catch(() => null);
	if (!record?.deviceId) return false;
	let share: string;
	try {
		({ share } = await postJson<{ share: string }>(`/api/keys/devices/${record.deviceId}`));
	} catch {
		// Forgotten on the server (quick exit, 30 days unused, another device forgot it).
		await deleteShare(deviceSlot(userId));
		return false;
	}
	const identity = await openShareWrap(deviceSlot(userId), userId, share).catch(() => null);
	if (!identity) return false;
	setUnlocked(identity);
	await keepUnlockedThisSession();
	return true;
}

export async function forgetThisDevice(userId: string) {
	const record = await readShare(deviceSlot(userId)).catch(() => null);
	if (record?.deviceId) await deleteJson(`/api/keys/devices/${record.deviceId}`);
	await deleteShare(deviceSlot(userId));
}
