import { eq } from 'drizzle-orm';
import { getDb } from './db';
import { caseMembers, cases } from './db/schema';
import { listCaseAudit, type AuditAction, type AuditEntry } from './audit';
import { caseAccess } from './case-access';
import { Problem } from './problem';
import { m } from '$lib/paraglide/messages.js';

export type CaseAuditRow = {
	id: number;
	at: number;
	action: AuditAction;
	/** The actor's name in this case; null for what the system did (a purge, a deadline). */
	who: string | null;
	objectType: AuditEntry['objectType'] | null;
	/** Whose the object is when not the actor's (an input someone fetched), as the case names them. */
	about: string | null;
};

/**
 * A case's audit events for its facilitators, each person named as the case knows them. Anyone
 * else, a participant of the case included, gets the same 404 as for a case that does not exist.
 */
export async function caseAuditFor(userId: string, caseId: string) {
	const { member } = await caseAccess(userId, caseId);
	if (member.role !== 'facilitator') throw new Problem(404, 'case_not_found');
	const db = getDb();
	const [events, people, [row]] = await Promise.all([
		listCaseAudit(caseId),
		db
			.select({ userId: caseMembers.userId, name: caseMembers.displayName })
			.from(caseMembers)
			.where(eq(caseMembers.caseId, caseId)),
		db.select({ ref: cases.ref }).from(cases).where(eq(cases.id, caseId))
	]);
	const names = new Map(people.map((p) => [p.userId, p.name]));
	const nameOf = (id: string) => names.get(id) ?? m.former_participant();
	const rows = events.map((e): CaseAuditRow => ({
		id: e.id,
		at: e.at,
		action: e.action as AuditAction,
		who: e.actorId === null ? null : nameOf(e.actorId),
		objectType: e.objectType as AuditEntry['objectType'] | null,
		// Someone's own: the label says as much ("Deleted their own words").
		about: e.subjectId === null || e.subjectId === e.actorId ? null : nameOf(e.subjectId)
	}));
	return { ref: row?.ref ?? '', events: rows };
}
