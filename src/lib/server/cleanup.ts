import { describeError } from './log';
import { deleteExpiredSessions } from './auth/session';
import { deleteExpiredChallenges } from './auth/webauthn';
import { deleteOldRateLimits } from './auth/rate-limit';
import { deleteExpiredLinks } from './links';
import { deleteExpiredHandovers, deleteIdleDeviceShares } from './keys';
import { deleteAbandonedUploads } from './attachments';

/**
 * Deletes what has outlived its purpose: sessions (with their key shares), challenges, links,
 * rate-limit counters, unused add-a-device handovers, devices unused for 30 days, and
 * uploads never attached to a message or input.
 */
export async function deleteExpired(now = Date.now()) {
	await deleteExpiredSessions(now);
	await deleteExpiredChallenges(now);
	await deleteExpiredLinks(now);
	await deleteOldRateLimits(now);
	await deleteExpiredHandovers(now);
	await deleteIdleDeviceShares(now);
	await deleteAbandonedUploads(now);
}

let timer: ReturnType<typeof setInterval> | undefined;

export function startCleanupTimer(everyMs = 5 * 60_000) {
	if (timer) return;
	timer = setInterval(() => {
		// The message of a database error carries its query parameters, which must not be logged.
		deleteExpired().catch((e) => console.error('cleanup failed:', describeError(e)));
	}, everyMs);
	timer.unref();
}
