import * as v from 'valibot';
import { and, desc, eq, lt } from 'drizzle-orm';
import { getDb, write, type Tx } from './db';
import { links, users, type Link } from './db/schema';
import { generateId, generateToken, hashToken } from './auth/tokens';
import { auditIn } from './audit';
import { Problem } from './problem';
import { linkToken } from './validation/webauthn';
import { saveHandoverIn } from './keys';
import { DAY, retentionPolicy } from './retention';
import type { HandoverWrap } from './validation/keys';

export type LinkKind = Link['kind'];

const HOUR = 3_600_000;
// Invites (facilitator, case) follow the retention policy's window instead; these are the defaults.
export const LINK_LIFETIME_MS: Record<LinkKind, number> = {
	setup: 24 * HOUR,
	facilitator: 7 * 24 * HOUR,
	// Long enough to pick up another device, short enough that a forgotten link is harmless.
	device: 15 * 60_000,
	case: 7 * 24 * HOUR
};

export const LINK_PATH: Record<LinkKind, string> = {
	setup: '/setup/',
	facilitator: '/join/',
	device: '/devices/add/',
	case: '/join/'
};

export async function insertLink(
	tx: Tx,
	kind: LinkKind,
	createdBy: string | null,
	userId: string | null,
	now: number,
	id = generateId()
) {
	const token = generateToken(20);
	// An invite lives as long as the retention policy keeps an unused invite.
	const lifetime =
		kind === 'facilitator' || kind === 'case'
			? (await retentionPolicy(tx)).inviteDays * DAY
			: LINK_LIFETIME_MS[kind];
	const expiresAt = now + lifetime;
	await tx.insert(links).values({
		id,
		tokenHash: hashToken(token),
		kind,
		createdBy,
		userId,
		createdAt: now,
		expiresAt
	});
	return { id, token, path: LINK_PATH[kind] + token, expiresAt };
}

/** At first start: a one-time setup link for the first admin, or null once an admin exists. */
export async function createSetupLinkIfNeeded(now = Date.now()) {
	return write(async (tx) => {
		const [admin] = await tx.select({ id: users.id }).from(users).where(eq(users.orgRole, 'admin'));
		if (admin) return null;
		return insertLink(tx, 'setup', null, null, now);
	});
}

export async function createFacilitatorInvite(adminId: string, now = Date.now()) {
	return write(async (tx) => {
		const link = await insertLink(tx, 'facilitator', adminId, null, now);
		await auditIn(
			tx,
			{ actorId: adminId, action: 'invite.created', objectType: 'link', objectId: link.id },
			now
		);
		return link;
	});
}

/**
 * An add-a-passkey link for `userId`. Made by the person themselves, with their key bundle
 * sealed under the link's fragment secret; or by an admin after every passkey was lost, with
 * nothing sealed (the recovery code then restores the keys).
 */
export async function createDeviceLink(
	userId: string,
	options: { createdBy?: string; handover?: HandoverWrap | null } = {},
	now = Date.now()
) {
	const createdBy = options.createdBy ?? userId;
	return write(async (tx) => {
		const link = await insertLink(tx, 'device', createdBy, userId, now);
		if (options.handover) await saveHandoverIn(tx, link.id, options.handover, link.expiresAt);
		const action = createdBy === userId ? 'device_link.created' : 'recovery_link.created';
		await auditIn(tx, { actorId: createdBy, action, objectType: 'link', objectId: link.id }, now);
		return link;
	});
}

/**
 * After someone lost every passkey: an admin makes them an add-a-passkey link. It carries no
 * keys; the person's recovery code opens their keys again on the new passkey.
 */
export async function createRecoveryLink(adminId: string, userId: string, now = Date.now()) {
	if (adminId === userId) throw new Problem(409, 'cannot_recover_self');
	const [user] = await getDb().select().from(users).where(eq(users.id, userId));
	if (!user || user.status !== 'active') throw new Problem(404, 'person_not_found');
	return createDeviceLink(userId, { createdBy: adminId }, now);
}

/** Checks a link without using it up; the problem says why it cannot be used. */
export function checkLink(link: Link | undefined, kind: LinkKind, now = Date.now()): Link {
	if (!link || link.kind !== kind) throw new Problem(404, 'link_not_found');
	if (link.revokedAt !== null) throw new Problem(410, 'link_revoked');
	if (link.usedAt !== null) throw new Problem(410, 'link_used');
	if (now >= link.expiresAt) throw new Problem(410, 'link_expired');
	return link;
}

/** Finds a usable link from its token as it came in a URL; a malformed token is "not found". */
export async function findLink(kind: LinkKind, token: string, now = Date.now()) {
	if (!v.is(linkToken, token)) throw new Problem(404, 'link_not_found');
	const [link] = await getDb()
		.select()
		.from(links)
		.where(eq(links.tokenHash, hashToken(token)));
	const usable = checkLink(link, kind, now);
	// Each instance (and each restart) before the first admin prints its own setup link. Once
	// one of them made the admin, the others say so rather than offer a setup that cannot end.
	if (kind === 'setup') {
		const [admin] = await getDb()
			.select({ id: users.id })
			.from(users)
			.where(eq(users.orgRole, 'admin'))
			.limit(1);
		if (admin) throw new Problem(410, 'setup_done');
	}
	return usable;
}

/** Uses up a link inside the transaction that creates what it was for. */
export async function consumeLinkIn(
	tx: Tx,
	linkId: string,
	kind: LinkKind,
	userId: string,
	now: number
) {
	const [link] = await tx.select().from(links).where(eq(links.id, linkId));
	checkLink(link, kind, now);
	await tx.update(links).set({ usedAt: now, userId }).where(eq(links.id, linkId));
}

export async function listFacilitatorInvites() {
	return getDb()
		.select({
			id: links.id,
			createdAt: links.createdAt,
			expiresAt: links.expiresAt,
			usedAt: links.usedAt,
			revokedAt: links.revokedAt,
			joinedName: users.displayName
		})
		.from(links)
		.leftJoin(users, eq(users.id, links.userId))
		.where(eq(links.kind, 'facilitator'))
		.orderBy(desc(links.createdAt))
		.limit(100);
}

export async function revokeFacilitatorInvite(adminId: string, linkId: string, now = Date.now()) {
	await write(async (tx) => {
		const [link] = await tx
			.select()
			.from(links)
			.where(and(eq(links.id, linkId), eq(links.kind, 'facilitator')));
		checkLink(link, 'facilitator', now);
		await tx.update(links).set({ revokedAt: now }).where(eq(links.id, linkId));
		await auditIn(
			tx,
			{ actorId: adminId, action: 'invite.revoked', objectType: 'link', objectId: linkId },
			now
		);
	});
}

/** Links past their expiry, used or not, are deleted. */
export async function deleteExpiredLinks(now = Date.now()) {
	await write((tx) => tx.delete(links).where(lt(links.expiresAt, now)));
}
