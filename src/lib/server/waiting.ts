import {
	and,
	count,
	eq,
	gt,
	gte,
	inArray,
	isNull,
	lt,
	max,
	ne,
	or,
	sql,
	type SQLWrapper
} from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { getDb, preparedFor, type Tx } from './db';
import {
	agreementItems,
	agreements,
	agreementVersions,
	caseEnvelopes,
	caseEvents,
	caseMembers,
	caseNotices,
	casePending,
	caseSeen,
	cases,
	caseWraps,
	checkIns,
	conversationUnread,
	itemStatuses,
	meetingNotices,
	meetingPolls,
	pollInvitees,
	users
} from './db/schema';
import { CLOSED_STAGES } from './cases';
import { URGENT, type NoticeKind } from './case-notices';
import type { Stage } from './validation/cases';
import { unreadMessagesByCase } from './conversations';
import { wrapFor } from './case-envelopes';
import { agreementNewsWithRefs, type AgreementNews } from './agreement-views';
import { progressOf } from '$lib/agreement-dates';
import { NEWS_KINDS } from './unread';
import { packRows, unpackRows, byText } from './json-rows';

/**
 * The "waiting for you" page: what needs a person's attention across all their cases. There is
 * no email or phone, so this is how people learn that something is waiting. Structure only
 * (who wrote which kind of object, when; who raised which signal); every word stays sealed.
 *
 * A fixed number of queries however many cases: one for the person's cases (with stage, lead,
 * their own input and their own agreement items folded in), then one each for objects,
 * messages, notices, pending changes, meeting news, polls and agreement news.
 */

type Reader = ReturnType<typeof getDb> | Tx;

export { NEWS_KINDS };
export type NewsKind = (typeof NEWS_KINDS)[number];

/**
 * Objects already opened stay on the list, marked as read, while they were written or first
 * opened in the last 14 days: opening one does not make it vanish from (or move within) the
 * list someone is working through, and the page still shows what happened lately.
 */
export const RECENT_MS = 14 * 24 * 60 * 60 * 1000;

type Base = { caseId: string; ref: string; href: string; unread: boolean };

export type WaitingItem =
	| (Base & {
			kind: 'new';
			objectKind: NewsKind;
			objectId: string;
			version: number;
			/** The author's name in this case; empty if they are no longer in it at all. */
			authorName: string;
			at: number;
	  })
	/** A safety signal ("I need to talk", "I don't feel safe") not seen by any facilitator. */
	| (Base & { kind: 'urgent'; noticeId: number; notice: NoticeKind; name: string; at: number })
	/** Someone paused, resumed or withdrew, not seen yet. */
	| (Base & { kind: 'notice'; noticeId: number; notice: NoticeKind; name: string; at: number })
	/** Membership changes the server made, waiting for a facilitator's browser to sign them. */
	| (Base & { kind: 'pending'; count: number; at: number })
	| (Base & { kind: 'lead-gone'; at: number })
	/**
	 * A conversation with news: `count` messages not opened yet. `self`: it is my own (with the
	 * facilitators); otherwise a facilitator's conversation with `name`.
	 */
	| (Base & {
			kind: 'messages';
			subject: string;
			name: string;
			self: boolean;
			count: number;
			at: number;
	  })
	/**
	 * Meetings I am invited to were scheduled, moved or cancelled (`count` of them); for a
	 * facilitator, `name` left some still to come.
	 */
	| (Base & {
			kind: 'meeting';
			change: 'scheduled' | 'moved' | 'cancelled' | 'dropped';
			name: string;
			count: number;
			at: number;
	  })
	/** Polls asking me for times that I have not answered. */
	| (Base & { kind: 'poll'; count: number; at: number })
	/**
	 * Agreement news not seen yet, one per case: `count` of them, named by the newest (a safety
	 * update before anything else). `facilitator`: what I am in the case (the words differ).
	 */
	| (Base & {
			kind: 'agreement';
			news: AgreementNews['kind'];
			facilitator: boolean;
			count: number;
			at: number;
	  })
	/**
	 * Gentle to-dos for a survivor or responsible party; never for someone who paused.
	 * `agreement-overdue`: an item of mine in the agreement in force has a check-in overdue.
	 */
	| (Base & { kind: 'choose-mode' | 'own-input' | 'agreement-overdue'; at: null });

