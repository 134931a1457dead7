import { and, count, eq, inArray, isNull, or } from 'drizzle-orm';
import { getDb, write, type Tx } from './db';
import {
	agreementNews,
	attachments,
	caseMembers,
	caseSeen,
	caseUnread,
	conversationUnread,
	caseWraps,
	cases,
	challenges,
	deviceShares,
	keyWraps,
	links,
	meetingNotices,
	passkeys,
	personalEnvelopes,
	sessions,
	users
} from './db/schema';
import { auditIn } from './audit';
import { changeParticipationIn, takeBackWordsIn } from './case-notices';
import { Problem } from './problem';
import { m } from '$lib/paraglide/messages.js';

/**
 * Deleting an account (DESIGN §6). What was private goes at once, in one transaction: every
 * way to sign in or unlock, the notebook, and every content-key wrap sealed for them. A
 * tombstone stays: the `users` row named only "a former participant" and their PUBLIC keys,
 * so signatures in records others share (case log, agreement consents) still verify. The
 * purge deletes it once no case shows it.
 */

/** Every way to sign in or unlock, and everything only they could read. */
async function deleteSecretsIn(tx: Tx, userId: string) {
	await tx.delete(sessions).where(eq(sessions.userId, userId));
	await tx.delete(passkeys).where(eq(passkeys.userId, userId));
	await tx.delete(challenges).where(eq(challenges.userId, userId));
	await tx.delete(keyWraps).where(eq(keyWraps.userId, userId));
	await tx.delete(deviceShares).where(eq(deviceShares.userId, userId));
	await tx.delete(personalEnvelopes).where(eq(personalEnvelopes.userId, userId));
	// Add-a-passkey links for this account, with the key bundles sealed for them (handovers).
	await tx
		.delete(links)
		.where(
			and(eq(links.kind, 'device'), or(eq(links.userId, userId), eq(links.createdBy, userId)))
		);
	// Sealed keys to case objects, news meant for them, what they had opened, unsent files.
	await tx.delete(caseWraps).where(eq(caseWraps.readerId, userId));
	await tx.delete(agreementNews).where(eq(agreementNews.userId, userId));
	await tx.delete(meetingNotices).where(eq(meetingNotices.userId, userId));
	await tx.delete(caseSeen).where(eq(caseSeen.userId, userId));
	await tx.delete(caseUnread).where(eq(caseUnread.userId, userId));
	await tx.delete(conversationUnread).where(eq(conversationUnread.userId, userId));
	await tx
		.delete(attachments)
		.where(and(eq(attachments.ownerId, userId), isNull(attachments.objectId)));
}

/** The name in every record is the same few words; nothing else is left to identify them. */
async function tombstoneIn(tx: Tx, userId: string, name: string, now: number) {
	await tx
		.update(users)
		.set({ status: 'deleted', displayName: name, orphanedAt: now })
		.where(eq(users.id, userId));
	await tx.update(caseMembers).set({ displayName: name }).where(eq(caseMembers.userId, userId));
}

/** How many cases a participant would leave by deleting their account. */
export async function countCasesToLeave(userId: string) {
	const [row] = await getDb()
		.select({ n: count() })
		.from(caseMembers)
		.where(and(eq(caseMembers.userId, userId), inArray(caseMembers.status, ['active', 'paused'])));
	return row?.n ?? 0;
}

/**
 * A participant deletes their own account. In every case they are in, they withdraw and take
 * back their words (as `setMyParticipation(..., 'withdrawn', now, false)` does); in cases they
 * had already left, their words go too. Facilitators and admins are deleted by an admin.
 */
export async function deleteParticipantAccount(userId: string, now = Date.now()) {
	await write(async (tx) => {
		const [user] = await tx.select().from(users).where(eq(users.id, userId));
		if (!user || user.status !== 'active') throw new Problem(403, 'account_inactive');
		if (user.orgRole) throw new Problem(403, 'account_deleted_by_admin');
		const memberships = await tx.select().from(caseMembers).where(eq(caseMembers.userId, userId));
		for (const member of memberships) {
			if (member.status === 'active' || member.status === 'paused') {
				await changeParticipationIn(tx, member, 'withdrawn', now, false);
			} else {
				await takeBackWordsIn(tx, member.caseId, userId, now);
			}
		}
		await deleteSecretsIn(tx, userId);
		await tombstoneIn(tx, userId, m.former_participant(), now);
		await auditIn(
			tx,
			{ actorId: userId, action: 'account.deleted', objectType: 'user', objectId: userId },
			now
		);
	});
}

/**
 * An admin deletes a deactivated facilitator's account (deactivation already took them out of
 * their cases). Refused while they still lead an open case: it is handed over first, so every
 * case keeps a facilitator. What they wrote for their cases stays with those cases.
 */
export async function deleteFacilitatorAccount(adminId: string, userId: string, now = Date.now()) {
	if (adminId === userId) throw new Problem(409, 'cannot_delete_self');
	return write(async (tx) => {
		const [user] = await tx
			.select()
			.from(users)
			.where(and(eq(users.id, userId), inArray(users.orgRole, ['admin', 'facilitator'])));
		if (!user || user.status === 'deleted') throw new Problem(404, 'facilitator_not_found');
		if (user.status !== 'deactivated') throw new Problem(409, 'facilitator_still_active');
		const [leads] = await tx
			.select({ id: cases.id })
			.from(cases)
			.where(and(eq(cases.leadId, userId), isNull(cases.closedAt)))
			.limit(1);
		if (leads) throw new Problem(409, 'facilitator_still_leads');
		await deleteSecretsIn(tx, userId);
		await tombstoneIn(tx, userId, m.former_facilitator(), now);
		await auditIn(
			tx,
			{
				actorId: adminId,
				action: 'account.deleted',
				objectType: 'user',
				objectId: userId,
				subjectId: userId
			},
			now
		);
		return user.displayName;
	});
}
