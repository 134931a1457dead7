import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { getDb, write, type Tx } from './db';
import {
	caseEnvelopes,
	caseEvents,
	caseMembers,
	caseNotices,
	casePending,
	personalEnvelopes,
	attachments,
	type CaseMember
} from './db/schema';
import { caseAccess, facilitatorAccess } from './case-access';
import { addPendingIn, type PendingChangeJson } from './case-log';
import { auditIn } from './audit';
import { Problem } from './problem';
import { refreshUnreadIn } from './unread';
import { dropFromUpcomingIn } from './meetings';
import { dropFromOpenPollsIn } from './meeting-polls';

/**
 * Safety signals and participation changes: content-free notices that reach the case's
 * facilitators at once (on their dashboard and the case page) and are logged. A participant
 * says only *that* something is wrong, never what; facilitators reach out in person.
 */

export type SignalKind = 'talk' | 'unsafe';
export type NoticeKind = (typeof caseNotices.$inferSelect)['kind'];
export const URGENT: readonly NoticeKind[] = ['talk', 'unsafe'];

/** Participants only: a facilitator has other ways to reach their colleagues. */
async function participantAccess(userId: string, caseId: string, tx?: Tx) {
	const access = await caseAccess(userId, caseId, undefined, tx);
	if (access.member.role === 'facilitator') throw new Problem(403, 'forbidden');
	return access;
}

export async function raiseSignal(
	userId: string,
	caseId: string,
	kind: SignalKind,
	now = Date.now()
) {
	await write(async (tx) => {
		await participantAccess(userId, caseId, tx);
		await tx.insert(caseNotices).values({ caseId, userId, kind, createdAt: now });
		await auditIn(
			tx,
			{ actorId: userId, action: 'case.signal_raised', objectType: 'case', objectId: caseId },
			now
		);
	});
}

/** The notices a facilitator has not marked as seen yet, newest first. */
export async function openNotices(facilitatorId: string, caseId: string) {
	await facilitatorAccess(facilitatorId, caseId);
	return getDb()
		.select({
			id: caseNotices.id,
			kind: caseNotices.kind,
			createdAt: caseNotices.createdAt,
			userId: caseNotices.userId,
			name: caseMembers.displayName
		})
		.from(caseNotices)
		.leftJoin(
			caseMembers,
			and(eq(caseMembers.caseId, caseNotices.caseId), eq(caseMembers.userId, caseNotices.userId))
		)
		.where(and(eq(caseNotices.caseId, caseId), isNull(caseNotices.seenAt)))
		.orderBy(desc(caseNotices.id));
}

/** A person's own signals in a case, so they can see that theirs arrived. */
export async function mySignals(userId: string, caseId: string) {
	await caseAccess(userId, caseId);
	return getDb()
		.select({
			kind: caseNotices.kind,
			createdAt: caseNotices.createdAt,
			seenAt: caseNotices.seenAt
		})
		.from(caseNotices)
		.where(
			and(
				eq(caseNotices.caseId, caseId),
				eq(caseNotices.userId, userId),
				inArray(caseNotices.kind, ['talk', 'unsafe'])
			)
		)
		.orderBy(desc(caseNotices.id))
		.limit(5);
}

export async function markNoticeSeen(
	facilitatorId: string,
	caseId: string,
	noticeId: number,
	now = Date.now()
) {
	await write(async (tx) => {
		await facilitatorAccess(facilitatorId, caseId, tx);
		const done = await tx
			.update(caseNotices)
			.set({ seenBy: facilitatorId, seenAt: now })
			.where(
				and(
					eq(caseNotices.id, noticeId),
					eq(caseNotices.caseId, caseId),
					isNull(caseNotices.seenAt)
				)
			)
			.returning({ id: caseNotices.id });
		if (done.length === 0) throw new Problem(404, 'not_found');
		await auditIn(
			tx,
			{ actorId: facilitatorId, action: 'case.notice_seen', objectType: 'case', objectId: caseId },
			now
		);
	});
}

/** Unseen notices per case for a facilitator's dashboard: urgent ones and the rest. */
export async function countNotices(caseIds: readonly string[]) {
	const counts = new Map<string, { urgent: number; other: number }>();
	if (caseIds.length === 0) return counts;
	const rows = await getDb()
		.select({ caseId: caseNotices.caseId, kind: caseNotices.kind })
		.from(caseNotices)
		.where(and(inArray(caseNotices.caseId, [...caseIds]), isNull(caseNotices.seenAt)));
	for (const r of rows) {
		const c = counts.get(r.caseId) ?? { urgent: 0, other: 0 };
		if (URGENT.includes(r.kind)) c.urgent++;
		else c.other++;
		counts.set(r.caseId, c);
	}
	return counts;
}