export type Waiting = { items: WaitingItem[]; unread: number };

const TIER: Record<WaitingItem['kind'], number> = {
	urgent: 0,
	new: 1,
	messages: 1,
	notice: 1,
	pending: 1,
	'lead-gone': 1,
	meeting: 1,
	poll: 1,
	agreement: 1,
	'agreement-overdue': 2,
	'choose-mode': 2,
	'own-input': 2
};

// The statements here are built once per database (or transaction) they run on
// (`preparedFor`), with placeholders for the person, their cases and the time: drizzle would
// otherwise build the same text again on every visit, which cost a busy facilitator's home page
// as much as some of the statements themselves.
const USER = sql.placeholder('userId');
/** Milliseconds: what was written or opened since then is recent (`RECENT_MS`). */
const SINCE = sql.placeholder('since');

/**
 * `column in (ids)` with the ids as one JSON array (placeholder `ids`, `JSON.stringify`): the
 * statement's text is the same however many cases someone has.
 */
const inIds = (column: SQLiteColumn) =>
	sql`${column} in (select value from json_each(${sql.placeholder('ids')}))`;

const objectHref = (caseId: string, kind: NewsKind) =>
	`/cases/${caseId}/${kind === 'input' ? 'input' : 'summary'}`;

type OwnedItem = {
	due: number;
	every: 'week' | 'month' | null;
	count: number | null;
	status: string | null;
	checkIns: number;
};

/**
 * My dated items in the version of the agreement in force, with each one's latest status and
 * number of check-ins, as a JSON array (one column of `casesOf`, not a query per case). Only a
 * responsible party checks in by themselves, so only their cases look (a busy facilitator's
 * hundreds of cases would each read their agreement for nothing).
 */
function ownedItemsIn(userId: SQLWrapper) {
	return sql<
		OwnedItem[] | null
	>`json(case when ${caseMembers.role} = 'responsible' then (select json_group_array(json_object(
		'due', ${agreementItems.due},
		'every', ${agreementItems.repeatEvery},
		'count', ${agreementItems.repeatCount},
		'status', (select ${itemStatuses.status} from ${itemStatuses}
			where ${itemStatuses.agreementId} = ${agreementItems.agreementId}
			and ${itemStatuses.itemId} = ${agreementItems.itemId}
			order by ${itemStatuses.id} desc limit 1),
		'checkIns', (select count(*) from ${checkIns}
			where ${checkIns.agreementId} = ${agreementItems.agreementId}
			and ${checkIns.itemId} = ${agreementItems.itemId})))
		from ${agreementItems}
		inner join ${agreements} on ${agreements.id} = ${agreementItems.agreementId}
		where ${agreements.caseId} = ${cases.id} and ${agreementItems.ownerId} = ${userId}
		and ${agreementItems.due} is not null
		and ${agreementItems.version} = (select max(${agreementVersions.version})
			from ${agreementVersions}
			where ${agreementVersions.agreementId} = ${agreements.id}
			and ${agreementVersions.inForceAt} is not null)) end)`;
}

const SETTLED = new Set(['done', 'verified', 'missed']);

/** Whether any of my items asks for a check-in that has not come (agreement-dates.ts rules). */
function anyOverdue(owned: OwnedItem[] | null, now: number): boolean {
	return (owned ?? []).some((i) => {
		const repeat = i.every && i.count ? { every: i.every, count: i.count } : null;
		const settled = SETTLED.has(i.status ?? 'open');
		return progressOf({ due: i.due, repeat }, i.checkIns, settled, now).overdueSince !== null;
	});
}

