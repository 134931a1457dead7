import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from './db';
import { caseUnread, conversationUnread } from './db/schema';

/**
 * Per person and case, how many things others wrote are new to them: the counters in
 * `case_unread`, kept on write so the dashboard reads one row per case instead of counting
 * every object of every case on each visit.
 *
 * The count is exactly `unreadByCase`'s (waiting.ts), which stays the reference: each input
 * author (a party's answers and files are one piece of news), interim summary and comment whose
 * newest version wrapped for the person is not deleted, not theirs and not opened in that
 * version; plus each message (conversation or relay) wrapped for them, not theirs, not opened.
 * It depends on `case_envelopes`, `case_wraps` and `case_seen` of these kinds only, so every
 * change to those rows calls `refreshUnreadIn` in its own transaction: a new version or a
 * tombstone, readers added, words taken back, a mark of what was opened. Rows go with their
 * case (a purge) and with the person's account (deleted with their wraps).
 *
 * Beside them, from the same rows and in the same recount, `conversation_unread`: per
 * conversation, the messages others wrote to the person, how many are not opened and when the
 * last came (the home page's conversations, `waitingFor`).
 */

/** What a person is told is new: inputs, interim summaries and comments on them. */
export const NEWS_KINDS = ['input', 'interim-summary', 'interim-comment'] as const;
/** A conversation's messages and the words passed on through a facilitator. */
export const MESSAGE_KINDS = ['conversation', 'relay'] as const;

const COUNTED = new Set<string>([...NEWS_KINDS, ...MESSAGE_KINDS]);

/** Whether a change to objects of this kind can change anyone's count. */
export const countsTowardUnread = (kind: string) => COUNTED.has(kind);

const list = (values: readonly string[]) =>
	sql.join(
		values.map((v) => sql`${v}`),
		sql`, `
	);

/**
 * `(user_id, case_id, count)` for the cases matching `cases` (a condition on `e.case_id`) and
 * the readers matching `readers` (on `w.reader_id`), counts above zero only.
 */
function countsIn(cases: SQL, readers: SQL) {
	return sql`with latest as (
			select w.reader_id as user_id, e.case_id, e.object_id, max(e.version) as version
			from case_envelopes e
			inner join case_wraps w on w.case_id = e.case_id and w.object_id = e.object_id
				and w.version = e.version
			where ${cases} and e.kind in (${list(NEWS_KINDS)}) and ${readers}
			group by w.reader_id, e.case_id, e.kind, e.object_id
		),
		counted as (
			select l.user_id, l.case_id, count(distinct case when e.kind = 'input'
					then 'author ' || e.author_id else 'object ' || e.object_id end) as n
			from latest l
			inner join case_envelopes e on e.case_id = l.case_id and e.object_id = l.object_id
				and e.version = l.version
			left join case_seen s on s.user_id = l.user_id and s.case_id = l.case_id
				and s.object_id = l.object_id
			where e.deleted = 0 and e.author_id != l.user_id
				and (s.version is null or s.version < e.version)
			group by l.user_id, l.case_id
			union all
			select w.reader_id, e.case_id, count(*)
			from case_envelopes e
			inner join case_wraps w on w.case_id = e.case_id and w.object_id = e.object_id
				and w.version = e.version
			left join case_seen s on s.user_id = w.reader_id and s.case_id = e.case_id
				and s.object_id = e.object_id
			where ${cases} and e.kind in (${list(MESSAGE_KINDS)}) and ${readers}
				and e.deleted = 0 and e.subject is not null and e.author_id != w.reader_id
				and (s.version is null or s.version < e.version)
			group by w.reader_id, e.case_id
		)
		select user_id, case_id, sum(n) from counted
		group by user_id, case_id having sum(n) > 0`;
}

/**
 * `(user_id, case_id, subject, count, last_at)` for the conversations in the cases matching
 * `cases` and the readers matching `readers`: per conversation, the messages others wrote that
 * are wrapped for the reader and not deleted, how many of them the reader has not opened and
 * when the last came (`conversation_unread`, which the home page lists).
 */
function conversationsIn(cases: SQL, readers: SQL) {
	return sql`select w.reader_id, e.case_id, e.subject,
			sum(s.version is null or s.version < e.version), max(e.created_at)
		from case_envelopes e
		inner join case_wraps w on w.case_id = e.case_id and w.object_id = e.object_id
			and w.version = e.version
		left join case_seen s on s.user_id = w.reader_id and s.case_id = e.case_id
			and s.object_id = e.object_id
		where ${cases} and e.kind in (${list(MESSAGE_KINDS)}) and ${readers}
			and e.deleted = 0 and e.subject is not null and e.author_id != w.reader_id
		group by w.reader_id, e.case_id, e.subject`;
}

/**
 * Recounts one case, for everyone in it or for these people only (a mark of what one person
 * opened changes their count alone). Inside the transaction that made the change.
 */
export async function refreshUnreadIn(tx: Tx, caseId: string, userIds?: readonly string[]) {
	if (userIds && userIds.length === 0) return;
	const mine = userIds
		? and(eq(caseUnread.caseId, caseId), inArray(caseUnread.userId, [...userIds]))
		: eq(caseUnread.caseId, caseId);
	await tx.delete(caseUnread).where(mine);
	const readers = userIds ? sql`w.reader_id in (${list(userIds)})` : sql`1`;
	await tx.run(
		sql`insert into case_unread (user_id, case_id, count) ${countsIn(sql`e.case_id = ${caseId}`, readers)}`
	);
	await tx
		.delete(conversationUnread)
		.where(
			userIds
				? and(
						eq(conversationUnread.caseId, caseId),
						inArray(conversationUnread.userId, [...userIds])
					)
				: eq(conversationUnread.caseId, caseId)
		);
	await tx.run(
		sql`insert into conversation_unread (user_id, case_id, subject, count, last_at) ${conversationsIn(sql`e.case_id = ${caseId}`, readers)}`
	);
}

/**
 * Recounts these cases for everyone (the seeder of the benchmarks, which writes rows directly;
 * a migration fills the counters the same way from what is already stored).
 */
export async function refreshUnreadOf(db: Db | Tx, caseIds: readonly string[]) {
	if (caseIds.length === 0) return;
	await db.delete(caseUnread).where(inArray(caseUnread.caseId, [...caseIds]));
	await db.run(
		sql`insert into case_unread (user_id, case_id, count) ${countsIn(sql`e.case_id in (${list(caseIds)})`, sql`1`)}`
	);
	await db.delete(conversationUnread).where(inArray(conversationUnread.caseId, [...caseIds]));
	await db.run(
		sql`insert into conversation_unread (user_id, case_id, subject, count, last_at) ${conversationsIn(sql`e.case_id in (${list(caseIds)})`, sql`1`)}`
	);
}

/** The counters of one person: case id → count, for the cases that have news. */
export async function unreadCounts(db: Db | Tx, userId: string): Promise<Map<string, number>> {
	const rows = await db
		.select({ caseId: caseUnread.caseId, count: caseUnread.count })
		.from(caseUnread)
		.where(eq(caseUnread.userId, userId));
	return new Map(rows.map((r) => [r.caseId, r.count]));
}
