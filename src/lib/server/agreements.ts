import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { earliestToday, isDay, type Repeat } from '$lib/agreement-dates';
import { write, type Tx } from './db';
import {
	agreementConsents,
	agreementItems,
	agreementNews,
	agreements,
	agreementSigners,
	agreementVersions,
	caseEnvelopes,
	caseEvents,
	caseMembers,
	cases,
	caseWraps,
	checkIns,
	itemApprovals,
	itemStatuses
} from './db/schema';
import { caseAccess, facilitatorAccess, rosterIn } from './case-access';
import { addCaseWrapsIn, putCaseEnvelopeIn } from './case-envelopes';
import { currentStageIn } from './cases';
// A closed or withdrawn case takes nothing new, as for meetings.
import { checkOpen } from './meetings';
import { auditIn } from './audit';
import { caseDeleteAt, retentionPolicy } from './retention';
import { Problem } from './problem';
import type { Stage } from './validation/cases';
import type {
	AgreementItemInput,
	CheckInInput,
	ConsentInput,
	NewVersionInput
} from './validation/agreements';

/**
 * Accountability agreements (DESIGN §2, §4, §5). The server keeps the structure it may know —
 * item kinds, owners, due dates, statuses, who must sign and who did — and the rules around it;
 * the words are sealed case objects, and every browser recomputes the digest and verifies every
 * signature itself, so the server's word on "in force" is a convenience, not the proof.
 */

export type ItemStatus = 'open' | 'done' | 'verified' | 'missed' | 'renegotiated';
export type FollowUp = 'all' | 'milestones' | 'completion' | 'none';
export type Outcome = 'completed' | 'partial' | 'ended' | 'withdrawn';
type Roster = Awaited<ReturnType<typeof rosterIn>>;
type Member = Roster extends Map<string, infer M> ? M : never;

const PRESENT = new Set(['active', 'paused']);
const present = (m: Member | undefined) => !!m && PRESENT.has(m.status);
/**
 * Who may own an item: the responsible party who does it, or a facilitator who arranges it.
 * Only they may write check-ins (DESIGN §4), so an item's owner can always report on it.
 */
const OWNER_ROLES = new Set(['responsible', 'facilitator']);
/** Stages before the agreement: drafting one moves the case on to it, never back. */
const BEFORE_AGREEMENT = new Set<Stage>(['referral', 'preparation', 'circle']);

async function moveStage(tx: Tx, caseId: string, from: Set<Stage>, to: Stage, now: number) {
	if (!from.has(await currentStageIn(tx, caseId))) return;
	await tx.insert(caseEvents).values({ caseId, at: now, actorId: null, kind: 'stage', value: to });
}

/** Survivors whose approval an agreement waits for: present, and taking part in some way. */
function survivorsAsked(roster: Roster): Member[] {
	return [...roster.values()].filter(
		(m) => m.role === 'survivor' && present(m) && m.mode !== 'none'
	);
}

/**
 * Who must sign a version: every responsible party present, and each survivor asked who chose
 * to sign. A survivor who has not chosen approves by a private note: signing is non-deniable,
 * so it is theirs to opt into, never a default.
 */
export function requiredSigners(roster: Roster) {
	const out: { userId: string; role: 'survivor' | 'responsible' }[] = [];
	for (const m of roster.values()) {
		if (m.role === 'responsible' && present(m)) out.push({ userId: m.userId, role: m.role });
	}
	for (const m of survivorsAsked(roster)) {
		if (m.approveBy === 'sign') out.push({ userId: m.userId, role: 'survivor' });
	}
	return out;
}

async function agreementOf(tx: Tx, caseId: string) {
	const [row] = await tx.select().from(agreements).where(eq(agreements.caseId, caseId));
	return row ?? null;
}

async function versionsOf(tx: Tx, agreementId: string) {
	return tx
		.select()
		.from(agreementVersions)
		.where(eq(agreementVersions.agreementId, agreementId))
		.orderBy(asc(agreementVersions.version));
}

async function itemsOf(tx: Tx, agreementId: string, version: number) {
	return tx
		.select()
		.from(agreementItems)
		.where(and(eq(agreementItems.agreementId, agreementId), eq(agreementItems.version, version)));
}