/**
 * The person's current cases: present in them, account active, case not closed or withdrawn.
 * `owned`: with their own items of each agreement in force (for the home page's to-dos).
 * `ownInput` and `owned` are looked up only for a party (survivor, responsible party), the only
 * ones with those to-dos: for anyone else they are 0 and null, as `mode` is null for anyone but a
 * survivor. `leadGoneAt`: for a facilitator of a case whose lead (someone else) is no longer
 * active in it, when they left; else null.
 */
export async function casesOf(db: Reader, userId: string, owned = false) {
	const { query, fields } = (owned ? casesWithOwnedQuery : casesQuery)(db);
	const [row] = await query.all({ userId });
	// Sorted as the index had them (status, then case): the order rows came in before packing.
	return unpackRows(fields, row?.rows)
		.sort((a, b) => byText(a.status, b.status) || byText(a.caseId, b.caseId))
		.filter((r) => !CLOSED_STAGES.includes(r.stage ?? 'referral'));
}

function casesStatement(db: Reader, owned: boolean) {
	const fields = {
		caseId: cases.id,
		ref: cases.ref,
		createdAt: cases.createdAt,
		role: caseMembers.role,
		status: caseMembers.status,
		// Only a survivor chooses one; read only for them (it is not in the index SQLite starts from).
		mode: sql<
			(typeof caseMembers.mode)['_']['data'] | null
		>`case when ${caseMembers.role} = 'survivor' then ${caseMembers.mode} end`,
		// Looked up only where it can matter: most of a busy facilitator's cases are their own.
		leadGoneAt: sql<number | null>`case when ${caseMembers.role} = 'facilitator'
			and ${cases.leadId} is not ${USER} then (
			select coalesce(lead_member.status_at, lead_user.deactivated_at, ${cases.createdAt})
			from (select 1) left join ${users} lead_user on lead_user.id = ${cases.leadId}
			left join ${caseMembers} lead_member on lead_member.case_id = ${cases.id}
				and lead_member.user_id = ${cases.leadId}
			where not coalesce(lead_user.status = 'active' and lead_member.status = 'active', 0)) end`,
		stage: sql<Stage | null>`(select ${caseEvents.value} from ${caseEvents}
			where ${caseEvents.caseId} = ${cases.id} and ${caseEvents.kind} = 'stage'
			order by ${caseEvents.id} desc limit 1)`,
		ownInput: sql<number>`case when ${caseMembers.role} in ('survivor', 'responsible')
			then exists (select 1 from ${caseEnvelopes}
			where ${caseEnvelopes.caseId} = ${cases.id} and ${caseEnvelopes.authorId} = ${USER}
			and ${caseEnvelopes.kind} = 'input' and ${caseEnvelopes.deleted} = 0) else 0 end`,
		owned: owned ? ownedItemsIn(USER) : sql<OwnedItem[] | null>`null`
	};
	const query = db
		.select({ rows: packRows(fields) })
		.from(caseMembers)
		.innerJoin(users, eq(users.id, caseMembers.userId))
		.innerJoin(cases, eq(cases.id, caseMembers.caseId))
		.where(
			and(
				eq(caseMembers.userId, USER),
				inArray(caseMembers.status, ['active', 'paused']),
				eq(users.status, 'active')
			)
		)
		.prepare();
	return { query, fields };
}

const casesQuery = preparedFor((db: Reader) => casesStatement(db, false));
const casesWithOwnedQuery = preparedFor((db: Reader) => casesStatement(db, true));

/**
 * The newest version wrapped for me of each input, interim summary and comment, written by
 * someone else and not deleted: new if I have not opened that version, else recent. In the
 * order of case, kind and object (onePerAuthor keeps the first place of each author's input).
 */
