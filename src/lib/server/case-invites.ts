import { and, desc, eq } from 'drizzle-orm';
import * as v from 'valibot';
import { getDb, write, type Tx } from './db';
import { caseEvents, caseInvites, caseMembers, cases, identities, links, users } from './db/schema';
import { facilitatorAccess } from './case-access';
import { dropSecretIn, inviteSecretObject, putCaseEnvelopeIn } from './case-envelopes';
import { addPendingIn } from './case-log';
import { CLOSED_STAGES, currentStageIn } from './cases';
import { checkLink, insertLink } from './links';
import { hashToken } from './auth/tokens';
import { auditIn } from './audit';
import { Problem } from './problem';
import { linkToken } from './validation/webauthn';
import type { CaseEnvelopeInput, CaseRoleName } from './validation/cases';
import type { SessionUser } from './auth/session';

/**
 * Every addition to a case is an invite redeemed while signed in (DESIGN §4). The server keeps
 * the token's hash and what the invite is for; the secret in the link's fragment never reaches
 * it. The inviter's browser keeps the secret in a facilitators-only envelope, so the next
 * facilitator browser can check the joiner's tag before signing them into the log.
 */

async function checkOpen(tx: Tx, caseId: string) {
	if (CLOSED_STAGES.includes(await currentStageIn(tx, caseId))) {
		throw new Problem(409, 'case_closed');
	}
}

async function checkSupports(tx: Tx, caseId: string, role: CaseRoleName, supports: string | null) {
	if (role !== 'supporter') {
		if (supports !== null) throw new Problem(400, 'bad_request');
		return;
	}
	const [party] = supports
		? await tx
				.select({ role: caseMembers.role, status: caseMembers.status })
				.from(caseMembers)
				.where(and(eq(caseMembers.caseId, caseId), eq(caseMembers.userId, supports)))
		: [];
	const isParty = party && (party.role === 'survivor' || party.role === 'responsible');
	if (!isParty || party.status === 'withdrawn' || party.status === 'removed') {
		throw new Problem(400, 'supports_unknown');
	}
}

export async function createCaseInvite(
	actorId: string,
	caseId: string,
	input: {
		inviteId: string;
		role: CaseRoleName;
		supports: string | null;
		secret: CaseEnvelopeInput;
		replaces: string | null;
	},
	now = Date.now()
) {
	const { inviteId, role, supports, secret } = input;
	const secretShape =
		secret.kind === 'invite-secret' &&
		secret.objectId === inviteSecretObject(inviteId) &&
		secret.version === 1 &&
		!secret.deleted;
	if (!secretShape) throw new Problem(400, 'bad_request');
	return write(async (tx) => {
		await facilitatorAccess(actorId, caseId, tx);
		await checkOpen(tx, caseId);
		await checkSupports(tx, caseId, role, supports);
		const [taken] = await tx.select({ id: links.id }).from(links).where(eq(links.id, inviteId));
		if (taken) throw new Problem(409, 'invite_exists');
		if (input.replaces) await revokeIn(tx, actorId, caseId, input.replaces, now);
		const link = await insertLink(tx, 'case', actorId, null, now, inviteId);
		await tx.insert(caseInvites).values({ linkId: inviteId, caseId, role, supports });
		await putCaseEnvelopeIn(tx, actorId, caseId, secret, now);
		await auditIn(
			tx,
			{ actorId, action: 'invite.created', objectType: 'link', objectId: inviteId, caseId },
			now
		);
		return { inviteId, path: link.path, expiresAt: link.expiresAt };
	});
}

async function revokeIn(tx: Tx, actorId: string, caseId: string, inviteId: string, now: number) {
	const [row] = await tx
		.select({ link: links })
		.from(caseInvites)
		.innerJoin(links, eq(links.id, caseInvites.linkId))
		.where(and(eq(caseInvites.linkId, inviteId), eq(caseInvites.caseId, caseId)));
	if (!row) throw new Problem(404, 'not_found');
	if (row.link.usedAt !== null) throw new Problem(410, 'link_used');
	if (row.link.revokedAt !== null) return;
	await tx.update(links).set({ revokedAt: now }).where(eq(links.id, inviteId));
	// Nobody can use the secret any more: its envelope goes (crypto-shredding its wraps).
	await dropSecretIn(tx, caseId, inviteId);
	await auditIn(
		tx,
		{ actorId, action: 'invite.revoked', objectType: 'link', objectId: inviteId, caseId },
		now
	);
}

export async function revokeCaseInvite(
	actorId: string,
	caseId: string,
	inviteId: string,
	now = Date.now()
) {
	await write(async (tx) => {
		await facilitatorAccess(actorId, caseId, tx);
		await revokeIn(tx, actorId, caseId, inviteId, now);
	});
}

export type InviteStatus = 'waiting' | 'used' | 'expired' | 'withdrawn';

export async function listCaseInvites(actorId: string, caseId: string, now = Date.now()) {
	await facilitatorAccess(actorId, caseId);
	const rows = await getDb()
		.select({
			id: links.id,
			role: caseInvites.role,
			supports: caseInvites.supports,
			createdAt: links.createdAt,
			expiresAt: links.expiresAt,
			usedAt: links.usedAt,
			revokedAt: links.revokedAt,
			createdBy: links.createdBy,
			joinedId: links.userId
		})
		.from(caseInvites)
		.innerJoin(links, eq(links.id, caseInvites.linkId))
		.where(eq(caseInvites.caseId, caseId))
		.orderBy(desc(links.createdAt))
		.limit(200);
	return rows.map((r) => withInviteStatus(r, now));
}

type InviteTimes = { expiresAt: number; usedAt: number | null; revokedAt: number | null };