async function news(
	tx: Tx,
	caseId: string,
	userIds: Iterable<string>,
	kind: (typeof agreementNews.$inferInsert)['kind'],
	level: (typeof agreementNews.$inferInsert)['level'],
	now: number,
	itemId: string | null = null
) {
	const rows = [...new Set(userIds)].map((userId) => ({
		caseId,
		userId,
		kind,
		level,
		itemId,
		createdAt: now
	}));
	if (rows.length > 0) await tx.insert(agreementNews).values(rows);
}

const idsOf = (roster: Roster, pick: (m: Member) => boolean) =>
	[...roster.values()].filter((m) => present(m) && pick(m)).map((m) => m.userId);

function checkItems(
	items: readonly AgreementItemInput[],
	roster: Roster,
	previous: Map<string, { due: number | null }>,
	now: number
) {
	if (items.length === 0) throw new Problem(400, 'agreement_no_items');
	if (new Set(items.map((i) => i.itemId)).size !== items.length) {
		throw new Problem(400, 'bad_request');
	}
	const today = earliestToday(now);
	for (const item of items) {
		if (!item.ownerId) throw new Problem(400, 'item_no_owner');
		const owner = roster.get(item.ownerId);
		if (!owner || !present(owner) || !OWNER_ROLES.has(owner.role)) {
			throw new Problem(400, 'item_owner_not_allowed');
		}
		if (item.repeat && item.due === null) throw new Problem(400, 'item_repeat_needs_day');
		if (item.due === null) continue;
		if (!isDay(item.due)) throw new Problem(400, 'bad_request');
		// A day already agreed may stay as it was in an amendment; a new one cannot be past.
		const kept = previous.get(item.itemId)?.due === item.due;
		if (item.due < today && !kept) throw new Problem(400, 'item_due_in_past');
	}
}

/**
 * A facilitator drafts the next version: its sealed words (an `agreement` object whose object
 * id and version are the agreement's), its items and who must sign, all in one transaction.
 */
export async function draftVersion(
	actorId: string,
	caseId: string,
	input: NewVersionInput,
	now = Date.now()
) {
	await write(async (tx) => {
		await facilitatorAccess(actorId, caseId, tx);
		await checkOpen(tx, caseId);
		const existing = await agreementOf(tx, caseId);
		if (existing && existing.id !== input.agreementId) throw new Problem(409, 'agreement_exists');
		const versions = existing ? await versionsOf(tx, existing.id) : [];
		const latest = versions.at(-1) ?? null;
		if (input.version !== (latest?.version ?? 0) + 1) throw new Problem(409, 'version_conflict');
		if ((latest?.digest ?? null) !== input.prevDigest) throw new Problem(409, 'version_conflict');
		const t = input.text;
		if (t.kind !== 'agreement' || t.objectId !== input.agreementId) {
			throw new Problem(400, 'bad_request');
		}
		if (t.version !== input.version || t.deleted || t.subject !== null) {
			throw new Problem(400, 'bad_request');
		}

		const roster = await rosterIn(tx, caseId);
		const previous = latest ? await itemsOf(tx, input.agreementId, latest.version) : [];
		checkItems(input.items, roster, new Map(previous.map((i) => [i.itemId, i])), now);
		checkSigners(input.signers, roster);

		if (!existing) {
			// An id another case already uses (ids are the browser's): refused like a taken check-in id.
			const [taken] = await tx
				.select({ id: agreements.id })
				.from(agreements)
				.where(eq(agreements.id, input.agreementId));
			if (taken) throw new Problem(409, 'version_conflict');
			await tx
				.insert(agreements)
				.values({ id: input.agreementId, caseId, createdBy: actorId, createdAt: now });
		}
		await tx.insert(agreementVersions).values({
			agreementId: input.agreementId,
			version: input.version,
			digest: input.digest,
			prevDigest: input.prevDigest,
			logSeq: input.logHead.seq,
			logHash: input.logHead.hash,
			createdBy: actorId,
			createdAt: now
		});
		await tx.insert(agreementItems).values(
			input.items.map((i) => ({
				agreementId: input.agreementId,
				version: input.version,
				itemId: i.itemId,
				kind: i.kind,
				ownerId: i.ownerId!,
				due: i.due,
				repeatEvery: i.repeat?.every ?? null,
				repeatCount: i.repeat?.count ?? null
			}))
		);
		await tx
			.insert(agreementSigners)
			.values(
				input.signers.map((s) => ({ ...s, agreementId: input.agreementId, version: input.version }))
			);
		await putCaseEnvelopeIn(tx, actorId, caseId, t, now, true);
		await moveStage(tx, caseId, BEFORE_AGREEMENT, 'agreement', now);
		const parties = idsOf(roster, (m) => m.role === 'survivor' || m.role === 'responsible');
		await news(tx, caseId, parties, 'review', 'review', now);
		await auditIn(
			tx,
			{
				actorId,
				action: 'agreement.drafted',
				objectType: 'agreement',
				objectId: input.agreementId,
				caseId
			},
			now
		);
	});
}