async function newsFor(db: Reader, userId: string, caseIds: string[], now: number) {
	const { query, fields } = newsQuery(db);
	const [row] = await query.all({ userId, ids: JSON.stringify(caseIds), since: now - RECENT_MS });
	return unpackRows(fields, row?.rows).sort(
		(a, b) => byText(a.caseId, b.caseId) || byText(a.kind, b.kind) || byText(a.objectId, b.objectId)
	);
}

const newsQuery = preparedFor((db: Reader) => {
	// SQLite takes the other columns of a `max()` group from the row with the max (its
	// documented bare-column rule): the newest version's author, date and tombstone come from
	// the covering kind index, with no second look-up of the envelope (header and body first).
	const latest = db
		.select({
			caseId: caseEnvelopes.caseId,
			kind: caseEnvelopes.kind,
			objectId: caseEnvelopes.objectId,
			version: sql<number>`max(${caseEnvelopes.version})`.as('latest_version'),
			authorId: caseEnvelopes.authorId,
			deleted: caseEnvelopes.deleted,
			createdAt: caseEnvelopes.createdAt
		})
		.from(caseEnvelopes)
		.innerJoin(caseWraps, wrapFor(USER))
		.where(and(inIds(caseEnvelopes.caseId), inArray(caseEnvelopes.kind, [...NEWS_KINDS])))
		// In the kind index's order (an object keeps its kind), so SQLite starts from it.
		.groupBy(caseEnvelopes.caseId, caseEnvelopes.kind, caseEnvelopes.objectId)
		.as('latest');
	const fields = {
		caseId: latest.caseId,
		objectId: latest.objectId,
		version: sql<number>`${latest.version}`,
		kind: latest.kind,
		createdAt: latest.createdAt,
		authorId: latest.authorId,
		// Looked up for the rows kept only (a join would look up every object's author).
		authorName: sql<string | null>`(select ${caseMembers.displayName} from ${caseMembers}
			where ${caseMembers.caseId} = ${latest.caseId} and ${caseMembers.userId} = ${latest.authorId})`,
		seen: caseSeen.version
	};
	const query = db
		.select({ rows: packRows(fields) })
		.from(latest)
		.leftJoin(
			caseSeen,
			and(
				eq(caseSeen.userId, USER),
				eq(caseSeen.caseId, latest.caseId),
				eq(caseSeen.objectId, latest.objectId)
			)
		)
		.where(
			and(
				eq(latest.deleted, false),
				ne(latest.authorId, USER),
				or(
					isNull(caseSeen.version),
					lt(caseSeen.version, latest.version),
					gte(latest.createdAt, SINCE),
					gte(caseSeen.seenAt, SINCE)
				)
			)
		)
		.prepare();
	return { query, fields };
});

type News = Awaited<ReturnType<typeof newsFor>>[number];

/**
 * A party's answers and the files they added to them (each its own `input` object) are one
 * piece of news per author: the newest, new if any part is, "updated" if any was revised.
 */
function onePerAuthor(news: News[]): (News & { unread: boolean })[] {
	const out: (News & { unread: boolean })[] = [];
	const inputs = new Map<string, News & { unread: boolean }>();
	for (const n of news) {
		const unread = n.seen === null || n.seen < n.version;
		if (n.kind !== 'input') {
			out.push({ ...n, unread });
			continue;
		}
		const key = `${n.caseId} ${n.authorId}`;
		const had = inputs.get(key);
		if (!had) {
			const item = { ...n, unread };
			inputs.set(key, item);
			out.push(item);
			continue;
		}
		had.unread ||= unread;
		had.version = Math.max(had.version, n.version);
		if (n.createdAt > had.createdAt) {
			had.createdAt = n.createdAt;
			had.objectId = n.objectId;
		}
	}
	return out;
}

/**
 * Conversations with news for me, per case and subject: how many messages others wrote there
 * that I have not opened, and when their last came; only those with one not opened or from the
 * last two weeks. Read from the counters kept on write (`conversation_unread`, unread.ts), not
 * from every message of every case.
 */
