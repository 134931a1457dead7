import { and, eq, or } from 'drizzle-orm';
import { getDb, write, type Tx } from './db';
import { caseMembers, caseNotices, relays } from './db/schema';
import { auditIn } from './audit';
import { caseAccess } from './case-access';
import { putCaseEnvelopeIn } from './case-envelopes';
import { Problem } from './problem';
import type { CaseEnvelopeInput } from './validation/cases';

/**
 * Passing a participant's words to someone else in the case (DESIGN §2, facilitator relay).
 * A facilitator proposes: a message in the author's own conversation shows exactly what would
 * go, and to whom. Only the author answers. Approving, their browser seals a `relay` envelope
 * for the recipient in the same request, so nothing reaches anyone without that approval. A
 * participant may also share their own words with someone supporting them (a surrogate who
 * speaks for them: a supporter, or a community member they name) directly. The server keeps who, to whom, when and what became of it.
 */

export type RelayRow = typeof relays.$inferSelect;

async function presentMember(tx: Tx, caseId: string, userId: string) {
	const [m] = await tx
		.select({ role: caseMembers.role, status: caseMembers.status, supports: caseMembers.supports })
		.from(caseMembers)
		.where(and(eq(caseMembers.caseId, caseId), eq(caseMembers.userId, userId)));
	return m && (m.status === 'active' || m.status === 'paused') ? m : null;
}

/** A participant (never a facilitator) present in the case, other than `not`. */
async function checkParticipant(tx: Tx, caseId: string, userId: string, not: string) {
	const m = await presentMember(tx, caseId, userId);
	if (!m || m.role === 'facilitator' || userId === not) throw new Problem(400, 'relay_target');
	return m;
}

function firstVersion(e: CaseEnvelopeInput, kind: CaseEnvelopeInput['kind'], subject: string) {
	if (e.kind !== kind || e.subject !== subject || e.version !== 1 || e.deleted) {
		throw new Problem(400, 'bad_request');
	}
}

export async function proposeRelay(
	actorId: string,
	caseId: string,
	input: { id: string; from: string; to: string; proposal: CaseEnvelopeInput },
	now = Date.now()
) {
	await write(async (tx) => {
		await caseAccess(actorId, caseId, ['facilitator'], tx);
		await checkParticipant(tx, caseId, input.from, '');
		await checkParticipant(tx, caseId, input.to, input.from);
		firstVersion(input.proposal, 'conversation', input.from);
		const [taken] = await tx.select({ id: relays.id }).from(relays).where(eq(relays.id, input.id));
		if (taken) throw new Problem(409, 'bad_request');
		await putCaseEnvelopeIn(tx, actorId, caseId, input.proposal, now);
		await tx.insert(relays).values({
			id: input.id,
			caseId,
			fromId: input.from,
			toId: input.to,
			proposedBy: actorId,
			proposalObjectId: input.proposal.objectId,
			status: 'proposed',
			createdAt: now
		});
		await auditIn(
			tx,
			{ actorId, action: 'relay.proposed', objectType: 'case', objectId: caseId },
			now
		);
	});
}

async function relayIn(tx: Tx, caseId: string, id: string) {
	const [row] = await tx
		.select()
		.from(relays)
		.where(and(eq(relays.id, id), eq(relays.caseId, caseId)));
	return row ?? null;
}

export type Decision =
	| { decision: 'approve'; relay: CaseEnvelopeInput }
	| { decision: 'decline' }
	| { decision: 'withdraw' };

/**
 * The author approves (with the sealed relay) or declines; a facilitator may withdraw a
 * proposal not answered yet. Each proposal is answered once.
 */
