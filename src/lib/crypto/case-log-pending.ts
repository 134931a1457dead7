import { toBase64url } from './bytes';
import type { CaseLogEntry, CaseLogOp, LogSubject } from './case-log-entry';
import { jsonBytes, jsonId, record } from './case-log-json';
import { appendEntry, type LogStep } from './case-log';
import { fail } from './errors';
import type { Identity } from './identity';
import { checkJoinTag, type InviteRecord } from './invite';
import { CASE_ROLES, type CaseRole, type Membership } from './members';

/**
 * The server's tables act at once (a withdrawn participant is refused immediately) and leave a
 * *pending* change for the next facilitator browser to sign. Nothing the server says is
 * trusted: an add needs the joiner's invite tag, a role change needs a facilitator's explicit
 * approval, and only a removal — which can only narrow who reads — is signed as it comes.
 */
export type PendingChange = {
	op: Exclude<CaseLogOp, 'create'>;
	subject: LogSubject;
	role: CaseRole;
	supports: string | null;
	/** For an add: the invite redeemed and the joiner's tag (invite.ts `joinTag`). */
	invite: { inviteId: string; tag: Uint8Array } | null;
};

export type PendingChangeJson = {
	op: PendingChange['op'];
	subject: { userId: string; fp: string };
	role: CaseRole;
	supports: string | null;
	invite: { inviteId: string; tag: string } | null;
};

export type Discrepancy =
	| { kind: 'ghost'; userId: string; serverRole: CaseRole }
	| { kind: 'missing'; userId: string; logRole: CaseRole }
	| { kind: 'role'; userId: string; logRole: CaseRole; serverRole: CaseRole };

export async function completePending(
	membership: Membership,
	entries: readonly CaseLogEntry[],
	signer: Identity,
	pending: PendingChange,
	options: { createdAt: number; invite?: InviteRecord; approved?: boolean }
): Promise<LogStep> {
	const { op, subject, role, supports } = pending;
	if (op === 'add') {
		const invite = options.invite;
		if (!invite || !pending.invite || pending.invite.inviteId !== invite.inviteId) {
			fail('bad_invite', 'no invite for this add');
		}
		if (role !== invite.role || supports !== invite.supports) fail('bad_invite', 'not as invited');
		// One invite, one add: a replayed tag must not bring back someone removed since.
		const used = entries.some(
			(e) => e.seq > invite.logSeq && e.op === 'add' && e.subject.userId === subject.userId
		);
		if (used) fail('bad_invite', 'invite already used');
		const fields = {
			inviteId: invite.inviteId,
			caseId: membership.caseId,
			role,
			joinerUserId: subject.userId,
			joinerFp: subject.fp
		};
		await checkJoinTag(invite.secret, fields, pending.invite.tag);
	}
	if (op === 'role' && options.approved !== true) fail('bad_log', 'role change not approved');
	const change = { op, subject, role, supports, createdAt: options.createdAt };
	return appendEntry(membership, entries, signer, change);
}

/** Where the server's tables and the validated log disagree, less what pending changes explain. */
export function compareWithServer(
	membership: Membership,
	serverMembers: readonly { userId: string; role: CaseRole }[],
	pending: readonly PendingChange[]
): Discrepancy[] {
	const log = membership.membersAt();
	const server = new Map(serverMembers.map((m) => [m.userId, m.role]));
	const explained = (op: PendingChange['op'], userId: string, role?: CaseRole) =>
		pending.some((p) => p.op === op && p.subject.userId === userId && (!role || p.role === role));
	const out: Discrepancy[] = [];
	for (const [userId, serverRole] of server) {
		const m = log.get(userId);
		if (!m) {
			if (!explained('add', userId, serverRole)) out.push({ kind: 'ghost', userId, serverRole });
		} else if (m.role !== serverRole && !explained('role', userId, serverRole)) {
			out.push({ kind: 'role', userId, logRole: m.role, serverRole });
		}
	}
	for (const m of log.values()) {
		if (!server.has(m.userId) && !explained('remove', m.userId)) {
			out.push({ kind: 'missing', userId: m.userId, logRole: m.role });
		}
	}
	return out;
}

export function pendingToJson(p: PendingChange): PendingChangeJson {
	return {
		op: p.op,
		subject: { userId: p.subject.userId, fp: toBase64url(p.subject.fp) },
		role: p.role,
		supports: p.supports,
		invite: p.invite && { inviteId: p.invite.inviteId, tag: toBase64url(p.invite.tag) }
	};
}

export function pendingFromJson(json: unknown): PendingChange {
	const o = record(json, ['op', 'subject', 'role', 'supports', 'invite']);
	const subject = record(o.subject, ['userId', 'fp']);
	if (o.op !== 'add' && o.op !== 'remove' && o.op !== 'role') fail('bad_encoding', 'op');
	if (!CASE_ROLES.includes(o.role as CaseRole)) fail('bad_encoding', 'role');
	const fp = jsonBytes(subject.fp);
	if (fp.length !== 32) fail('bad_length', 'fp');
	let invite: PendingChange['invite'] = null;
	if (o.invite !== null) {
		const i = record(o.invite, ['inviteId', 'tag']);
		invite = { inviteId: jsonId(i.inviteId), tag: jsonBytes(i.tag) };
		if (invite.tag.length !== 32) fail('bad_length', 'tag');
	}
	return {
		op: o.op,
		subject: { userId: jsonId(subject.userId), fp },
		role: o.role as CaseRole,
		supports: o.supports === null ? null : jsonId(o.supports),
		invite
	};
}