async function conversationNews(db: Reader, userId: string, caseIds: string[], now: number) {
	const { query, fields } = conversationQuery(db);
	const [row] = await query.all({ userId, ids: JSON.stringify(caseIds), since: now - RECENT_MS });
	return unpackRows(fields, row?.rows).sort(
		(a, b) => byText(a.caseId, b.caseId) || byText(a.subject, b.subject)
	);
}

const conversationQuery = preparedFor((db: Reader) => {
	const fields = {
		caseId: conversationUnread.caseId,
		subject: conversationUnread.subject,
		unread: conversationUnread.count,
		lastOtherAt: conversationUnread.lastAt,
		name: sql<string>`coalesce(${caseMembers.displayName}, '')`
	};
	const query = db
		.select({ rows: packRows(fields) })
		.from(conversationUnread)
		.leftJoin(
			caseMembers,
			and(
				eq(caseMembers.caseId, conversationUnread.caseId),
				eq(caseMembers.userId, conversationUnread.subject)
			)
		)
		.where(
			and(
				eq(conversationUnread.userId, USER),
				inIds(conversationUnread.caseId),
				or(gt(conversationUnread.count, 0), gte(conversationUnread.lastAt, SINCE))
			)
		)
		.prepare();
	return { query, fields };
});

async function noticesFor(db: Reader, caseIds: string[]) {
	const { query, fields } = noticesQuery(db);
	const [row] = await query.all({ ids: JSON.stringify(caseIds) });
	return unpackRows(fields, row?.rows).sort((a, b) => byText(a.caseId, b.caseId) || a.id - b.id);
}

const noticesQuery = preparedFor((db: Reader) => {
	const fields = {
		id: caseNotices.id,
		caseId: caseNotices.caseId,
		userId: caseNotices.userId,
		kind: caseNotices.kind,
		createdAt: caseNotices.createdAt,
		name: caseMembers.displayName
	};
	const query = db
		.select({ rows: packRows(fields) })
		.from(caseNotices)
		.leftJoin(
			caseMembers,
			and(eq(caseMembers.caseId, caseNotices.caseId), eq(caseMembers.userId, caseNotices.userId))
		)
		.where(and(inIds(caseNotices.caseId), isNull(caseNotices.seenAt)))
		.prepare();
	return { query, fields };
});

/** Unseen meeting news for me, one row per case, change and person who left. */
const meetingNewsQuery = preparedFor((db: Reader) =>
	db
		.select({
			caseId: meetingNotices.caseId,
			kind: meetingNotices.kind,
			aboutId: meetingNotices.aboutId,
			name: caseMembers.displayName,
			n: count(),
			at: max(meetingNotices.createdAt)
		})
		.from(meetingNotices)
		.leftJoin(
			caseMembers,
			and(
				eq(caseMembers.caseId, meetingNotices.caseId),
				eq(caseMembers.userId, meetingNotices.aboutId)
			)
		)
		.where(
			and(
				eq(meetingNotices.userId, USER),
				inIds(meetingNotices.caseId),
				isNull(meetingNotices.seenAt)
			)
		)
		.groupBy(meetingNotices.caseId, meetingNotices.kind, meetingNotices.aboutId)
		.orderBy(meetingNotices.caseId, meetingNotices.kind, meetingNotices.aboutId)
		.prepare()
);

/** Open polls asking me for times that I have not answered, per case. */
const pollsQuery = preparedFor((db: Reader) =>
	db
		.select({ caseId: meetingPolls.caseId, n: count(), at: max(meetingPolls.createdAt) })
		.from(pollInvitees)
		.innerJoin(meetingPolls, eq(meetingPolls.id, pollInvitees.pollId))
		.where(
			and(
				eq(pollInvitees.userId, USER),
				isNull(pollInvitees.answeredAt),
				eq(meetingPolls.status, 'open'),
				inIds(meetingPolls.caseId)
			)
		)
		.groupBy(meetingPolls.caseId)
		.orderBy(meetingPolls.caseId)
		.prepare()
);