export async function decideRelay(
	actorId: string,
	caseId: string,
	id: string,
	d: Decision,
	now = Date.now()
) {
	await write(async (tx) => {
		const { member } = await caseAccess(actorId, caseId, undefined, tx);
		const row = await relayIn(tx, caseId, id);
		const mine =
			row && (d.decision === 'withdraw' ? member.role === 'facilitator' : row.fromId === actorId);
		// Someone else's proposal does not exist, as far as they can tell.
		if (!row || !mine) throw new Problem(404, 'relay_not_found');
		if (row.status !== 'proposed') throw new Problem(409, 'relay_decided');
		let relayObjectId: string | null = null;
		if (d.decision === 'approve') {
			await checkParticipant(tx, caseId, row.toId, row.fromId);
			firstVersion(d.relay, 'relay', row.toId);
			await putCaseEnvelopeIn(tx, actorId, caseId, d.relay, now, true);
			relayObjectId = d.relay.objectId;
		}
		const status = ({ approve: 'approved', decline: 'declined', withdraw: 'withdrawn' } as const)[
			d.decision
		];
		await tx.update(relays).set({ status, relayObjectId, decidedAt: now }).where(eq(relays.id, id));
		await auditIn(
			tx,
			{ actorId, action: `relay.${status}`, objectType: 'case', objectId: caseId },
			now
		);
		// The facilitators learn the answer at once, without any words.
		if (status !== 'withdrawn') {
			const kind = status === 'approved' ? 'relay_approved' : 'relay_declined';
			await tx.insert(caseNotices).values({ caseId, userId: actorId, kind, createdAt: now });
		}
	});
}

/**
 * A participant shares their own words with someone to speak for them (a surrogate): a
 * supporter of theirs, or — for a party — a community member they name.
 */
export async function shareWithSupporter(
	actorId: string,
	caseId: string,
	input: { id: string; to: string; relay: CaseEnvelopeInput },
	now = Date.now()
) {
	await write(async (tx) => {
		const { member } = await caseAccess(actorId, caseId, undefined, tx);
		if (member.role === 'facilitator') throw new Problem(403, 'forbidden');
		const to = await checkParticipant(tx, caseId, input.to, actorId);
		const party = member.role === 'survivor' || member.role === 'responsible';
		const mine = to.role === 'supporter' && to.supports === actorId;
		if (!mine && !(party && to.role === 'community')) throw new Problem(400, 'relay_target');
		firstVersion(input.relay, 'relay', input.to);
		const [taken] = await tx.select({ id: relays.id }).from(relays).where(eq(relays.id, input.id));
		if (taken) throw new Problem(409, 'bad_request');
		await putCaseEnvelopeIn(tx, actorId, caseId, input.relay, now, true);
		await tx.insert(relays).values({
			id: input.id,
			caseId,
			fromId: actorId,
			toId: input.to,
			proposedBy: null,
			proposalObjectId: null,
			status: 'approved',
			relayObjectId: input.relay.objectId,
			createdAt: now,
			decidedAt: now
		});
		await auditIn(
			tx,
			{ actorId, action: 'relay.shared', objectType: 'case', objectId: caseId },
			now
		);
	});
}

export type RelayView = Pick<
	RelayRow,
	| 'id'
	| 'fromId'
	| 'toId'
	| 'proposedBy'
	| 'proposalObjectId'
	| 'status'
	| 'relayObjectId'
	| 'createdAt'
	| 'decidedAt'
>;

/**
 * The relays someone may know of: facilitators all of the case's; a participant those of their
 * own words, and those that reached them. A recipient never learns of a proposal that was
 * declined or not answered: for them only what was approved exists.
 */
export async function listRelays(userId: string, caseId: string): Promise<RelayView[]> {
	const { member } = await caseAccess(userId, caseId);
	const rows = await getDb()
		.select({
			id: relays.id,
			fromId: relays.fromId,
			toId: relays.toId,
			proposedBy: relays.proposedBy,
			proposalObjectId: relays.proposalObjectId,
			status: relays.status,
			relayObjectId: relays.relayObjectId,
			createdAt: relays.createdAt,
			decidedAt: relays.decidedAt
		})
		.from(relays)
		.where(
			and(
				eq(relays.caseId, caseId),
				member.role === 'facilitator'
					? undefined
					: or(
							eq(relays.fromId, userId),
							and(eq(relays.toId, userId), eq(relays.status, 'approved'))
						)
			)
		)
		.orderBy(relays.createdAt);
	// What the recipient sees of a relay: that it was approved, when, and whether it was shared
	// by the author themselves; not which facilitator proposed it or the author's proposal id.
	return rows.map((r) =>
		member.role === 'facilitator' || r.fromId === userId
			? r
			: { ...r, proposedBy: r.proposedBy ? 'facilitators' : null, proposalObjectId: null }
	);
}
