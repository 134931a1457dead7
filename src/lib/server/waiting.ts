import { and, count, eq, gte, inArray, isNull, max, ne, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { getDb, type Tx } from './db';
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
	itemStatuses,
	meetingNotices,
	meetingPolls,
	pollInvitees,
	users
} from './db/schema';
import { CLOSED_STAGES } from './cases';
import { URGENT, type NoticeKind } from './case-notices';
import type { Stage } from './validation/cases';
import { messageCounts, unreadMessagesByCase } from './conversations';
import { wrapFor } from './case-envelopes';
import { notSeen, seenBy } from './seen';
import { agreementNewsWithRefs, type AgreementNews } from './agreement-views';
import { progressOf } from '$lib/agreement-dates';
import { NEWS_KINDS } from './unread';

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
 * number of check-ins, as a JSON array (one column of `casesOf`, not a query per case).
 */
function ownedItemsIn(userId: string) {
	return sql<string>`(select json_group_array(json_object(
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
			and ${agreementVersions.inForceAt} is not null))`;
}

const SETTLED = new Set(['done', 'verified', 'missed']);

/** Whether any of my items asks for a check-in that has not come (agreement-dates.ts rules). */
function anyOverdue(owned: string | null, now: number): boolean {
	const items = JSON.parse(owned ?? '[]') as OwnedItem[];
	return items.some((i) => {
		const repeat = i.every && i.count ? { every: i.every, count: i.count } : null;
		const settled = SETTLED.has(i.status ?? 'open');
		return progressOf({ due: i.due, repeat }, i.checkIns, settled, now).overdueSince !== null;
	});
}

/**
 * The person's current cases: present in them, account active, case not closed or withdrawn.
 * `owned`: with their own items of each agreement in force (for the home page's to-dos).
 */
export async function casesOf(db: Reader, userId: string, owned = false) {
	const leadUser = alias(users, 'lead_user');
	const leadMember = alias(caseMembers, 'lead_member');
	const rows = await db
		.select({
			caseId: cases.id,
			ref: cases.ref,
			createdAt: cases.createdAt,
			role: caseMembers.role,
			status: caseMembers.status,
			mode: caseMembers.mode,
			leadId: cases.leadId,
			leadActive: sql<number>`coalesce(${leadUser.status} = 'active' and ${leadMember.status} = 'active', 0)`,
			leadLeftAt: sql<number | null>`coalesce(${leadMember.statusAt}, ${leadUser.deactivatedAt})`,
			stage: sql<Stage | null>`(select ${caseEvents.value} from ${caseEvents}
				where ${caseEvents.caseId} = ${cases.id} and ${caseEvents.kind} = 'stage'
				order by ${caseEvents.id} desc limit 1)`,
			ownInput: sql<number>`exists (select 1 from ${caseEnvelopes}
				where ${caseEnvelopes.caseId} = ${cases.id} and ${caseEnvelopes.authorId} = ${userId}
				and ${caseEnvelopes.kind} = 'input' and ${caseEnvelopes.deleted} = 0)`,
			owned: owned ? ownedItemsIn(userId) : sql<string | null>`null`
		})
		.from(caseMembers)
		.innerJoin(users, eq(users.id, caseMembers.userId))
		.innerJoin(cases, eq(cases.id, caseMembers.caseId))
		.leftJoin(leadUser, eq(leadUser.id, cases.leadId))
		.leftJoin(leadMember, and(eq(leadMember.caseId, cases.id), eq(leadMember.userId, cases.leadId)))
		.where(
			and(
				eq(caseMembers.userId, userId),
				inArray(caseMembers.status, ['active', 'paused']),
				eq(users.status, 'active')
			)
		);
	return rows.filter((r) => !CLOSED_STAGES.includes(r.stage ?? 'referral'));
}

/**
 * The newest version wrapped for me of each input, interim summary and comment, written by
 * someone else and not deleted: new if I have not opened that version, else recent.
 */