const pendingQuery = preparedFor((db: Reader) =>
	db
		.select({ caseId: casePending.caseId, n: count(), at: max(casePending.createdAt) })
		.from(casePending)
		.where(inIds(casePending.caseId))
		.groupBy(casePending.caseId)
		.orderBy(casePending.caseId)
		.prepare()
);

const none = Promise.resolve([]);

/**
 * Agreement news, one item per case, named by the newest (a safety update before anything).
 * Closed cases are not among mine; of theirs only the news that the case closed is shown, so
 * nobody misses that it ended.
 */
function agreementNewsItems(
	news: Awaited<ReturnType<typeof agreementNewsWithRefs>>,
	mine: Map<string, { role: string }>
): WaitingItem[] {
	const byCase = new Map<string, typeof news>();
	for (const n of news) {
		if (!mine.has(n.caseId) && n.kind !== 'closed') continue;
		byCase.set(n.caseId, [...(byCase.get(n.caseId) ?? []), n]);
	}
	return [...byCase].map(([caseId, list]) => {
		const newest = list.at(-1)!;
		const safety = list.findLast((n) => n.kind === 'safety');
		return {
			kind: 'agreement',
			caseId,
			ref: newest.ref,
			href: `/cases/${caseId}/agreement`,
			unread: true,
			news: (safety ?? newest).kind,
			facilitator: mine.get(caseId)?.role === 'facilitator',
			count: list.length,
			at: newest.createdAt
		};
	});
}

