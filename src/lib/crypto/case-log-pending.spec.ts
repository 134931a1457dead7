import { beforeAll, describe, expect, test } from 'vitest';
import { toBase64url } from './bytes';
import { validateLog, type LogStep } from './case-log';
import {
	compareWithServer,
	completePending,
	pendingFromJson,
	pendingToJson,
	type PendingChange
} from './case-log-pending';
import {
	codeOf,
	CONTEXT,
	everyone,
	people,
	standardLog,
	step,
	subjectOf,
	T0
} from './case-log.fixtures';
import type { Identity } from './identity';
import { joinTag, type InviteRecord } from './invite';
import type { CaseRole } from './members';

const { ben, sam, rio, kit, mal } = people;
const secret = new Uint8Array(32).fill(9);

let log: LogStep;
beforeAll(async () => {
	log = await standardLog();
});

function inviteFor(role: CaseRole, supports: string | null = null): InviteRecord {
	return { inviteId: 'inv-1', secret, role, supports, logSeq: log.membership.headSeq };
}

/** What the joiner's browser sends and the server records. */
async function redeem(invite: InviteRecord, joiner: Identity): Promise<PendingChange> {
	const subject = subjectOf(joiner);
	const tag = await joinTag(invite.secret, {
		inviteId: invite.inviteId,
		caseId: CONTEXT.caseId,
		role: invite.role,
		joinerUserId: joiner.userId,
		joinerFp: subject.fp
	});
	const { role, supports } = invite;
	return { op: 'add', subject, role, supports, invite: { inviteId: invite.inviteId, tag } };
}

const complete = (from: LogStep, pending: PendingChange, options: object = {}, by = ben) =>
	completePending(from.membership, from.entries, by, pending, { createdAt: T0 + 99, ...options });

describe('completePending: an add through an invite', () => {
	test('signs the add when the joiner’s tag checks out', async () => {
		const invite = inviteFor('supporter', 'rio');
		const s = await complete(log, await redeem(invite, mal), { invite });
		expect(s.entry).toMatchObject({ op: 'add', role: 'supporter', supports: 'rio', signer: 'ben' });
		const m = await validateLog(s.entries, { ...CONTEXT, directory: everyone });
		expect(m.membersAt().get('mal')?.fp).toEqual(subjectOf(mal).fp);
	});

	test('refuses a joiner whose keys the server swapped (bad_mac)', async () => {
		const invite = inviteFor('community');
		const pending = await redeem(invite, mal);
		const swapped = { ...pending, subject: { userId: 'mal', fp: subjectOf(rio).fp } };
		expect(await codeOf(() => complete(log, swapped, { invite }))).toBe('bad_mac');
		const renamed = { ...pending, subject: { ...pending.subject, userId: 'zoe' } };
		expect(await codeOf(() => complete(log, renamed, { invite }))).toBe('bad_mac');
	});

	test('refuses an add that is not what the facilitator invited (bad_invite)', async () => {
		const invite = inviteFor('community');
		const pending = await redeem(invite, mal);
		const cases: [PendingChange, object][] = [
			[{ ...pending, role: 'facilitator' }, { invite }],
			[{ ...pending, role: 'supporter', supports: 'sam' }, { invite }],
			[{ ...pending, invite: null }, { invite }],
			[pending, {}],
			[pending, { invite: { ...invite, inviteId: 'inv-2' } }]
		];
		for (const [p, options] of cases)
			expect(await codeOf(() => complete(log, p, options))).toBe('bad_invite');
	});

	test('refuses to replay a used invite to bring back someone removed since', async () => {
		const invite = inviteFor('community');
		const pending = await redeem(invite, mal);
		const added = await complete(log, pending, { invite });
		const removed = await step(added, 'remove', mal, 'community');
		expect(await codeOf(() => complete(removed, pending, { invite }))).toBe('bad_invite');
	});

	test('still applies the log rules: an add of a current member is refused', async () => {
		const invite = inviteFor('community');
		const pending = await redeem(invite, sam);
		expect(await codeOf(() => complete(log, pending, { invite }))).toBe('bad_log');
	});

	test('only a facilitator can complete it', async () => {
		const invite = inviteFor('community');
		const pending = await redeem(invite, mal);
		expect(await codeOf(() => complete(log, pending, { invite }, sam))).toBe('not_a_member');
	});
});

