import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { write } from './db';
import { caseEnvelopes, caseSeen, caseWraps } from './db/schema';
import { caseAccess } from './case-access';
import { Problem } from './problem';
import { refreshUnreadIn } from './unread';

/**
 * What a person has opened: the newest version of each case object, so the "waiting for you"
 * page can tell what is new. Only a version wrapped for them can be marked: anything else does
 * not exist, as far as they can tell. Structure only, like the wraps themselves; not audited
 * (reading is not a change, and the audit log would fill with it).
 */
/** Joins a person's mark for each envelope's object (none: they never opened it). */
export const seenBy = (userId: string) =>
	and(
		eq(caseSeen.userId, userId),
		eq(caseSeen.caseId, caseEnvelopes.caseId),
		eq(caseSeen.objectId, caseEnvelopes.objectId)
	);

/** After joining `seenBy`: this version is new to them. */
export const notSeen = or(isNull(caseSeen.version), lt(caseSeen.version, caseEnvelopes.version));

export async function markSeen(
	userId: string,
	caseId: string,
	objectId: string,
	version: number,
	now = Date.now()
) {
	await markSeenMany(userId, caseId, [{ objectId, version }], now);
}

/** Several at once (a conversation opened), all or none. */
export async function markSeenMany(
	userId: string,
	caseId: string,
	objects: readonly { objectId: string; version: number }[],
	now = Date.now()
) {
	await write(async (tx) => {
		await caseAccess(userId, caseId, undefined, tx);
		for (const { objectId, version } of objects) {
			const [wrap] = await tx
				.select({ version: caseWraps.version })
				.from(caseWraps)
				.where(
					and(
						eq(caseWraps.caseId, caseId),
						eq(caseWraps.objectId, objectId),
						eq(caseWraps.version, version),
						eq(caseWraps.readerId, userId)
					)
				);
			if (!wrap) throw new Problem(404, 'not_found');
			// Opening an earlier version ("earlier versions") never makes the newer one new again.
			await tx
				.insert(caseSeen)
				.values({ userId, caseId, objectId, version, seenAt: now })
				.onConflictDoUpdate({
					target: [caseSeen.userId, caseSeen.caseId, caseSeen.objectId],
					set: {
						version: sql`max(${caseSeen.version}, excluded.version)`,
						seenAt: sql`case when excluded.version > ${caseSeen.version} then excluded.seen_at else ${caseSeen.seenAt} end`
					}
				});
		}
		await refreshUnreadIn(tx, caseId, [userId]);
	});
}