/** The signers a browser named must be exactly who the rules ask, with the keys they joined with. */
function checkSigners(signers: NewVersionInput['signers'], roster: Roster) {
	const want = requiredSigners(roster);
	if (want.length === 0) throw new Problem(409, 'agreement_no_signers');
	const same =
		signers.length === want.length &&
		want.every((w) =>
			signers.some(
				(s) => s.userId === w.userId && s.role === w.role && s.fp === roster.get(w.userId)?.fp
			)
		);
	if (!same) throw new Problem(409, 'agreement_signers_changed');
}

async function latestVersion(tx: Tx, caseId: string) {
	const agreement = await agreementOf(tx, caseId);
	if (!agreement) throw new Problem(404, 'agreement_not_found');
	const versions = await versionsOf(tx, agreement.id);
	return { agreement, versions, latest: versions.at(-1)! };
}

/** The survivor says, item by item, whether they approve the newest version or want it changed. */
export async function approveItems(
	actorId: string,
	caseId: string,
	version: number,
	decisions: { itemId: string; decision: 'approve' | 'change' }[],
	now = Date.now()
) {
	await write(async (tx) => {
		await caseAccess(actorId, caseId, ['survivor'], tx);
		await checkOpen(tx, caseId);
		const { agreement, latest } = await latestVersion(tx, caseId);
		if (version !== latest.version) throw new Problem(409, 'agreement_old_version');
		// Once they have approved or signed a version, their answers on it stand.
		const [decided] = await tx
			.select({ userId: agreementConsents.userId })
			.from(agreementConsents)
			.where(
				and(
					eq(agreementConsents.agreementId, agreement.id),
					eq(agreementConsents.version, version),
					eq(agreementConsents.userId, actorId)
				)
			);
		if (decided) throw new Problem(409, 'agreement_already_decided');
		const items = new Set((await itemsOf(tx, agreement.id, version)).map((i) => i.itemId));
		if (decisions.length === 0 || decisions.some((d) => !items.has(d.itemId))) {
			throw new Problem(400, 'bad_request');
		}
		for (const d of decisions) {
			await tx
				.insert(itemApprovals)
				.values({ agreementId: agreement.id, version, userId: actorId, ...d, at: now })
				.onConflictDoUpdate({
					target: [
						itemApprovals.agreementId,
						itemApprovals.version,
						itemApprovals.itemId,
						itemApprovals.userId
					],
					set: { decision: d.decision, at: now }
				});
		}
		const roster = await rosterIn(tx, caseId);
		await news(
			tx,
			caseId,
			idsOf(roster, (m) => m.role === 'facilitator'),
			'review',
			'review',
			now
		);
	});
}

/** Every survivor asked has approved every item of this version. */
async function survivorsApproved(tx: Tx, agreementId: string, version: number, roster: Roster) {
	const items = await itemsOf(tx, agreementId, version);
	const rows = await tx
		.select()
		.from(itemApprovals)
		.where(
			and(
				eq(itemApprovals.agreementId, agreementId),
				eq(itemApprovals.version, version),
				eq(itemApprovals.decision, 'approve')
			)
		);
	return survivorsAsked(roster).every((s) =>
		items.every((i) => rows.some((r) => r.userId === s.userId && r.itemId === i.itemId))
	);
}

/**
 * A party's decision on the newest version: a signature (checked for shape here, verified by
 * every browser) or, for a survivor who is not among the signers, a private approval. Each
 * person decides once per version; the responsible party signs only after the survivors have
 * approved every item. When every approval is in, the version is in force.
 */