async function newsFor(db: Reader, userId: string, caseIds: string[], now: number) {
	const latest = db
		.select({
			caseId: caseEnvelopes.caseId,
			objectId: caseEnvelopes.objectId,
			version: max(caseEnvelopes.version).as('latest_version')
		})
		.from(caseEnvelopes)
		.innerJoin(caseWraps, wrapFor(userId))
		.where(
			and(inArray(caseEnvelopes.caseId, caseIds), inArray(caseEnvelopes.kind, [...NEWS_KINDS]))
		)
		// In the kind index's order (an object keeps its kind), so SQLite starts from it.
		.groupBy(caseEnvelopes.caseId, caseEnvelopes.kind, caseEnvelopes.objectId)
		.as('latest');
	const since = now - RECENT_MS;
	return db
		.select({
			caseId: caseEnvelopes.caseId,
			objectId: caseEnvelopes.objectId,
			version: caseEnvelopes.version,
			kind: caseEnvelopes.kind,
			createdAt: caseEnvelopes.createdAt,
			authorId: caseEnvelopes.authorId,
			authorName: caseMembers.displayName,
			seen: caseSeen.version
		})
		.from(latest)
		.innerJoin(
			caseEnvelopes,
			and(
				eq(caseEnvelopes.caseId, latest.caseId),
				eq(caseEnvelopes.objectId, latest.objectId),
				eq(caseEnvelopes.version, latest.version)
			)
		)
		.leftJoin(
			caseMembers,
			and(
				eq(caseMembers.caseId, caseEnvelopes.caseId),
				eq(caseMembers.userId, caseEnvelopes.authorId)
			)
		)
		.leftJoin(caseSeen, seenBy(userId))
		.where(
			and(
				eq(caseEnvelopes.deleted, false),
				ne(caseEnvelopes.authorId, userId),
				or(notSeen, gte(caseEnvelopes.createdAt, since), gte(caseSeen.seenAt, since))
			)
		);
}

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

function noticesFor(db: Reader, caseIds: string[]) {
	return db
		.select({
			id: caseNotices.id,
			caseId: caseNotices.caseId,
			userId: caseNotices.userId,
			kind: caseNotices.kind,
			createdAt: caseNotices.createdAt,
			name: caseMembers.displayName
		})
		.from(caseNotices)
		.leftJoin(
			caseMembers,
			and(eq(caseMembers.caseId, caseNotices.caseId), eq(caseMembers.userId, caseNotices.userId))
		)
		.where(and(inArray(caseNotices.caseId, caseIds), isNull(caseNotices.seenAt)));
}

/** Unseen meeting news for me, one row per case, change and person who left. */
function meetingNewsIn(db: Reader, userId: string, caseIds: string[]) {
	return db
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
				eq(meetingNotices.userId, userId),
				inArray(meetingNotices.caseId, caseIds),
				isNull(meetingNotices.seenAt)
			)
		)
		.groupBy(meetingNotices.caseId, meetingNotices.kind, meetingNotices.aboutId);
}

/** Open polls asking me for times that I have not answered, per case. */
function pollsToAnswer(db: Reader, userId: string, caseIds: string[]) {
	return db
		.select({ caseId: meetingPolls.caseId, n: count(), at: max(meetingPolls.createdAt) })
		.from(pollInvitees)
		.innerJoin(meetingPolls, eq(meetingPolls.id, pollInvitees.pollId))
		.where(
			and(
				eq(pollInvitees.userId, userId),
				isNull(pollInvitees.answeredAt),
				eq(meetingPolls.status, 'open'),
				inArray(meetingPolls.caseId, caseIds)
			)
		)
		.groupBy(meetingPolls.caseId);
}

function pendingFor(db: Reader, caseIds: string[]) {
	return db
		.select({ caseId: casePending.caseId, n: count(), at: max(casePending.createdAt) })
		.from(casePending)
		.where(inArray(casePending.caseId, caseIds))
		.groupBy(casePending.caseId);
}

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
	const [news, messages, notices, pending, meetingNews, polls, agreementNews] = await Promise.all([
		newsFor(db, userId, [...byId.keys()], now),
		messageCounts(db, userId, [...byId.keys()]),
		facilitating.length ? noticesFor(db, facilitating) : none,
		facilitating.length ? pendingFor(db, facilitating) : none,
		meetingNewsIn(db, userId, [...byId.keys()]),
		answering.length ? pollsToAnswer(db, userId, answering) : none,
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
		if (c.subject !== userId && byId.get(c.caseId)?.role !== 'facilitator') continue;
		// Like other news: what others wrote, new or from the last two weeks; never my own.
		if (c.lastOtherAt === null) continue;
		if (c.unread === 0 && c.lastOtherAt < now - RECENT_MS) continue;
		items.push({
			kind: 'messages',
			...base(c.caseId),
			href: `/cases/${c.caseId}/messages/${c.subject}`,
			unread: c.unread > 0,
			subject: c.subject,
			name: c.name,
			self: c.subject === userId,
			count: c.unread,
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
		if (c.role === 'facilitator' && c.leadId !== userId && !c.leadActive) {
			items.push({ kind: 'lead-gone', ...base(c.caseId), at: c.leadLeftAt ?? c.createdAt });
		}
	}
	// To-dos: gentle, and only for someone taking part right now in a case that is moving.
	const todos = mine
		.filter((c) => c.status === 'active' && c.stage !== 'paused')
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
