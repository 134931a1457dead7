import type { Identity } from '$lib/crypto/identity';

/**
 * The unlocked key bundle of this tab, in memory only. Kept apart from the unlocking code so
 * that every page can wipe it (sign-out, quick exit) without loading the crypto library.
 */

let unlocked: Identity | null = null;

/** A passkey's PRF output waiting for the bundle (e.g. until the recovery code is typed). */
let pendingPrf: { credentialId: string; output: Uint8Array } | null = null;

export function currentKeys(): Identity | null {
	return unlocked;
}

function wipeKeys(keys: Identity | null) {
	keys?.boxSk.fill(0);
	keys?.signSk.fill(0);
}

export function setUnlocked(identity: Identity) {
	if (unlocked && unlocked !== identity) wipeKeys(unlocked);
	unlocked = identity;
}

export function holdPrf(credentialId: string, output: Uint8Array | null) {
	pendingPrf?.output.fill(0);
	pendingPrf = output ? { credentialId, output } : null;
}

export function heldPrf() {
	return pendingPrf;
}

export function hasPendingPrf(): boolean {
	return pendingPrf !== null;
}

/** Zeroes the secret keys and any waiting PRF output; the arrays are cleared, not dropped. */
export function wipeMemory() {
	wipeKeys(unlocked);
	unlocked = null;
	holdPrf('', null);
}
