import { deleteExpiredSessions } from './auth/session';
import { deleteExpiredChallenges } from './auth/webauthn';
import { deleteOldRateLimits } from './auth/rate-limit';
import { deleteExpiredLinks } from './links';
import { deleteExpiredHandovers, deleteIdleDeviceShares } from './keys';
import { deleteAbandonedUploads } from './attachments';

/**
 * Deletes what has outlived its purpose: sessions (with their key shares), challenges, links,
 * rate-limit counters, unused add-a-device handovers, devices unused for 30 days, and
 * uploads never attached to a message or input. Part of the purge (purge.ts), which adds what
 * the retention policy decides.
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
