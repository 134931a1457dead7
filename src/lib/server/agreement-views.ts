import { and, asc, eq, inArray, isNotNull, isNull, max, sql } from 'drizzle-orm';
import { progressOf, type RepeatUnit } from '$lib/agreement-dates';
import { getDb, preparedFor, write, type Tx } from './db';
import {
	agreementConsents,
	agreementItems,
	agreementNews,
	agreements,
	agreementSigners,
	agreementVersions,
	caseMembers,
	cases,
	caseWraps,
	checkIns,
	itemApprovals,
	itemStatuses
} from './db/schema';
import { caseAccess, rosterIn } from './case-access';
import type { AgreementView, FollowUpItem, ItemView, VersionView } from '$lib/agreement-types';

export type { AgreementView, FollowUpItem, ItemView, VersionView };
import { caseDeleteAt, retentionPolicy } from './retention';
import { requiredSigners, type FollowUp, type ItemStatus } from './agreements';
import { mayReadKind } from './case-envelopes';
import { packRows, unpackRows, byText } from './json-rows';
import { m } from '$lib/paraglide/messages.js';

/**
 * Each person's view of a case's agreement. Facilitators see everything; the responsible party
 * their items, statuses and own check-ins; a survivor no more of the follow-up than they chose;
 * a supporter a party chose only the agreement itself. What a view leaves out is not sent.
 */

type Db = ReturnType<typeof getDb>;

/** Which news levels each follow-up choice lets through (a missed boundary is offered apart). */
const SHOWN: Record<FollowUp | 'unset', ReadonlySet<string>> = {
	all: new Set(['update', 'milestone', 'completion', 'safety']),
	milestones: new Set(['milestone', 'completion', 'safety']),
	completion: new Set(['completion']),
	none: new Set(),
	unset: new Set()
};
/** Item statuses each choice shows a survivor. */
const STATUSES_SHOWN: Record<FollowUp | 'unset', ReadonlySet<ItemStatus>> = {
	all: new Set(['open', 'done', 'verified', 'missed', 'renegotiated']),
	milestones: new Set(['verified', 'missed']),
	completion: new Set(),
	none: new Set(),
	unset: new Set()
};

const toItem = (i: typeof agreementItems.$inferSelect): ItemView => ({
	itemId: i.itemId,
	kind: i.kind,
	ownerId: i.ownerId,
	due: i.due,
	repeat: i.repeatEvery && i.repeatCount ? { every: i.repeatEvery, count: i.repeatCount } : null
});

async function latestStatuses(db: Db, agreementId: string) {
	const rows = await db
		.select()
		.from(itemStatuses)
		.where(eq(itemStatuses.agreementId, agreementId))
		.orderBy(asc(itemStatuses.id));
	const out = new Map<string, { status: ItemStatus; at: number }>();
	for (const r of rows) out.set(r.itemId, { status: r.status, at: r.at });
	return out;
}

