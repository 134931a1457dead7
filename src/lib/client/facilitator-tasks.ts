import { wipe } from '$lib/crypto/bytes';
import { entryToJson } from '$lib/crypto/case-log-json';
import { completePending, pendingFromJson } from '$lib/crypto/case-log-pending';
import { CryptoError } from '$lib/crypto/errors';
import type { InviteRecord } from '$lib/crypto/invite';
import { postJson } from './http';
import { raiseHeads, type CaseContext } from './case-log';
import { shareWithFacilitators } from './case-objects';
import { loadInviteRecord } from './case-invites';

/**
 * What a facilitator's browser does when it opens a case: sign the membership changes the
 * server made (checking each joiner's tag), then give any new co-facilitator the facilitators'
 * objects. Loaded only for facilitators.
 */
export async function facilitatorChores(ctx: CaseContext) {
	let current = ctx;
	let refused: Refused[] = [];
	if (ctx.pending.length > 0) {
		const result = await signPendingChanges(ctx, (id) => loadInviteRecord(ctx, id));
		current = result.ctx;
		refused = result.refused;
	}
	await shareWithFacilitators(current);
	return { ctx: current, refused, changed: current.membership.headSeq !== ctx.membership.headSeq };
}

export type Refused = { userId: string; reason: 'tag' | 'no_invite' | 'rules' };

/**
 * Signs the changes the server made (a joiner's add, a removal), in order, after the checks
 * the crypto library makes: an add needs the joiner's tag under the invite's secret. What
 * cannot be signed is reported, never signed anyway.
 */
export async function signPendingChanges(
	ctx: CaseContext,
	inviteRecord: (inviteId: string) => Promise<InviteRecord | null>
): Promise<{ ctx: CaseContext; refused: Refused[] }> {
	let { entries, membership } = ctx;
	const refused: Refused[] = [];
	for (const p of ctx.pending) {
		const change = pendingFromJson(p.change);
		if (change.op === 'role') continue;
		const invite = change.invite ? await inviteRecord(change.invite.inviteId) : undefined;
		if (change.op === 'add' && !invite) {
			refused.push({ userId: change.subject.userId, reason: 'no_invite' });
			continue;
		}
		let step;
		try {
			step = await completePending(membership, entries, ctx.me, change, {
				createdAt: Date.now(),
				invite: invite ?? undefined
			});
		} catch (e) {
			if (!(e instanceof CryptoError)) throw e;
			const reason = e.code === 'bad_mac' || e.code === 'bad_invite' ? 'tag' : 'rules';
			refused.push({ userId: change.subject.userId, reason });
			continue;
		} finally {
			if (invite) wipe(invite.secret);
		}
		await postJson(`/api/cases/${ctx.caseId}/log`, {
			pendingId: p.id,
			entry: entryToJson(step.entry)
		});
		entries = step.entries;
		membership = step.membership;
	}
	await raiseHeads(ctx.me, new Map([[ctx.caseId, membership]]));
	const signed = new Set(entries.slice(ctx.entries.length).map((e) => e.subject.userId));
	const pending = ctx.pending.filter((p) => !signed.has(p.change.subject.userId));
	return { ctx: { ...ctx, entries, membership, pending }, refused };
}
