import { and, count, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import { getDb, type Tx } from './db';
import { caseEnvelopes, caseMembers, caseSeen, caseWraps, type CaseMember } from './db/schema';
import { caseView, type CasePerson } from './cases';
import { wrapFor } from './case-envelopes';
import { notSeen, seenBy } from './seen';
import { Problem } from './problem';
import { MESSAGE_KINDS } from './unread';

/**
 * Private conversations (DESIGN §4): one per participant per case, with that case's
 * facilitators. A participant sees only their own; facilitators see all of their cases'. The
 * server knows who wrote to whom and when, never what.
 */

type Reader = ReturnType<typeof getDb> | Tx;

export { MESSAGE_KINDS };

/** Someone a conversation can be with: present in the case, and not a facilitator. */
export const inConversation = (p: CasePerson) =>
	p.role !== 'facilitator' && (p.status === null || p.status === 'active' || p.status === 'paused');

/**
 * One conversation as `userId` may see it: their own, or — for a facilitator — any
 * participant's. Anyone else's is "not found", as if it did not exist.
 */
export async function conversationView(userId: string, caseId: string, subject: string) {
	const view = await caseView(userId, caseId);
	const facilitator = view.me.role === 'facilitator';
	const person = view.people.find((p) => p.userId === subject);
	if (!person || !inConversation(person) || (!facilitator && subject !== userId)) {
		throw new Problem(404, 'not_found');
	}
	const present = view.people.filter(inConversation);
	return {
		view,
		person,
		// Whom a facilitator could ask to pass this person's words on to.
		relayTargets: facilitator ? present.filter((p) => p.userId !== subject) : [],
		// Whom this person can share their own words with, to speak for them: someone supporting
		// them, or (for a party) a community member.
		supporters:
			subject === userId
				? present.filter(
						(p) =>
							p.supports === userId ||
							(p.role === 'community' &&
								(view.me.role === 'survivor' || view.me.role === 'responsible'))
					)
				: []
	};
}

export type MessageCount = {
	caseId: string;
	subject: string;
	/** The participant's name in this case. */
	name: string;
	unread: number;
	total: number;
	lastAt: number;
	/** When someone else last wrote in it; null if only I have. */
	lastOtherAt: number | null;
};

/**
 * Per conversation in these cases (including, for a participant, the conversation a relay
 * they wrote went to: callers keep only those the person may open): messages wrapped for me, how many others wrote that I have
 * not opened, and when the last came. Messages are never edited (only deleted), so each live
 * one is a single version.
 */
export async function messageCounts(
	db: Reader,
	userId: string,
	caseIds: string[]
): Promise<MessageCount[]> {
	if (caseIds.length === 0) return [];
	const rows = await db
		.select({
			caseId: caseEnvelopes.caseId,
			subject: caseEnvelopes.subject,
			unread: sql<number>`sum(case when ${caseEnvelopes.authorId} != ${userId} and ${notSeen}
				then 1 else 0 end)`,
			total: sql<number>`count(*)`,
			name: sql<string>`coalesce(max(${caseMembers.displayName}), '')`,
			lastAt: sql<number>`max(${caseEnvelopes.createdAt})`,
			lastOtherAt: sql<number | null>`max(case when ${caseEnvelopes.authorId} != ${userId}
				then ${caseEnvelopes.createdAt} end)`
		})
		.from(caseEnvelopes)
		.innerJoin(caseWraps, wrapFor(userId))
		.leftJoin(
			caseMembers,
			and(
				eq(caseMembers.caseId, caseEnvelopes.caseId),
				eq(caseMembers.userId, caseEnvelopes.subject)
			)
		)
		.leftJoin(caseSeen, seenBy(userId))
		.where(
			and(
				inArray(caseEnvelopes.caseId, caseIds),
				inArray(caseEnvelopes.kind, [...MESSAGE_KINDS]),
				eq(caseEnvelopes.deleted, false)
			)
		)
		.groupBy(caseEnvelopes.caseId, caseEnvelopes.subject);
	return rows
		.filter((r): r is MessageCount => r.subject !== null)
		.map((r) => ({ ...r, unread: Number(r.unread), total: Number(r.total) }));
}

/**
 * Per case, how many messages others wrote to me that I have not opened: the dashboard's part
 * of `messageCounts`, counted in one pass without names or times.
 */
export async function unreadMessagesByCase(db: Reader, userId: string, caseIds: string[]) {
	if (caseIds.length === 0) return [];
	return db
		.select({ caseId: caseEnvelopes.caseId, unread: count() })
		.from(caseEnvelopes)
		.innerJoin(caseWraps, wrapFor(userId))
		.leftJoin(caseSeen, seenBy(userId))
		.where(
			and(
				inArray(caseEnvelopes.caseId, caseIds),
				inArray(caseEnvelopes.kind, [...MESSAGE_KINDS]),
				eq(caseEnvelopes.deleted, false),
				isNotNull(caseEnvelopes.subject),
				ne(caseEnvelopes.authorId, userId),
				notSeen
			)
		)
		.groupBy(caseEnvelopes.caseId);
}

type Named = Pick<CaseMember, 'caseId' | 'userId' | 'role' | 'status'> & { name: string };

/** Display names in these cases, keyed `caseId userId`, for naming conversations. */
export async function namesIn(db: Reader, caseIds: string[]): Promise<Map<string, Named>> {
	if (caseIds.length === 0) return new Map();
	const rows = await db
		.select({
			caseId: caseMembers.caseId,
			userId: caseMembers.userId,
			name: caseMembers.displayName,
			role: caseMembers.role,
			status: caseMembers.status
		})
		.from(caseMembers)
		.where(inArray(caseMembers.caseId, caseIds));
	return new Map(rows.map((r) => [`${r.caseId} ${r.userId}`, r]));
}