export async function consent(
	actorId: string,
	caseId: string,
	input: ConsentInput,
	now = Date.now()
) {
	return write(async (tx) => {
		const access = await caseAccess(actorId, caseId, ['survivor', 'responsible'], tx);
		await checkOpen(tx, caseId);
		const { agreement, latest } = await latestVersion(tx, caseId);
		if (input.version !== latest.version) throw new Problem(409, 'agreement_old_version');
		const signers = await tx
			.select()
			.from(agreementSigners)
			.where(
				and(
					eq(agreementSigners.agreementId, agreement.id),
					eq(agreementSigners.version, latest.version)
				)
			);
		const signer = signers.find((s) => s.userId === actorId);
		const roster = await rosterIn(tx, caseId);
		if (input.method === 'signature' && !signer) throw new Problem(403, 'agreement_not_signer');
		if (input.method === 'note') {
			const asked = survivorsAsked(roster).some((s) => s.userId === actorId);
			if (signer || !asked) throw new Problem(403, 'agreement_not_signer');
		}
		const approving = input.method === 'note' || input.decision === 'approve';
		// Survivors first: the responsible party's yes waits for every item's approval (a no
		// never waits), and a survivor's own yes follows their yes to each item.
		if (approving && access.member.role === 'responsible') {
			if (!(await survivorsApproved(tx, agreement.id, latest.version, roster))) {
				throw new Problem(409, 'agreement_awaiting_survivor');
			}
		}
		if (approving && access.member.role === 'survivor') {
			const me = roster.get(actorId)!;
			if (!(await survivorsApproved(tx, agreement.id, latest.version, new Map([[actorId, me]])))) {
				throw new Problem(409, 'agreement_items_first');
			}
		}
		const done = await tx
			.select({ userId: agreementConsents.userId })
			.from(agreementConsents)
			.where(
				and(
					eq(agreementConsents.agreementId, agreement.id),
					eq(agreementConsents.version, latest.version),
					eq(agreementConsents.userId, actorId)
				)
			);
		if (done.length > 0) throw new Problem(409, 'agreement_already_decided');
		await tx.insert(agreementConsents).values({
			agreementId: agreement.id,
			version: latest.version,
			userId: actorId,
			role: access.member.role as 'survivor' | 'responsible',
			method: input.method,
			decision: input.method === 'signature' ? input.decision : 'approve',
			signature: input.method === 'signature' ? input.signature : null,
			at: now
		});
		await auditIn(
			tx,
			{
				actorId,
				action: 'agreement.signed',
				objectType: 'agreement',
				objectId: agreement.id,
				caseId
			},
			now
		);
		const facilitators = idsOf(roster, (m) => m.role === 'facilitator');
		await news(tx, caseId, facilitators, 'review', 'review', now);
		const inForce = await reachesForce(tx, agreement.id, latest.version, signers, roster);
		if (inForce) {
			await tx
				.update(agreementVersions)
				.set({ inForceAt: now })
				.where(
					and(
						eq(agreementVersions.agreementId, agreement.id),
						eq(agreementVersions.version, latest.version)
					)
				);
			await moveStage(tx, caseId, new Set([...BEFORE_AGREEMENT, 'agreement']), 'follow-up', now);
			await news(tx, caseId, facilitators, 'in_force', 'review', now);
			await news(
				tx,
				caseId,
				idsOf(roster, (m) => m.role === 'responsible'),
				'in_force',
				'review',
				now
			);
			await news(
				tx,
				caseId,
				idsOf(roster, (m) => m.role === 'survivor'),
				'in_force',
				'milestone',
				now
			);
		}
		return { inForce };
	});
}

async function reachesForce(
	tx: Tx,
	agreementId: string,
	version: number,
	signers: { userId: string }[],
	roster: Roster
) {
	const consents = await tx
		.select()
		.from(agreementConsents)
		.where(
			and(eq(agreementConsents.agreementId, agreementId), eq(agreementConsents.version, version))
		);
	if (consents.some((c) => c.decision === 'decline')) return false;
	const approved = new Set(consents.map((c) => c.userId));
	return (
		signers.every((s) => approved.has(s.userId)) &&
		survivorsAsked(roster).every((s) => approved.has(s.userId)) &&
		(await survivorsApproved(tx, agreementId, version, roster))
	);
}