export async function agreementFor(
	userId: string,
	caseId: string,
	now = Date.now()
): Promise<AgreementView> {
	const access = await caseAccess(userId, caseId, [
		'facilitator',
		'survivor',
		'responsible',
		'supporter'
	]);
	const db = getDb();
	const role = access.member.role;
	const roster = await rosterIn(db, caseId);
	const supported = access.member.supports ? roster.get(access.member.supports) : undefined;
	const mayRead = role !== 'supporter' || !!supported?.agreementToSupporters;
	const [caseRow] = await db.select().from(cases).where(eq(cases.id, caseId));
	const base: AgreementView = {
		id: null,
		versions: [],
		inForce: null,
		followUp: [],
		checkIns: [],
		safety: [],
		me: {
			role,
			approveBy: access.member.approveBy,
			followUp: access.member.followUp,
			toSupporters: access.member.agreementToSupporters,
			mayRead
		},
		drafting:
			role === 'facilitator'
				? {
						signers: requiredSigners(roster),
						readers: [...roster.keys()].filter((id) =>
							mayReadKind('agreement', userId, null, id, roster)
						),
						// The reader rules give a check-in to exactly these survivors.
						survivorsFollowing: [...roster.keys()].filter(
							(id) =>
								roster.get(id)?.role === 'survivor' &&
								mayReadKind('check-in', userId, null, id, roster)
						)
					}
				: null,
		closed: caseRow?.closedAt
			? {
					outcome: caseRow.outcome,
					closedAt: caseRow.closedAt,
					deleteAt: caseDeleteAt(caseRow.closedAt, await retentionPolicy())
				}
			: null
	};
	const [agreement] = await db.select().from(agreements).where(eq(agreements.caseId, caseId));
	if (!agreement || !mayRead) return base;

	const id = agreement.id;
	const [versions, items, signers, consents, approvals] = await Promise.all([
		db
			.select()
			.from(agreementVersions)
			.where(eq(agreementVersions.agreementId, id))
			.orderBy(asc(agreementVersions.version)),
		db.select().from(agreementItems).where(eq(agreementItems.agreementId, id)),
		db.select().from(agreementSigners).where(eq(agreementSigners.agreementId, id)),
		db.select().from(agreementConsents).where(eq(agreementConsents.agreementId, id)),
		db.select().from(itemApprovals).where(eq(itemApprovals.agreementId, id))
	]);
	const asked = [...roster.values()].filter(
		(m) =>
			m.role === 'survivor' && (m.status === 'active' || m.status === 'paused') && m.mode !== 'none'
	);
	const versionViews: VersionView[] = versions.map((v) => {
		const its = items.filter((i) => i.version === v.version);
		const ok = approvals.filter((a) => a.version === v.version && a.decision === 'approve');
		return {
			version: v.version,
			digest: v.digest,
			prevDigest: v.prevDigest,
			logSeq: v.logSeq,
			logHash: v.logHash,
			createdBy: v.createdBy,
			createdAt: v.createdAt,
			inForceAt: v.inForceAt,
			items: its.map(toItem).sort((a, b) => (a.itemId < b.itemId ? -1 : 1)),
			signers: signers
				.filter((s) => s.version === v.version)
				.map((s) => ({ userId: s.userId, role: s.role, fp: s.fp })),
			// A survivor's private approval is for the facilitators (and herself) to know of.
			consents: consents
				.filter((c) => c.version === v.version)
				.filter((c) => c.method === 'signature' || role === 'facilitator' || c.userId === userId)
				.sort((a, b) => a.at - b.at)
				.map((c) => ({
					userId: c.userId,
					role: c.role,
					method: c.method,
					decision: c.decision,
					signature: c.signature,
					at: c.at
				})),
			approvals: approvals
				.filter((a) => a.version === v.version)
				.filter((a) => role === 'facilitator' || a.userId === userId)
				.map((a) => ({ itemId: a.itemId, userId: a.userId, decision: a.decision })),
			survivorsApproved: asked.every((s) =>
				its.every((i) => ok.some((a) => a.userId === s.userId && a.itemId === i.itemId))
			)
		};
	});
	const inForce = [...versionViews].reverse().find((v) => v.inForceAt !== null) ?? null;
	const view: AgreementView = {
		...base,
		id,
		versions: versionViews,
		inForce: inForce?.version ?? null
	};
	if (!inForce || role === 'supporter') return view;

	const statuses = await latestStatuses(db, id);
	const choice = role === 'survivor' ? (access.member.followUp ?? 'unset') : null;
	const checkInRows = await checkInsFor(db, userId, caseId, role, roster);
	const counts = new Map<string, number>();
	for (const c of await db.select().from(checkIns).where(eq(checkIns.agreementId, id))) {
		counts.set(c.itemId, (counts.get(c.itemId) ?? 0) + 1);
	}
	for (const item of inForce.items) {
		const s = statuses.get(item.itemId) ?? { status: 'open' as const, at: null };
		const mine = role === 'facilitator' || item.ownerId === userId || choice === 'all';
		if (choice && !STATUSES_SHOWN[choice].has(s.status)) {
			if (s.status === 'missed' && item.kind === 'boundary' && choice !== 'none') {
				view.safety.push({ itemId: item.itemId, at: s.at ?? 0 });
			}
			continue;
		}
		const settled = ['done', 'verified', 'missed'].includes(s.status);
		view.followUp.push({
			itemId: item.itemId,
			status: s.status,
			statusAt: s.at,
			progress: mine ? progressOf(item, counts.get(item.itemId) ?? 0, settled, now) : null
		});
	}
	view.checkIns = checkInRows;
	return view;
}

