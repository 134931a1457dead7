import { sql, type SQL } from 'drizzle-orm';
import { getDb } from './db';
import { byText, packRows, unpackRows } from './json-rows';
import type { CaseListItem } from './cases';
import type { Stage } from './validation/cases';

/**
 * The cases list (`/cases`), a page at a time, in one statement whatever the caseload.
 *
 * Every case of the person is ranked by what it needs from them, so nothing waits unseen on a
 * later page: first a safety signal no facilitator has seen, then anything else that needs
 * them (news not read yet, a change in participation, membership changes to confirm, an
 * invitation not used yet, a lead who is no longer active), then the rest; newest first within
 * each. The ranking reads one small row per case, mine in member_attention: what the case has
 * waiting (a copy of case_attention) and my unread counter (case_unread, unread.ts), both kept
 * by SQLite triggers; never the cases' objects. Only the page's cases are looked at further.
 * The page also says how many cases there are and how many need them.
 */

export const PAGE_SIZE = 25;

export type DashboardCase = CaseListItem & {
	/** Things others wrote that are new to me (the counters of unread.ts). */
	unread: number;
	/** 2: an urgent safety signal; 1: something else needs me; 0: nothing. */
	tier: 0 | 1 | 2;
};

export type Dashboard = {
	cases: DashboardCase[];
	/** How many cases I am in (active or paused), and how many of them need me. */
	total: number;
	needing: number;
	/** Whether I facilitate any of my cases (on this page or another). */
	facilitating: boolean;
	/** 1-based; `pages` is at least 1. */
	page: number;
	pages: number;
};

type Row = {
	id: string;
	ref: string;
	created_at: number;
	lead_id: string;
	role: DashboardCase['myRole'];
	status: DashboardCase['myStatus'];
	tier: number;
	total: number;
	needing: number;
	facilitated: number;
	stage: Stage | null;
	people: number;
	pending: number;
	urgent: number;
	notices: number;
	invites: number;
	lead_name: string | null;
	lead_status: string | null;
	unread: number;
};

/** The page's rows, each with the totals over all of my cases. */
function rankedPage(userId: string, offset: number, now: number) {
	// Each rank is worked out once per case (materialized: not again for the order, the
	// totals and the page) from my rows of member_attention alone: one stretch of its primary
	// key, with the case's waiting facts and my unread counter in each row (kept by triggers).
	// An invitation is open while its expiry is later than now, so that one fact is compared
	// here. Only the page's cases are then looked at further.
	return sql`with mine as materialized (
			select r.case_id as id, r.created_at, r.role, r.status, r.urgent, r.notices, r.pending,
				r.invite_until, r.unread,
				case
					when r.role = 'facilitator' and r.urgent > 0 then 2
					when r.unread > 0 then 1
					when r.role != 'facilitator' then 0
					when r.notices > 0 or r.pending > 0 or not r.lead_active
						or r.invite_until > ${now} then 1
					else 0
				end as tier
			from member_attention r
			where r.user_id = ${userId} and r.status in ('active', 'paused')
		),
		page as materialized (
			select * from mine
			order by tier desc, created_at desc, id
			limit ${PAGE_SIZE} offset ${offset}
		),
		-- One pass for the totals (window functions over the ranking cost half as much again).
		totals as (
			select count(*) as total, sum(tier > 0) as needing,
				sum(role = 'facilitator') as facilitated
			from mine
		)
		select page.id, c.ref, page.created_at, c.lead_id, page.role, page.status,
			page.tier, totals.total, totals.needing, totals.facilitated,
			(select e.value from case_events e where e.case_id = page.id and e.kind = 'stage'
				order by e.id desc limit 1) as stage,
			(select count(*) from case_members cm where cm.case_id = page.id
				and cm.status in ('active', 'paused')) as people,
			page.pending, page.urgent, page.notices,
			-- No invitation is open unless the latest expiry among those not used or revoked
			-- is still ahead: then count them.
			case when page.invite_until > ${now} then
				(select count(*) from case_invites ci inner join links l on l.id = ci.link_id
					where ci.case_id = page.id and l.used_at is null and l.revoked_at is null
					and l.expires_at > ${now})
				else 0 end as invites,
			lu.display_name as lead_name, lu.status as lead_status, page.unread
		from page cross join totals inner join cases c on c.id = page.id
			left join users lu on lu.id = c.lead_id`;
}

/** Row's fields, each `rankedPage`'s column of the same name. */
const FIELDS = Object.fromEntries(
	(
		[
			'id',
			'ref',
			'created_at',
			'lead_id',
			'role',
			'status',
			'tier',
			'total',
			'needing',
			'facilitated',
			'stage',
			'people',
			'pending',
			'urgent',
			'notices',
			'invites',
			'lead_name',
			'lead_status',
			'unread'
		] as const satisfies readonly (keyof Row)[]
	).map((name) => [name, sql.raw(name)])
) as Record<keyof Row, SQL>;

/**
 * The page's rows as one JSON value (json-rows.ts): the driver would otherwise make every value
 * of every row a property of its own, a fifth of the page's database time. The aggregate keeps
 * no order, so `dashboardFor` sorts them again.
 */
const packed = (userId: string, offset: number, now: number) =>
	sql<string>`select ${packRows(FIELDS)} as rows from (${rankedPage(userId, offset, now)})`;

/** The ranking's order: tier, then newest, then id. */
const byRank = (a: Row, b: Row) =>
	b.tier - a.tier || b.created_at - a.created_at || byText(a.id, b.id);

/**
 * Page `page` (1-based) of my cases. A page past the end gives no cases and the real number
 * of pages, so the route can send the person to the last one.
 */
export async function dashboardFor(userId: string, page = 1, now = Date.now()): Promise<Dashboard> {
	const db = getDb();
	const [result] = await db.all<{ rows: string }>(packed(userId, (page - 1) * PAGE_SIZE, now));
	const rows = (unpackRows(FIELDS, result?.rows) as unknown as Row[]).sort(byRank);
	const first = rows[0];
	let total = first?.total ?? 0;
	let needing = first?.needing ?? 0;
	let facilitated = first?.facilitated ?? 0;
	if (!first && page > 1) {
		// Past the end: how many there are, to say which page is the last.
		const [all] = await db.all<Pick<Row, 'total' | 'needing' | 'facilitated'>>(
			sql`select total, needing, facilitated from (${rankedPage(userId, 0, now)}) limit 1`
		);
		total = all?.total ?? 0;
		needing = all?.needing ?? 0;
		facilitated = all?.facilitated ?? 0;
	}
	const cases = rows.map((r): DashboardCase => {
		const facilitator = r.role === 'facilitator';
		return {
			id: r.id,
			ref: r.ref,
			stage: r.stage ?? 'referral',
			myRole: r.role,
			myStatus: r.status,
			isLead: r.lead_id === userId,
			leadName: r.lead_name ?? '',
			leadActive: r.lead_status === 'active',
			people: r.people,
			pendingLog: facilitator ? r.pending : 0,
			urgent: facilitator ? r.urgent : 0,
			notices: facilitator ? r.notices : 0,
			waitingInvites: facilitator ? r.invites : 0,
			createdAt: r.created_at,
			unread: r.unread,
			tier: Math.min(2, Math.max(0, r.tier)) as DashboardCase['tier']
		};
	});
	const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
	return { cases, total, needing, facilitating: facilitated > 0, page, pages };
}