/** The version in force (the newest one every approval covers), with its items. */
async function inForceOf(tx: Tx, caseId: string) {
	const agreement = await agreementOf(tx, caseId);
	if (!agreement) throw new Problem(404, 'agreement_not_found');
	const [row] = await tx
		.select()
		.from(agreementVersions)
		.where(eq(agreementVersions.agreementId, agreement.id))
		.orderBy(desc(agreementVersions.inForceAt), desc(agreementVersions.version))
		.limit(1);
	if (!row?.inForceAt) throw new Problem(409, 'agreement_not_in_force');
	return { agreement, version: row.version, items: await itemsOf(tx, agreement.id, row.version) };
}

/**
 * A facilitator marks an item of the agreement in force. Survivors hear about it as far as
 * their follow-up choice goes; a missed boundary is a safety update, offered unless they
 * chose to hear nothing.
 */
export async function setItemStatus(
	actorId: string,
	caseId: string,
	itemId: string,
	status: ItemStatus,
	now = Date.now()
) {
	await write(async (tx) => {
		await facilitatorAccess(actorId, caseId, tx);
		await checkOpen(tx, caseId);
		const { agreement, items } = await inForceOf(tx, caseId);
		const item = items.find((i) => i.itemId === itemId);
		if (!item) throw new Problem(404, 'agreement_item_not_found');
		await tx
			.insert(itemStatuses)
			.values({ agreementId: agreement.id, itemId, status, actorId, at: now });
		await auditIn(
			tx,
			{
				actorId,
				action: 'agreement.item_marked',
				objectType: 'agreement',
				objectId: agreement.id,
				caseId
			},
			now
		);
		if (status === 'open') return;
		const roster = await rosterIn(tx, caseId);
		await news(tx, caseId, [item.ownerId], status, 'review', now, itemId);
		const survivors = idsOf(roster, (m) => m.role === 'survivor');
		const level = status === 'verified' || status === 'missed' ? 'milestone' : 'update';
		await news(tx, caseId, survivors, status, level, now, itemId);
		if (status === 'missed' && item.kind === 'boundary') {
			await news(tx, caseId, survivors, 'safety', 'safety', now, itemId);
		}
	});
}

/**
 * The owner of an item (or a facilitator) posts a check-in on it: its words sealed for the
 * facilitators and its author, its structure kept here. Someone else's item is refused.
 */
export async function postCheckIn(
	actorId: string,
	caseId: string,
	input: CheckInInput,
	now = Date.now()
) {
	await write(async (tx) => {
		const access = await caseAccess(actorId, caseId, ['responsible', 'facilitator'], tx);
		await checkOpen(tx, caseId);
		const { agreement, items } = await inForceOf(tx, caseId);
		const item = items.find((i) => i.itemId === input.itemId);
		if (!item) throw new Problem(404, 'agreement_item_not_found');
		if (item.ownerId !== actorId && access.member.role !== 'facilitator') {
			throw new Problem(403, 'agreement_not_your_item');
		}
		const e = input.envelope;
		if (e.kind !== 'check-in' || e.version !== 1 || e.deleted || e.subject !== null) {
			throw new Problem(400, 'bad_request');
		}
		const [taken] = await tx
			.select({ id: checkIns.id })
			.from(checkIns)
			.where(eq(checkIns.id, e.objectId));
		if (taken) throw new Problem(409, 'version_conflict');
		await putCaseEnvelopeIn(tx, actorId, caseId, e, now, true);
		await tx.insert(checkIns).values({
			id: e.objectId,
			caseId,
			agreementId: agreement.id,
			itemId: input.itemId,
			authorId: actorId,
			createdAt: now
		});
		const roster = await rosterIn(tx, caseId);
		const facilitators = idsOf(roster, (m) => m.role === 'facilitator' && m.userId !== actorId);
		await news(tx, caseId, facilitators, 'check_in', 'review', now, input.itemId);
	});
}

/**
 * A facilitator passes a check-in on to survivors who chose to hear every update (the reader
 * rules refuse anyone else), once they have read it: nothing reaches a survivor unreviewed.
 */