/** An invite's state at `now`, from its link's times. */
export function withInviteStatus<T extends InviteTimes>(r: T, now: number) {
	const status: InviteStatus =
		r.usedAt !== null
			? 'used'
			: r.revokedAt !== null
				? 'withdrawn'
				: now >= r.expiresAt
					? 'expired'
					: 'waiting';
	return { ...r, status };
}

/**
 * What the invite page shows before anyone joins: the case reference, the role, who invited
 * them (with their public keys, to check against the fingerprint in the link). The token is
 * the authorization; an unusable link says why.
 */
export async function findCaseInvite(token: string, viewer: SessionUser | null, now = Date.now()) {
	if (!v.is(linkToken, token)) throw new Problem(404, 'link_not_found');
	const db = getDb();
	const [row] = await db
		.select({ link: links, invite: caseInvites, ref: cases.ref })
		.from(links)
		.innerJoin(caseInvites, eq(caseInvites.linkId, links.id))
		.innerJoin(cases, eq(cases.id, caseInvites.caseId))
		.where(eq(links.tokenHash, hashToken(token)));
	if (!row) throw new Problem(404, 'link_not_found');
	checkLink(row.link, 'case', now);
	// Claimed by an account made through this link: only that account may finish joining.
	// A signed-out visitor still sees the page (to sign in); the claim is checked on joining.
	if (row.link.userId && viewer && row.link.userId !== viewer.id) {
		throw new Problem(410, 'link_used');
	}
	const [inviter] = await db
		.select({
			userId: users.id,
			displayName: caseMembers.displayName,
			keyVersion: identities.keyVersion,
			boxPk: identities.boxPk,
			signPk: identities.signPk
		})
		.from(users)
		.innerJoin(identities, eq(identities.userId, users.id))
		.innerJoin(
			caseMembers,
			and(eq(caseMembers.userId, users.id), eq(caseMembers.caseId, row.invite.caseId))
		)
		.where(eq(users.id, row.link.createdBy ?? ''));
	if (!inviter) throw new Problem(410, 'link_revoked');
	const [supported] = row.invite.supports
		? await db
				.select({ name: caseMembers.displayName })
				.from(caseMembers)
				.where(
					and(
						eq(caseMembers.caseId, row.invite.caseId),
						eq(caseMembers.userId, row.invite.supports)
					)
				)
		: [];
	return {
		inviteId: row.link.id,
		caseId: row.invite.caseId,
		ref: row.ref,
		role: row.invite.role,
		supports: row.invite.supports,
		supportsName: supported?.name ?? null,
		inviter,
		claimedBy: row.link.userId
	};
}

/**
 * The signed-in joiner redeems the invite with their fingerprint and tag. The server lets them
 * in at once and leaves the log entry pending for the next facilitator browser, which checks
 * the tag against the secret before signing.
 */
export async function joinCase(
	user: SessionUser,
	token: string,
	body: { fp: string; tag: string; displayName: string },
	now = Date.now()
) {
	const invite = await findCaseInvite(token, user, now);
	if (invite.role === 'facilitator' && !user.orgRole) throw new Problem(403, 'invite_role');
	return write(async (tx) => {
		const [link] = await tx.select().from(links).where(eq(links.id, invite.inviteId));
		checkLink(link, 'case', now);
		await checkOpen(tx, invite.caseId);
		const [identity] = await tx
			.select({ userId: identities.userId })
			.from(identities)
			.where(eq(identities.userId, user.id));
		if (!identity) throw new Problem(409, 'keys_missing');
		const [existing] = await tx
			.select({ status: caseMembers.status })
			.from(caseMembers)
			.where(and(eq(caseMembers.caseId, invite.caseId), eq(caseMembers.userId, user.id)));
		if (existing && (existing.status === 'active' || existing.status === 'paused')) {
			throw new Problem(409, 'already_member');
		}
		const values = {
			role: invite.role,
			supports: invite.supports,
			displayName: body.displayName,
			fp: body.fp,
			status: 'active' as const,
			joinedAt: now,
			statusAt: now
		};
		if (existing) {
			await tx
				.update(caseMembers)
				.set(values)
				.where(and(eq(caseMembers.caseId, invite.caseId), eq(caseMembers.userId, user.id)));
		} else {
			await tx.insert(caseMembers).values({ caseId: invite.caseId, userId: user.id, ...values });
		}
		await tx
			.update(links)
			.set({ usedAt: now, userId: user.id })
			.where(eq(links.id, invite.inviteId));
		await addPendingIn(
			tx,
			invite.caseId,
			{
				op: 'add',
				subject: { userId: user.id, fp: body.fp },
				role: invite.role,
				supports: values.supports,
				invite: { inviteId: invite.inviteId, tag: body.tag }
			},
			now
		);
		await tx.insert(caseEvents).values({
			caseId: invite.caseId,
			at: now,
			actorId: user.id,
			kind: 'member',
			value: `${user.id} joined`
		});
		await auditIn(
			tx,
			{
				actorId: user.id,
				action: 'invite.used',
				objectType: 'link',
				objectId: invite.inviteId,
				caseId: invite.caseId
			},
			now
		);
		return { caseId: invite.caseId };
	});
}

/** Registering through a case invite claims it for the new account, which then joins. */
export async function claimCaseLinkIn(tx: Tx, linkId: string, userId: string, now: number) {
	const [link] = await tx.select().from(links).where(eq(links.id, linkId));
	checkLink(link, 'case', now);
	if (link!.userId !== null) throw new Problem(410, 'link_used');
	await tx.update(links).set({ userId }).where(eq(links.id, linkId));
}
