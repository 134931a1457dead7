import { fillPlaceholders, sql, type SQL } from 'drizzle-orm';
import type { InArgs } from '@libsql/client';
import { getDb, preparedOn } from './db';
import { caseInvites, caseMembers, caseNotices, links, settings } from './db/schema';
import { caseView } from './cases';
import { withInviteStatus } from './case-invites';
import type { NoticeKind } from './case-notices';
import { caseDeleteAt, policyFrom, RETENTION_SETTING_KEYS } from './retention';
import type { CaseRoleName } from './validation/cases';

/**
 * Everything the server says on a case's own page, in as few statements as it reads cleanly:
 * who is asking with the case and its stage (one), the people (one), the stage history for a
 * facilitator (one), then the small lists beside them in one (JSON arrays, one per list): the
 * invitations and open notices for a facilitator, their own signals for anyone else, and the
 * retention policy for both. One access check for all of it. Structure only, as before.
 */

type InviteRow = {
	id: string;
	role: CaseRoleName;
	supports: string | null;
	createdAt: number;
	expiresAt: number;
	usedAt: number | null;
	revokedAt: number | null;
	createdBy: string | null;
	joinedId: string | null;
};
type NoticeRow = {
	id: number;
	kind: NoticeKind;
	createdAt: number;
	userId: string;
	name: string | null;
};
type SignalRow = { id: number; kind: NoticeKind; createdAt: number; seenAt: number | null };

const jsonList = <T>(text: unknown): T[] => (typeof text === 'string' ? JSON.parse(text) : []);

/** The same lists `listCaseInvites`, `openNotices` and `mySignals` give, as JSON columns. */
function sideLists(caseId: unknown, userId: unknown, facilitator: boolean) {
	const none = sql`'[]'`;
	// The newest 200, as `listCaseInvites`.
	const invites: SQL = facilitator
		? sql`(select json_group_array(json_object('id', id, 'role', role, 'supports', supports,
				'createdAt', created_at, 'expiresAt', expires_at, 'usedAt', used_at,
				'revokedAt', revoked_at, 'createdBy', created_by, 'joinedId', joined_id))
			from (select ${links.id} as id, ${caseInvites.role} as role,
					${caseInvites.supports} as supports, ${links.createdAt} as created_at,
					${links.expiresAt} as expires_at, ${links.usedAt} as used_at,
					${links.revokedAt} as revoked_at, ${links.createdBy} as created_by,
					${links.userId} as joined_id
				from ${caseInvites} inner join ${links} on ${links.id} = ${caseInvites.linkId}
				where ${caseInvites.caseId} = ${caseId}
				order by ${links.createdAt} desc limit 200))`
		: none;
	const notices: SQL = facilitator
		? sql`(select json_group_array(json_object('id', ${caseNotices.id},
				'kind', ${caseNotices.kind}, 'createdAt', ${caseNotices.createdAt},
				'userId', ${caseNotices.userId}, 'name', ${caseMembers.displayName}))
			from ${caseNotices} left join ${caseMembers}
				on ${caseMembers.caseId} = ${caseNotices.caseId}
				and ${caseMembers.userId} = ${caseNotices.userId}
			where ${caseNotices.caseId} = ${caseId} and ${caseNotices.seenAt} is null)`
		: none;
	// Their own five latest signals, as `mySignals`.
	const signals: SQL = facilitator
		? none
		: sql`(select json_group_array(json_object('id', id, 'kind', kind,
				'createdAt', created_at, 'seenAt', seen_at))
			from (select ${caseNotices.id} as id, ${caseNotices.kind} as kind,
					${caseNotices.createdAt} as created_at, ${caseNotices.seenAt} as seen_at
				from ${caseNotices}
				where ${caseNotices.caseId} = ${caseId} and ${caseNotices.userId} = ${userId}
				and ${caseNotices.kind} in ('talk', 'unsafe')
				order by ${caseNotices.id} desc limit 5))`;
	const keys = sql.join(
		RETENTION_SETTING_KEYS.map((k) => sql`${k}`),
		sql`, `
	);
	const policy = sql`(select json_group_array(json_object('key', ${settings.key},
			'value', ${settings.value}))
		from ${settings} where ${settings.key} in (${keys}))`;
	return sql`select ${invites} as invites, ${notices} as notices, ${signals} as signals,
		${policy} as policy`;
}

/**
 * The side lists' SQL for each kind of reader, built once: drizzle would build the text again
 * on every request (a few percent of a case page's CPU), for a statement that never changes.
 */
const sideListsQuery = preparedOn((db) => {
	const built = (facilitator: boolean) =>
		db.get(sideLists(sql.placeholder('caseId'), sql.placeholder('userId'), facilitator)).getQuery();
	return { facilitator: built(true), other: built(false) };
});

export async function casePage(userId: string, caseId: string, now = Date.now()) {
	const view = await caseView(userId, caseId);
	const facilitator = view.me.role === 'facilitator';
	const query = sideListsQuery()[facilitator ? 'facilitator' : 'other'];
	const args = fillPlaceholders(query.params, { caseId, userId }) as InArgs;
	const [found] = (await getDb().$client.execute({ sql: query.sql, args })).rows;
	// One row always (a select of scalar subqueries).
	const row: Record<string, unknown> = found ?? {};
	const policy = policyFrom(jsonList<{ key: string; value: string }>(row.policy));
	// json_group_array keeps no order a query can rely on: sorted here as the lists are.
	const invites = jsonList<InviteRow>(row.invites)
		.sort((a, b) => b.createdAt - a.createdAt)
		.map((r) => withInviteStatus(r, now));
	const notices = jsonList<NoticeRow>(row.notices).sort((a, b) => b.id - a.id);
	const mySignals = jsonList<SignalRow>(row.signals)
		.sort((a, b) => b.id - a.id)
		.map(({ kind, createdAt, seenAt }) => ({ kind, createdAt, seenAt }));
	return {
		view,
		deleteAt: view.closedAt === null ? null : caseDeleteAt(view.closedAt, policy),
		// Shown before a facilitator closes the case: when everything would be deleted.
		deleteIfClosedNow: facilitator ? caseDeleteAt(now, policy) : null,
		invites,
		notices,
		mySignals
	};
}
