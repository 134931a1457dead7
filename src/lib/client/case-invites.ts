import { fromBase64url, toBase64url, wipe } from '$lib/crypto/bytes';
import { fingerprint, type Identity, publicFromJson } from '$lib/crypto/identity';
import {
	checkInviterPin,
	formatInviteFragment,
	joinTag,
	newInviteSecret,
	parseInviteFragment,
	type InviteRecord
} from '$lib/crypto/invite';
import type { CaseRole } from '$lib/crypto/members';
import { checkPin, pin } from '$lib/crypto/personal-state';
import { randomId } from '$lib/crypto/primitives';
import { deleteJson, postJson } from './http';
import { loadPersonalState, updatePersonalState } from './personal-state';
import { myFp, type CaseContext } from './case-log';
import {
	fromJsonBody,
	getCaseObject,
	jsonBody,
	logFacilitators,
	readCaseObject,
	sealCaseObject
} from './case-objects';

/**
 * Case invites (DESIGN §4): the secret is made in the inviting browser and kept for the case's
 * facilitators; the link carries it after the `#`, which browsers never send to the server.
 */

export const inviteObjectId = (inviteId: string) => `inv-${inviteId}`;

type RecordJson = {
	inviteId: string;
	secret: string;
	role: CaseRole;
	supports: string | null;
	logSeq: number;
};

/** The record the inviting browser keeps for the facilitators (crypto/invite.ts). */
export async function loadInviteRecord(
	ctx: CaseContext,
	inviteId: string
): Promise<InviteRecord | null> {
	const row = await getCaseObject(ctx.caseId, inviteObjectId(inviteId), 1);
	if (!row) return null;
	return readCaseObject(ctx, row, (body) => {
		if (!body) return null;
		const o = fromJsonBody(body) as RecordJson;
		wipe(body);
		if (o.inviteId !== inviteId) return null;
		return { ...o, secret: fromBase64url(o.secret) };
	});
}

/**
 * A new invite: the secret is made here and kept for the case's facilitators in an envelope;
 * the server gets the role and that envelope. The link carries the secret and my fingerprint
 * after the `#`, which browsers never send.
 */
export async function createInvite(
	ctx: CaseContext,
	role: CaseRole,
	supports: string | null,
	replaces: string | null = null
) {
	const inviteId = randomId();
	const secret = newInviteSecret();
	try {
		const record: RecordJson = {
			inviteId,
			secret: toBase64url(secret),
			role,
			supports,
			logSeq: ctx.membership.headSeq
		};
		const { json } = await sealCaseObject(ctx, {
			kind: 'invite-secret',
			objectId: inviteObjectId(inviteId),
			prev: null,
			body: jsonBody(record),
			readers: logFacilitators(ctx)
		});
		const made = await postJson<{ path: string; expiresAt: number }>(
			`/api/cases/${ctx.caseId}/invites`,
			{ inviteId, role, supports, secret: json, replaces }
		);
		const fragment = formatInviteFragment(secret, myFp(ctx.me));
		return { url: `${location.origin}${made.path}#${fragment}`, expiresAt: made.expiresAt };
	} finally {
		wipe(secret);
	}
}

export async function withdrawInvite(caseId: string, inviteId: string) {
	await deleteJson(`/api/cases/${caseId}/invites/${inviteId}`);
}

export type InviteInfo = {
	inviteId: string;
	caseId: string;
	role: CaseRole;
	inviter: { userId: string; keyVersion: number; boxPk: string; signPk: string };
};

export class InviterChanged extends Error {}

/**
 * Accepts an invite as the signed-in person: checks the inviter's keys against the link, proves
 * which keys redeem it with the tag, then pins the inviter so my browser can later check that
 * the log adds me under someone I trusted.
 */
export async function joinWithInvite(
	me: Identity,
	token: string,
	fragment: string,
	invite: InviteInfo,
	displayName: string
) {
	const { secret, inviterFp } = parseInviteFragment(fragment);
	try {
		checkInviterPin(inviterFp, publicFromJson(invite.inviter.userId, invite.inviter));
		const state = await loadPersonalState(me);
		if (checkPin(state, invite.inviter.userId, inviterFp) === 'changed-verified') {
			throw new InviterChanged();
		}
		const fp = fingerprint(me.signPk, me.boxPk);
		const tag = await joinTag(secret, {
			inviteId: invite.inviteId,
			caseId: invite.caseId,
			role: invite.role,
			joinerUserId: me.userId,
			joinerFp: fp
		});
		await postJson(`/api/join/${token}`, {
			fp: toBase64url(fp),
			tag: toBase64url(tag),
			displayName
		});
		await updatePersonalState(me, (s) => pin(s, invite.inviter.userId, inviterFp, Date.now()));
	} finally {
		wipe(secret);
	}
}