describe('completePending: removals and role changes', () => {
	const removal = (
		who: Identity,
		role: CaseRole,
		supports: string | null = null
	): PendingChange => ({
		op: 'remove',
		subject: subjectOf(who),
		role,
		supports,
		invite: null
	});

	test('signs a removal as it comes: it can only narrow who reads', async () => {
		const s = await complete(log, removal(kit, 'supporter', 'sam'));
		expect(s.membership.membersAt().has('kit')).toBe(false);
	});

	test('refuses a removal that names other keys than the log binds', async () => {
		const wrong = {
			...removal(sam, 'survivor'),
			subject: { userId: 'sam', fp: subjectOf(mal).fp }
		};
		expect(await codeOf(() => complete(log, wrong))).toBe('bad_log');
	});

	test('signs a role change only with the facilitator’s explicit approval', async () => {
		const promote: PendingChange = {
			op: 'role',
			subject: subjectOf(rio),
			role: 'facilitator',
			supports: null,
			invite: null
		};
		expect(await codeOf(() => complete(log, promote))).toBe('bad_log');
		const s = await complete(log, promote, { approved: true });
		expect(s.membership.membersAt().get('rio')?.role).toBe('facilitator');
	});
});

describe('compareWithServer', () => {
	const server = [
		{ userId: 'ana', role: 'facilitator' },
		{ userId: 'ben', role: 'facilitator' },
		{ userId: 'sam', role: 'survivor' },
		{ userId: 'rio', role: 'responsible' },
		{ userId: 'kit', role: 'supporter' }
	] as const;

	test('finds nothing when the tables mirror the log', () => {
		expect(compareWithServer(log.membership, server, [])).toEqual([]);
	});

	test('flags a ghost, a missing member and a different role', () => {
		const tables = [
			...server.filter((m) => m.userId !== 'kit'),
			{ userId: 'mal', role: 'facilitator' as const }
		].map((m) => (m.userId === 'rio' ? { ...m, role: 'community' as const } : m));
		expect(compareWithServer(log.membership, tables, [])).toEqual([
			{ kind: 'role', userId: 'rio', logRole: 'responsible', serverRole: 'community' },
			{ kind: 'ghost', userId: 'mal', serverRole: 'facilitator' },
			{ kind: 'missing', userId: 'kit', logRole: 'supporter' }
		]);
	});

	test('pending changes explain a difference only if they match it', () => {
		const tables = [
			...server.filter((m) => m.userId !== 'kit'),
			{ userId: 'mal', role: 'community' as const }
		];
		const pending: PendingChange[] = [
			{ op: 'add', subject: subjectOf(mal), role: 'community', supports: null, invite: null },
			{ op: 'remove', subject: subjectOf(kit), role: 'supporter', supports: 'sam', invite: null }
		];
		expect(compareWithServer(log.membership, tables, pending)).toEqual([]);
		const wrongRole = [{ ...pending[0]!, role: 'facilitator' as const }, pending[1]!];
		expect(compareWithServer(log.membership, tables, wrongRole)).toEqual([
			{ kind: 'ghost', userId: 'mal', serverRole: 'community' }
		]);
	});
});

describe('pending change JSON', () => {
	test('round-trips adds and removals', async () => {
		const add = await redeem(inviteFor('community'), mal);
		const remove: PendingChange = {
			op: 'remove',
			subject: subjectOf(kit),
			role: 'supporter',
			supports: 'sam',
			invite: null
		};
		for (const p of [add, remove]) {
			expect(pendingFromJson(JSON.parse(JSON.stringify(pendingToJson(p))))).toEqual(p);
		}
		expect(pendingToJson(add).invite?.tag).toBe(toBase64url(add.invite!.tag));
	});

	test('refuses malformed records', async () => {
		const good = pendingToJson(await redeem(inviteFor('community'), mal)) as unknown as Record<
			string,
			unknown
		>;
		const bad: [unknown, string][] = [
			[{ ...good, op: 'create' }, 'bad_encoding'],
			[{ ...good, role: 'admin' }, 'bad_encoding'],
			[{ ...good, extra: 1 }, 'bad_encoding'],
			[{ ...good, supports: '' }, 'bad_encoding'],
			[{ ...good, subject: { userId: 'mal', fp: 'AAAA' } }, 'bad_length'],
			[{ ...good, invite: { inviteId: 'inv-1', tag: 'AAAA' } }, 'bad_length'],
			[{ ...good, invite: { inviteId: 'inv-1' } }, 'bad_encoding'],
			['add', 'bad_encoding']
		];
		for (const [json, code] of bad) expect(await codeOf(() => pendingFromJson(json))).toBe(code);
	});
});
