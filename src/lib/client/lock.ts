import { onSessionEnded } from './http';
import { wipeMemory } from './key-memory';
import { deleteAllShares, deleteShare } from './key-store';

/** Sign-out and expiry: memory wiped, this session's share deleted; a remembered device stays. */
export async function lock() {
	wipeMemory();
	await deleteShare('session').catch(() => undefined);
}

/** Quick exit: memory wiped and everything in storage deleted, without waiting. */
export function lockEverything() {
	wipeMemory();
	deleteAllShares();
}

// An expired session leaves nothing unlocked in this tab, even before the next page loads.
onSessionEnded(() => void lock());