export async function passOnCheckIn(
	actorId: string,
	caseId: string,
	checkInId: string,
	body: { version: number; wraps: { reader: string; wrapper: string; box: string }[] },
	now = Date.now()
) {
	await write(async (tx) => {
		await facilitatorAccess(actorId, caseId, tx);
		await checkOpen(tx, caseId);
		const [row] = await tx
			.select()
			.from(checkIns)
			.where(and(eq(checkIns.id, checkInId), eq(checkIns.caseId, caseId)));
		if (!row) throw new Problem(404, 'not_found');
		const roster = await rosterIn(tx, caseId);
		if (body.wraps.some((w) => roster.get(w.reader)?.role !== 'survivor')) {
			throw new Problem(400, 'bad_request');
		}
		await addCaseWrapsIn(tx, actorId, caseId, checkInId, body, now);
		const to = body.wraps.map((w) => w.reader);
		await news(tx, caseId, to, 'check_in', 'update', now, row.itemId);
	});
}

/**
 * A party's own choices about the agreement. Lowering the follow-up choice below "every
 * update" takes back the check-ins passed on to them: the app never shows more than they chose.
 */
export async function setAgreementChoices(
	actorId: string,
	caseId: string,
	choices: { approveBy?: 'note' | 'sign'; followUp?: FollowUp; toSupporters?: boolean },
	now = Date.now()
) {
	await write(async (tx) => {
		const access = await caseAccess(actorId, caseId, ['survivor', 'responsible'], tx);
		const survivor = access.member.role === 'survivor';
		if (!survivor && (choices.approveBy || choices.followUp)) throw new Problem(403, 'forbidden');
		const set: Partial<typeof caseMembers.$inferInsert> = {};
		if (choices.approveBy) set.approveBy = choices.approveBy;
		if (choices.followUp) set.followUp = choices.followUp;
		if (choices.toSupporters !== undefined) set.agreementToSupporters = choices.toSupporters;
		if (Object.keys(set).length === 0) throw new Problem(400, 'bad_request');
		const me = and(eq(caseMembers.caseId, caseId), eq(caseMembers.userId, actorId));
		await tx.update(caseMembers).set(set).where(me);
		if (choices.followUp && choices.followUp !== 'all') {
			await dropWraps(tx, caseId, [actorId], 'check-in');
		}
		if (choices.toSupporters === false) {
			const roster = await rosterIn(tx, caseId);
			const mine = [...roster.values()].filter((m) => m.supports === actorId).map((m) => m.userId);
			await dropWraps(tx, caseId, mine, 'agreement');
		}
		await auditIn(
			tx,
			{ actorId, action: 'case.choices_changed', objectType: 'case', objectId: caseId },
			now
		);
	});
}

/** Takes away these readers' wraps of every object of one kind in the case. */
async function dropWraps(
	tx: Tx,
	caseId: string,
	readers: string[],
	kind: 'check-in' | 'agreement'
) {
	if (readers.length === 0) return;
	const objects = tx
		.select({ id: caseEnvelopes.objectId })
		.from(caseEnvelopes)
		.where(and(eq(caseEnvelopes.caseId, caseId), eq(caseEnvelopes.kind, kind)));
	await tx
		.delete(caseWraps)
		.where(
			and(
				eq(caseWraps.caseId, caseId),
				inArray(caseWraps.readerId, readers),
				inArray(caseWraps.objectId, objects)
			)
		);
}

/**
 * Facilitators close a case with its outcome. That starts the retention clock: everything in
 * the case is deleted after the retention policy's window for closed cases, which every member
 * is told.
 */
export async function closeCase(
	actorId: string,
	caseId: string,
	outcome: Outcome,
	now = Date.now()
) {
	return write(async (tx) => {
		await facilitatorAccess(actorId, caseId, tx);
		await checkOpen(tx, caseId);
		await tx.update(cases).set({ outcome, closedAt: now }).where(eq(cases.id, caseId));
		const stage: Stage = outcome === 'withdrawn' ? 'withdrawn' : 'closed';
		await tx.insert(caseEvents).values({ caseId, at: now, actorId, kind: 'stage', value: stage });
		await auditIn(
			tx,
			{ actorId, action: 'case.closed', objectType: 'case', objectId: caseId },
			now
		);
		const roster = await rosterIn(tx, caseId);
		if (await agreementOf(tx, caseId)) {
			const parties = idsOf(roster, (m) => m.role === 'responsible');
			await news(tx, caseId, parties, 'closed', 'review', now);
			const survivors = idsOf(roster, (m) => m.role === 'survivor');
			await news(tx, caseId, survivors, 'closed', 'completion', now);
		}
		return { deleteAt: caseDeleteAt(now, await retentionPolicy(tx)) };
	});
}

export type { Repeat };
