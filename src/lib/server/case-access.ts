import { and, eq, sql } from 'drizzle-orm';
import { getDb, preparedOn, type Tx } from './db';
import { caseMembers, cases, users, type CaseMember } from './db/schema';
import { Problem } from './problem';
import type { CaseRoleName } from './validation/cases';

type Reader = ReturnType<typeof getDb> | Tx;

/**
 * Who may do what in a case, from the server's own tables: they act at once (a deactivated
 * facilitator or a withdrawn participant is refused immediately). Someone who is not in a
 * case gets the same 404 as a case that does not exist, so ids reveal nothing.
 */

export type Access = { member: CaseMember; isLead: boolean };

/** Members who may still take part: paused people keep their page and their own words. */
const PRESENT = new Set<CaseMember['status']>(['active', 'paused']);

const memberQuery = (db: Reader) =>
	db
		.select({ member: caseMembers, leadId: cases.leadId, userStatus: users.status })
		.from(caseMembers)
		.innerJoin(cases, eq(cases.id, caseMembers.caseId))
		.innerJoin(users, eq(users.id, caseMembers.userId));

/** One person's row in one case, for prepared statements (placeholders `caseId`, `userId`). */
export const byIds = and(
	eq(caseMembers.caseId, sql.placeholder('caseId')),
	eq(caseMembers.userId, sql.placeholder('userId'))
);

// Outside a transaction (most checks: every page and endpoint of a case), built once.
const memberById = preparedOn((db) => memberQuery(db).where(byIds).prepare());

type Row = { member: CaseMember; userStatus: string };

/** Refuses anyone not present in the case (404, as for no case) or not in `roles` (403). */
export function checkAccess<R extends Row>(row: R | undefined, roles?: readonly CaseRoleName[]): R {
	if (!row || !PRESENT.has(row.member.status) || row.userStatus !== 'active') {
		throw new Problem(404, 'case_not_found');
	}
	if (roles && !roles.includes(row.member.role)) throw new Problem(403, 'forbidden');
	return row;
}

export async function caseAccess(
	userId: string,
	caseId: string,
	roles?: readonly CaseRoleName[],
	db?: Reader
): Promise<Access> {
	const [row] = db
		? await memberQuery(db).where(
				and(eq(caseMembers.caseId, caseId), eq(caseMembers.userId, userId))
			)
		: await memberById().all({ caseId, userId });
	const { member, leadId } = checkAccess(row, roles);
	return { member, isLead: leadId === userId };
}

/** A facilitator of this case who is still active in it. */
export function facilitatorAccess(userId: string, caseId: string, db?: Reader) {
	return caseAccess(userId, caseId, ['facilitator'], db);
}

/** Per-case counts from a `GROUP BY case_id` query. */
export const byCase = (rows: { caseId: string; n: number }[]) =>
	new Map(rows.map((r) => [r.caseId, r.n]));

/** Everyone ever in a case with what the reader and scheduling rules look at, by user id. */
export async function rosterIn(db: Reader, caseId: string) {
	const rows = await db
		.select({
			userId: caseMembers.userId,
			role: caseMembers.role,
			status: caseMembers.status,
			supports: caseMembers.supports,
			mode: caseMembers.mode,
			fp: caseMembers.fp,
			approveBy: caseMembers.approveBy,
			followUp: caseMembers.followUp,
			agreementToSupporters: caseMembers.agreementToSupporters
		})
		.from(caseMembers)
		.where(eq(caseMembers.caseId, caseId));
	return new Map(rows.map((r) => [r.userId, r]));
}