/** Everything waiting for this person, urgent first, then news newest first, then to-dos. */
export async function waitingFor(
	userId: string,
	now = Date.now(),
	db: Reader = getDb()
): Promise<Waiting> {
	const mine = await casesOf(db, userId, true);
	const byId = new Map(mine.map((c) => [c.caseId, c]));
	if (mine.length === 0) {
		// Only closed cases (or none): all that can be waiting is the news that one closed.
		const closed = agreementNewsItems(await agreementNewsWithRefs(userId, db), byId);
		return { items: closed, unread: closed.length };
	}
	const facilitating = mine.filter((c) => c.role === 'facilitator').map((c) => c.caseId);
	// Facilitators propose times and pick one; their page has nothing for them to answer.
	const answering = mine.filter((c) => c.role !== 'facilitator').map((c) => c.caseId);
	const all = [...byId.keys()];
	const ids = JSON.stringify(all);
	const [news, messages, notices, pending, meetingNews, polls, agreementNews] = await Promise.all([
		newsFor(db, userId, all, now),
		conversationNews(db, userId, all, now),
		facilitating.length ? noticesFor(db, facilitating) : none,
		facilitating.length ? pendingQuery(db).all({ ids: JSON.stringify(facilitating) }) : none,
		meetingNewsQuery(db).all({ userId, ids }),
		answering.length ? pollsQuery(db).all({ userId, ids: JSON.stringify(answering) }) : none,
		agreementNewsWithRefs(userId, db)
	]);
	const ref = (caseId: string) => byId.get(caseId)?.ref ?? '';
	const base = (caseId: string) => ({
		caseId,
		ref: ref(caseId),
		href: `/cases/${caseId}`,
		unread: false
	});
	const items: WaitingItem[] = [];

	for (const n of onePerAuthor(news)) {
		const kind = n.kind as NewsKind;
		items.push({
			kind: 'new',
			...base(n.caseId),
			href: objectHref(n.caseId, kind),
			unread: n.unread,
			objectKind: kind,
			objectId: n.objectId,
			version: n.version,
			authorName: n.authorName ?? '',
			at: n.createdAt
		});
	}
	for (const c of messages) {
		// Only a conversation they can open: their own, or any for a facilitator of the case.
		// (Like other news, only what others wrote, new or from the last two weeks, was read.)
		const { subject, unread } = c;
		if (subject !== userId && byId.get(c.caseId)?.role !== 'facilitator') continue;
		items.push({
			kind: 'messages',
			...base(c.caseId),
			href: `/cases/${c.caseId}/messages/${subject}`,
			unread: unread > 0,
			subject,
			name: c.name,
			self: subject === userId,
			count: unread,
			at: c.lastOtherAt
		});
	}
	for (const n of notices) {
		items.push({
			kind: URGENT.includes(n.kind) ? 'urgent' : 'notice',
			...base(n.caseId),
			// An answer about passing words on is read where it was asked: their conversation.
			...(n.kind.startsWith('relay_') && { href: `/cases/${n.caseId}/messages/${n.userId}` }),
			unread: true,
			noticeId: n.id,
			notice: n.kind,
			name: n.name ?? '',
			at: n.createdAt
		});
	}
	const meetings = (caseId: string) => ({ ...base(caseId), href: `/cases/${caseId}/meetings` });
	for (const n of meetingNews) {
		items.push({
			kind: 'meeting',
			...meetings(n.caseId),
			unread: true,
			change: n.kind,
			name: n.name ?? '',
			count: n.n,
			at: n.at ?? 0
		});
	}
	for (const p of polls) {
		items.push({ kind: 'poll', ...meetings(p.caseId), unread: true, count: p.n, at: p.at ?? 0 });
	}
	items.push(...agreementNewsItems(agreementNews, byId));
	for (const p of pending) {
		const at = p.at ?? 0;
		items.push({ kind: 'pending', ...base(p.caseId), count: p.n, at });
	}
	for (const c of mine) {
		if (c.leadGoneAt !== null)
			items.push({ kind: 'lead-gone', ...base(c.caseId), at: c.leadGoneAt });
	}
	// To-dos: gentle, and only for a party taking part right now in a case that is moving.
	const todos = mine
		.filter(
			(c) =>
				(c.role === 'survivor' || c.role === 'responsible') &&
				c.status === 'active' &&
				c.stage !== 'paused'
		)
		.sort((a, b) => b.createdAt - a.createdAt || a.caseId.localeCompare(b.caseId));
	for (const c of todos) {
		// Only the responsible party checks in by themselves; facilitators have the dashboard.
		if (c.role === 'responsible' && anyOverdue(c.owned, now)) {
			items.push({
				kind: 'agreement-overdue',
				...base(c.caseId),
				href: `/cases/${c.caseId}/agreement`,
				at: null
			});
		}
		if (c.role === 'survivor' && c.mode === null) {
			items.push({
				kind: 'choose-mode',
				...base(c.caseId),
				href: `/cases/${c.caseId}/input#taking-part`,
				at: null
			});
		}
		if ((c.role === 'survivor' || c.role === 'responsible') && !c.ownInput) {
			items.push({
				kind: 'own-input',
				...base(c.caseId),
				href: `/cases/${c.caseId}/input`,
				at: null
			});
		}
	}

	// A stable sort: to-dos keep the order above (newest case first, choosing before writing).
	items.sort((a, b) => TIER[a.kind] - TIER[b.kind] || (b.at ?? 0) - (a.at ?? 0));
	return { items, unread: items.filter((i) => i.unread).length };
}

/** Per case, how many things others wrote are new to me: the dashboard's "not read yet". */
export async function unreadByCase(
	userId: string,
	caseIds: string[],
	now = Date.now(),
	db: Reader = getDb()
): Promise<Map<string, number>> {
	const out = new Map<string, number>();
	if (caseIds.length === 0) return out;
	for (const n of onePerAuthor(await newsFor(db, userId, caseIds, now))) {
		if (n.unread) out.set(n.caseId, (out.get(n.caseId) ?? 0) + 1);
	}
	for (const c of await unreadMessagesByCase(db, userId, caseIds)) {
		out.set(c.caseId, (out.get(c.caseId) ?? 0) + c.unread);
	}
	return out;
}