/** Check-ins whose words this person holds a wrap for, with who they were passed on to. */
async function checkInsFor(
	db: Db,
	userId: string,
	caseId: string,
	role: string,
	roster: Awaited<ReturnType<typeof rosterIn>>
) {
	const rows = await db
		.select()
		.from(checkIns)
		.where(eq(checkIns.caseId, caseId))
		.orderBy(asc(checkIns.createdAt));
	if (rows.length === 0) return [];
	const wraps = await db
		.select({ objectId: caseWraps.objectId, readerId: caseWraps.readerId })
		.from(caseWraps)
		.where(
			and(
				eq(caseWraps.caseId, caseId),
				inArray(
					caseWraps.objectId,
					rows.map((r) => r.id)
				)
			)
		);
	return rows
		.filter((r) => wraps.some((w) => w.objectId === r.id && w.readerId === userId))
		.map((r) => ({
			id: r.id,
			itemId: r.itemId,
			authorId: r.authorId,
			createdAt: r.createdAt,
			// Facilitators see which survivors already have it; nobody else needs to.
			passedOn:
				role === 'facilitator'
					? wraps
							.filter((w) => w.objectId === r.id && roster.get(w.readerId)?.role === 'survivor')
							.map((w) => w.readerId)
					: []
		}));
}

export type AgreementNews = {
	caseId: string;
	kind: (typeof agreementNews.$inferSelect)['kind'];
	itemId: string | null;
	createdAt: number;
};

/**
 * Unseen agreement news for one person across their cases, as far as each survivor's current
 * follow-up choice lets it through (lowering the choice hides what was queued too).
 */
export async function agreementNewsFor(userId: string): Promise<AgreementNews[]> {
	return (await agreementNewsWithRefs(userId)).map((n) => ({
		caseId: n.caseId,
		kind: n.kind,
		itemId: n.itemId,
		createdAt: n.createdAt
	}));
}

/** The same news with each case's reference, read through `db` (the home page counts queries). */
export async function agreementNewsWithRefs(
	userId: string,
	db: Db | Tx = getDb()
): Promise<(AgreementNews & { ref: string })[]> {
	const { query, fields } = agreementNewsQuery(db);
	const [packed] = await query.all({ userId });
	const out: (AgreementNews & { ref: string })[] = [];
	// Oldest first.
	for (const r of unpackRows(fields, packed?.rows).sort((a, b) => a.id - b.id)) {
		if (r.status !== 'active' && r.status !== 'paused') continue;
		if (r.level !== 'review' && r.role === 'survivor') {
			const choice = r.followUp ?? 'unset';
			// A missed boundary is offered even to someone who chose "completion only".
			const offered = r.level === 'safety' && choice !== 'none';
			if (!SHOWN[choice].has(r.level) && !offered) continue;
		}
		out.push({
			caseId: r.caseId,
			ref: r.ref,
			kind: r.kind,
			itemId: r.itemId,
			createdAt: r.createdAt
		});
	}
	return out;
}

// Built once per database or transaction: a busy facilitator's home page reads it on every visit.
const agreementNewsQuery = preparedFor((db: Db | Tx) => {
	const fields = {
		id: agreementNews.id,
		caseId: agreementNews.caseId,
		ref: cases.ref,
		kind: agreementNews.kind,
		level: agreementNews.level,
		itemId: agreementNews.itemId,
		createdAt: agreementNews.createdAt,
		role: caseMembers.role,
		status: caseMembers.status,
		followUp: caseMembers.followUp
	};
	const userId = sql.placeholder('userId');
	// A busy facilitator has hundreds: read as one value (json-rows.ts), sorted on reading.
	const query = db
		.select({ rows: packRows(fields) })
		.from(agreementNews)
		.innerJoin(
			caseMembers,
			and(
				eq(caseMembers.caseId, agreementNews.caseId),
				eq(caseMembers.userId, agreementNews.userId)
			)
		)
		.innerJoin(cases, eq(cases.id, agreementNews.caseId))
		.where(and(eq(agreementNews.userId, userId), isNull(agreementNews.seenAt)))
		.prepare();
	return { query, fields };
});

/** Opening the agreement page: its news is no longer new for this person. */
export async function markAgreementNewsSeen(userId: string, caseId: string, now = Date.now()) {
	await write((tx) =>
		tx
			.update(agreementNews)
			.set({ seenAt: now })
			.where(
				and(
					eq(agreementNews.userId, userId),
					eq(agreementNews.caseId, caseId),
					isNull(agreementNews.seenAt)
				)
			)
	);
}

export type CaseFollowUp = {
	caseId: string;
	ref: string;
	items: number;
	settled: number;
	missed: number;
	overdue: { itemId: string; kind: string; ownerId: string; ownerName: string; since: number }[];
	next: number | null;
};

/** One item of an agreement in force, as `followUpDashboard` reads it: a JSON array. */
type FollowUpItemRow = [
	itemId: string,
	kind: (typeof agreementItems.$inferSelect)['kind'],
	ownerId: string,
	due: number | null,
	repeatEvery: RepeatUnit | null,
	repeatCount: number | null,
	status: ItemStatus | null,
	checkIns: number
];

