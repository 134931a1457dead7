import { desc, eq, lt, or } from 'drizzle-orm';
import { getDb, write, type Tx } from './db';
import { auditEvents } from './db/schema';

export type AuditAction =
	| 'setup.completed'
	| 'signin'
	| 'signout'
	| 'signout.everywhere'
	| 'passkey.added'
	| 'passkey.removed'
	| 'passkey.renamed'
	| 'invite.created'
	| 'invite.used'
	| 'invite.revoked'
	| 'device_link.created'
	| 'recovery_link.created'
	| 'keys.created'
	| 'recovery_code.replaced'
	| 'device.remembered'
	| 'device.forgotten'
	| 'facilitator.deactivated'
	| 'org.updated'
	| 'case.opened'
	| 'case.stage_changed'
	| 'case.lead_changed'
	| 'case.signal_raised'
	| 'case.notice_seen'
	| 'case.participation_changed'
	| 'case.choices_changed'
	| 'case.input_deleted'
	| 'relay.proposed'
	| 'relay.approved'
	| 'relay.declined'
	| 'relay.withdrawn'
	| 'relay.shared'
	| 'meeting.scheduled'
	| 'meeting.moved'
	| 'meeting.cancelled'
	| 'meeting.answered'
	| 'poll.opened'
	| 'poll.answered'
	| 'poll.closed'
	| 'template.created'
	| 'template.updated'
	| 'template.in_use'
	| 'template.deleted'
	| 'agreement.drafted'
	| 'agreement.signed'
	| 'agreement.item_marked'
	| 'case.closed'
	| 'input.created'
	| 'input.fetched'
	| 'readers.added'
	| 'account.deleted'
	| 'retention.changed'
	| 'purge.ran'
	| 'backup.made';

export type AuditEntry = {
	actorId: string | null;
	action: AuditAction;
	objectType?:
		| 'user'
		| 'passkey'
		| 'link'
		| 'org'
		| 'device'
		| 'case'
		| 'template'
		| 'meeting'
		| 'poll'
		| 'agreement'
		| 'input'
		| 'envelope'
		| 'retention';
	objectId?: string | null;
	/** The case the object belongs to; a `case` object is its own. Its events go with it. */
	caseId?: string | null;
	/** Whose content or account the object is, when that is not the actor. */
	subjectId?: string | null;
};

// Who, what, which object, when: never an IP, a user agent or any content.
function row(entry: AuditEntry, at: number) {
	return {
		at,
		actorId: entry.actorId,
		action: entry.action,
		objectType: entry.objectType ?? null,
		objectId: entry.objectId ?? null,
		caseId: entry.caseId ?? (entry.objectType === 'case' ? (entry.objectId ?? null) : null),
		subjectId: entry.subjectId ?? null
	};
}

/** Records an event inside an existing write transaction, so it lands with the change. */
export async function auditIn(tx: Tx, entry: AuditEntry, at = Date.now()) {
	await tx.insert(auditEvents).values(row(entry, at));
}

export async function audit(entry: AuditEntry, at = Date.now()) {
	await write((tx) => auditIn(tx, entry, at));
}

export async function listAuditForActor(actorId: string, limit = 50) {
	return getDb()
		.select()
		.from(auditEvents)
		.where(eq(auditEvents.actorId, actorId))
		.orderBy(desc(auditEvents.at), desc(auditEvents.id))
		.limit(limit);
}

/** What a person did, and what others did to what is theirs (e.g. fetched their input). */
export async function listAuditAbout(userId: string, limit = 200) {
	return getDb()
		.select()
		.from(auditEvents)
		.where(or(eq(auditEvents.actorId, userId), eq(auditEvents.subjectId, userId)))
		.orderBy(desc(auditEvents.at), desc(auditEvents.id))
		.limit(limit);
}

/** A case's events, for its facilitators (the caller checks that they are). */
export async function listCaseAudit(caseId: string, limit = 500) {
	return getDb()
		.select()
		.from(auditEvents)
		.where(eq(auditEvents.caseId, caseId))
		.orderBy(desc(auditEvents.at), desc(auditEvents.id))
		.limit(limit);
}

export async function listAudit(limit = 100) {
	return getDb()
		.select()
		.from(auditEvents)
		.orderBy(desc(auditEvents.at), desc(auditEvents.id))
		.limit(limit);
}

export async function deleteAuditBefore(cutoff: number) {
	await write((tx) => tx.delete(auditEvents).where(lt(auditEvents.at, cutoff)));
}