export type Participation = 'active' | 'paused' | 'withdrawn';

/**
 * A participant pauses, resumes or withdraws their own part, at any time. Withdrawal is for
 * good (coming back takes a new invite): the server refuses them at once, and their removal
 * from the log waits for a facilitator browser to sign it.
 */
export async function setMyParticipation(
	userId: string,
	caseId: string,
	to: Participation,
	now = Date.now(),
	keepWords = true
) {
	await write(async (tx) => {
		const { member } = await participantAccess(userId, caseId, tx);
		await changeParticipationIn(tx, member, to, now, keepWords);
	});
}

/** `setMyParticipation` inside a transaction, for a member the caller has already checked. */
export async function changeParticipationIn(
	tx: Tx,
	member: CaseMember,
	to: Participation,
	now: number,
	keepWords: boolean
) {
	const { userId, caseId } = member;
	if (member.status === to) return;
	if (to === 'withdrawn' && !keepWords) await takeBackWordsIn(tx, caseId, userId, now);
	await tx
		.update(caseMembers)
		.set({ status: to, statusAt: now })
		.where(and(eq(caseMembers.caseId, caseId), eq(caseMembers.userId, userId)));
	const kind: NoticeKind = to === 'active' ? 'resumed' : to;
	await tx.insert(caseNotices).values({ caseId, userId, kind, createdAt: now });
	await tx.insert(caseEvents).values({
		caseId,
		at: now,
		actorId: userId,
		kind: 'member',
		value: `${userId} ${kind}`
	});
	if (to === 'withdrawn') await leaveLogIn(tx, member, now);
	// Paused or gone: nothing still to come keeps them, and the facilitators are told.
	if (to !== 'active') {
		await dropFromUpcomingIn(tx, caseId, userId, now);
		await dropFromOpenPollsIn(tx, caseId, userId);
	}
	await auditIn(
		tx,
		{
			actorId: userId,
			action: 'case.participation_changed',
			objectType: 'case',
			objectId: caseId
		},
		now
	);
}

/**
 * A party takes back everything they wrote for a case: body and every wrap of every version go
 * at once (the wraps cascade), files with their envelopes, relays they approved too.
 */
export async function takeBackWordsIn(tx: Tx, caseId: string, userId: string, now: number) {
	const gone = await tx
		.delete(caseEnvelopes)
		.where(
			and(
				eq(caseEnvelopes.caseId, caseId),
				eq(caseEnvelopes.authorId, userId),
				inArray(caseEnvelopes.kind, ['input', 'interim-comment', 'conversation', 'relay'])
			)
		)
		.returning({ objectId: caseEnvelopes.objectId });
	if (gone.length === 0) return;
	await refreshUnreadIn(tx, caseId);
	await auditIn(
		tx,
		{
			actorId: userId,
			action: 'case.input_deleted',
			objectType: 'case',
			objectId: caseId,
			subjectId: userId
		},
		now
	);
}

/** Someone leaving a case: a pending removal, or, if their add was never signed, no add at all. */
export async function leaveLogIn(tx: Tx, m: CaseMember, now: number) {
	// Words never sent stay with nobody: a person's drafts for this case go as they leave.
	await tx
		.delete(personalEnvelopes)
		.where(and(eq(personalEnvelopes.userId, m.userId), eq(personalEnvelopes.caseId, m.caseId)));
	// So do files they had started uploading but not sent.
	await tx
		.delete(attachments)
		.where(
			and(
				eq(attachments.ownerId, m.userId),
				eq(attachments.caseId, m.caseId),
				isNull(attachments.objectId)
			)
		);
	const unsigned = await tx
		.delete(casePending)
		.where(and(eq(casePending.caseId, m.caseId), eq(casePending.userId, m.userId)))
		.returning({ change: casePending.change });
	if (unsigned.some((p) => (JSON.parse(p.change) as PendingChangeJson).op === 'add')) return;
	const change: PendingChangeJson = {
		op: 'remove',
		subject: { userId: m.userId, fp: m.fp },
		role: m.role,
		supports: m.supports,
		invite: null
	};
	await addPendingIn(tx, m.caseId, change, now);
}