/**
 * Progress of every agreement in force across the cases this person facilitates, with what is
 * overdue: one statement whatever the number of cases. A busy facilitator's agreements have
 * thousands of items, each with status events and check-ins: they are looked up through their
 * indexes and read as one JSON value (json-rows.ts), one object per agreement with its items as
 * arrays (property names repeated for thousands of items cost a fifth of the time).
 */
export async function followUpDashboard(userId: string, now = Date.now()): Promise<CaseFollowUp[]> {
	const db = getDb();
	// The agreements of the open cases this person facilitates, each with its version in force
	// (the newest one that came into force): earlier versions' items are history.
	const inForce = db
		.select({
			agreementId: agreements.id,
			caseId: agreements.caseId,
			ref: cases.ref,
			version: max(agreementVersions.version).as('force_version')
		})
		.from(caseMembers)
		.innerJoin(cases, eq(cases.id, caseMembers.caseId))
		.innerJoin(agreements, eq(agreements.caseId, caseMembers.caseId))
		.innerJoin(agreementVersions, eq(agreementVersions.agreementId, agreements.id))
		.where(
			and(
				eq(caseMembers.userId, userId),
				eq(caseMembers.role, 'facilitator'),
				inArray(caseMembers.status, ['active', 'paused']),
				isNull(cases.closedAt),
				isNotNull(agreementVersions.inForceAt)
			)
		)
		.groupBy(agreements.id)
		.as('in_force');
	// Each item with its latest status and its number of check-ins, and the names people go by
	// in the case (read in one range of the case's members, not looked up item by item).
	const items = sql<FollowUpItemRow[]>`json((select json_group_array(json_array(
		${agreementItems.itemId}, ${agreementItems.kind}, ${agreementItems.ownerId},
		${agreementItems.due}, ${agreementItems.repeatEvery}, ${agreementItems.repeatCount},
		(select ${itemStatuses.status} from ${itemStatuses}
			where ${itemStatuses.agreementId} = ${agreementItems.agreementId}
			and ${itemStatuses.itemId} = ${agreementItems.itemId}
			order by ${itemStatuses.id} desc limit 1),
		(select count(*) from ${checkIns}
			where ${checkIns.agreementId} = ${agreementItems.agreementId}
			and ${checkIns.itemId} = ${agreementItems.itemId})))
		from ${agreementItems}
		where ${agreementItems.agreementId} = ${inForce.agreementId}
		and ${agreementItems.version} = ${inForce.version}))`;
	const names = sql<[userId: string, name: string][]>`json((select json_group_array(json_array(
		${caseMembers.userId}, ${caseMembers.displayName}))
		from ${caseMembers} where ${caseMembers.caseId} = ${inForce.caseId}))`;
	const fields = {
		agreementId: inForce.agreementId,
		caseId: inForce.caseId,
		ref: inForce.ref,
		names,
		items
	};
	const [packed] = await db.select({ rows: packRows(fields) }).from(inForce);
	const out: CaseFollowUp[] = [];
	const inOrder = unpackRows(fields, packed?.rows).sort((a, b) =>
		byText(a.agreementId, b.agreementId)
	);
	for (const a of inOrder) {
		const row: CaseFollowUp = {
			caseId: a.caseId,
			ref: a.ref,
			items: 0,
			settled: 0,
			missed: 0,
			overdue: [],
			next: null
		};
		const names = new Map(a.names);
		for (const [itemId, kind, ownerId, due, every, count, status, checkIns] of a.items) {
			const s = status ?? 'open';
			const settled = s === 'done' || s === 'verified' || s === 'missed';
			const repeat = every && count ? { every, count } : null;
			const p = progressOf({ due, repeat }, checkIns, settled, now);
			row.items++;
			if (s === 'done' || s === 'verified') row.settled++;
			if (s === 'missed') row.missed++;
			if (p.overdueSince !== null) {
				row.overdue.push({
					itemId,
					kind,
					ownerId,
					ownerName: names.get(ownerId) ?? m.former_participant(),
					since: p.overdueSince
				});
			}
			if (p.next !== null && !settled && (row.next === null || p.next < row.next))
				row.next = p.next;
		}
		// By item id, as it always was (ids are ASCII: JS orders them as SQLite does).
		row.overdue.sort((x, y) => byText(x.itemId, y.itemId));
		out.push(row);
	}
	return out.sort((x, y) => y.overdue.length - x.overdue.length || x.ref.localeCompare(y.ref));
}
