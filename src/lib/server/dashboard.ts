import { sql } from 'drizzle-orm';
import { getDb } from './db';
import type { CaseListItem } from './cases';
import type { Stage } from './validation/cases';

/**
 * The cases list (`/cases`), a page at a time, in one statement whatever the caseload.
 *
 * Every case of the person is ranked by what it needs from them, so nothing waits unseen on a
 * later page: first a safety signal no facilitator has seen, then anything else that needs
 * them (news not read yet, a change in participation, membership changes to confirm, an
 * invitation not used yet, a lead who is no longer active), then the rest; newest first within
 * each. The ranking reads two small rows per case: what the case has waiting (case_attention,
 * kept by SQLite triggers) and my unread counter (case_unread, unread.ts), never the cases'
 * objects; only the page's cases are then looked at further. The page also says how many cases
 * there are and how many need them.
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
	unread: number | null;
};

/** The page's rows, each with the totals (window functions over all of my cases). */
function rankedPage(userId: string, offset: number, now: number) {
	// Each rank is worked out once per case (materialized: not again for the order, the
	// totals and the page) from two rows: the case's own waiting facts (case_attention, kept
	// by triggers) and my unread counter (case_unread). An invitation is open while its
	// expiry is later than now, so that one fact is compared here.
	return sql`with mine as materialized (
			select c.id, c.ref, c.created_at, c.lead_id, m.role, m.status,
				case
					when m.role = 'facilitator' and a.urgent > 0 then 2
					when exists (select 1 from case_unread u where u.user_id = ${userId}
						and u.case_id = c.id) then 1
					when m.role != 'facilitator' then 0
					when a.notices > 0 or a.pending > 0 or not a.lead_active
						or a.invite_until > ${now} then 1
					else 0
				end as tier
			from case_members m inner join cases c on c.id = m.case_id
				inner join case_attention a on a.case_id = c.id
			where m.user_id = ${userId} and m.status in ('active', 'paused')
		),
		page as materialized (
			select *, count(*) over () as total, sum(tier > 0) over () as needing,
				sum(role = 'facilitator') over () as facilitated
			from mine
			order by tier desc, created_at desc, id
			limit ${PAGE_SIZE} offset ${offset}
		)
		select page.id, page.ref, page.created_at, page.lead_id, page.role, page.status,
			page.tier, page.total, page.needing, page.facilitated,
			(select e.value from case_events e where e.case_id = page.id and e.kind = 'stage'
				order by e.id desc limit 1) as stage,
			(select count(*) from case_members cm where cm.case_id = page.id
				and cm.status in ('active', 'paused')) as people,
			a.pending, a.urgent, a.notices,
			(select count(*) from case_invites ci inner join links l on l.id = ci.link_id
				where ci.case_id = page.id and l.used_at is null and l.revoked_at is null
				and l.expires_at > ${now}) as invites,
			lu.display_name as lead_name, lu.status as lead_status,
			(select u.count from case_unread u where u.user_id = ${userId}
				and u.case_id = page.id) as unread
		from page inner join case_attention a on a.case_id = page.id
			left join users lu on lu.id = page.lead_id
		order by page.tier desc, page.created_at desc, page.id`;
}

/**
 * Page `page` (1-based) of my cases. A page past the end gives no cases and the real number
 * of pages, so the route can send the person to the last one.
 */
export async function dashboardFor(userId: string, page = 1, now = Date.now()): Promise<Dashboard> {
	const db = getDb();
	const rows = await db.all<Row>(rankedPage(userId, (page - 1) * PAGE_SIZE, now));
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
			unread: r.unread ?? 0,
			tier: Math.min(2, Math.max(0, r.tier)) as DashboardCase['tier']
		};
	});
	const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
	return { cases, total, needing, facilitating: facilitated > 0, page, pages };
}
