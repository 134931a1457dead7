import { describe, expect, test } from 'vitest';
import { entryHash, type CaseLogEntry, type LogSubject } from './case-log-entry';
import { entryFromJson, entryToJson, type CaseLogEntryJson } from './case-log-json';
import {
	acceptAsJoiner,
	appendEntry,
	createCaseLog,
	validateLog,
	type LogChange,
	type LogMark,
	type LogStep
} from './case-log';
import {
	compareWithServer,
	completePending,
	pendingFromJson,
	pendingToJson,
	type PendingChange,
	type PendingChangeJson
} from './case-log-pending';
import { codeOf, CONTEXT, forge, people, subjectOf, T0 } from './case-log.fixtures';
import { publicOf, type Identity, type PublicIdentity } from './identity';
import {
	checkInviterPin,
	formatInviteFragment,
	joinTag,
	newInviteSecret,
	parseInviteFragment,
	type InviteRecord
} from './invite';
import type { CaseRole, Membership } from './members';
import { circleCode } from './safety-number';

/**
 * A malicious server: it holds the directory, the member tables, the log and the pending
 * changes, and serves whatever it wants. Honest client code (the functions under test) must
 * notice every lie below. Each test starts a fresh server with ana as the case's facilitator.
 */
const { ana, ben, sam, rio, mal } = people;
const { deploymentId, caseId } = CONTEXT;

function maliciousServer() {
	const directory = new Map<string, PublicIdentity>();
	const log: CaseLogEntryJson[] = [];
	const tables = new Map<string, CaseRole>();
	const pending: PendingChangeJson[] = [];
	return {
		directory,
		log,
		tables,
		pending,
		register: (...ids: Identity[]) => ids.forEach((id) => directory.set(id.userId, publicOf(id))),
		lookup: (userId: string) => directory.get(userId),
		/** An honest store: append the entry and mirror it in the tables. */
		post(entry: CaseLogEntry) {
			log.push(entryToJson(entry));
			if (entry.op === 'remove') tables.delete(entry.subject.userId);
			else tables.set(entry.subject.userId, entry.role);
		}
	};
}
type Server = ReturnType<typeof maliciousServer>;

/** What every browser does on opening a case: parse what it is served and validate it. */
async function openCase(server: Server, served: unknown[] = server.log, known?: LogMark) {
	const entries = served.map((j) => entryFromJson(j, CONTEXT));
	const membership = await validateLog(entries, { ...CONTEXT, directory: server.lookup, known });
	return { entries, membership };
}

async function setUp() {
	const server = maliciousServer();
	server.register(ana, ben, sam, rio, mal);
	let s: LogStep = await createCaseLog(ana, { ...CONTEXT, createdAt: T0 });
	server.post(s.entry);
	s = await appendEntry(s.membership, s.entries, ana, change('add', ben, 'facilitator', 1));
	server.post(s.entry);
	return { server, step: s };
}

const change = (op: LogChange['op'], who: Identity, role: CaseRole, at: number): LogChange => ({
	op,
	subject: subjectOf(who),
	role,
	supports: null,
	createdAt: T0 + at
});
const pendingOf = (
	op: PendingChange['op'],
	subject: LogSubject,
	role: CaseRole,
	invite: PendingChange['invite'] = null
): PendingChange => ({ op, subject, role, supports: null, invite });

const facilitatorsOf = (m: Membership) =>
	[...m.membersAt().values()].filter((x) => x.role === 'facilitator').map((x) => x.userId);

async function inviteSam(server: Server, s: LogStep) {
	const record: InviteRecord = {
		inviteId: 'inv-1',
		secret: newInviteSecret(),
		role: 'survivor',
		supports: null,
		logSeq: s.membership.headSeq
	};
	const link = `/join/tok#${formatInviteFragment(record.secret, subjectOf(ana).fp)}`;
	// The joiner's browser: pin the inviter from the fragment, check the server's copy, tag.
	const fragment = parseInviteFragment(link.slice(link.indexOf('#')));
	checkInviterPin(fragment.inviterFp, server.lookup('ana')!);
	const fields = { inviteId: 'inv-1', caseId, role: record.role, joinerUserId: 'sam' };
	const tag = await joinTag(fragment.secret, { ...fields, joinerFp: subjectOf(sam).fp });
	return { record, fragment, tag };
}

describe('a malicious server', () => {
	test('(a) swaps the joiner’s keys in the pending add: the facilitator’s HMAC check fails', async () => {
		const { server, step: s } = await setUp();
		const { record, tag } = await inviteSam(server, s);
		// The server records the redemption with keys it controls, and serves them as sam's.
		server.directory.set('sam', { ...publicOf(mal), userId: 'sam' });
		server.pending.push(
			pendingToJson(
				pendingOf('add', { userId: 'sam', fp: subjectOf(mal).fp }, 'survivor', {
					inviteId: 'inv-1',
					tag
				})
			)
		);
		server.tables.set('sam', 'survivor');

		const { entries, membership } = await openCase(server);
		const pending = pendingFromJson(server.pending[0]);
		const run = () =>
			completePending(membership, entries, ana, pending, { createdAt: T0 + 5, invite: record });
		expect(await codeOf(run)).toBe('bad_mac');
		expect(membership.membersAt().has('sam')).toBe(false);
	});

	test('(a) with the joiner’s real keys, the same flow adds them and the joiner accepts', async () => {
		const { server, step: s } = await setUp();
		const { record, fragment, tag } = await inviteSam(server, s);
		const pending = pendingOf('add', subjectOf(sam), 'survivor', { inviteId: 'inv-1', tag });
		const done = await completePending(s.membership, s.entries, ana, pending, {
			createdAt: T0 + 5,
			invite: record
		});
		server.post(done.entry);
		const seen = await openCase(server);
		const me = subjectOf(sam);
		const accepted = acceptAsJoiner(seen.membership, seen.entries, {
			me,
			pinnedInviterFp: fragment.inviterFp
		});
		expect(accepted.member.role).toBe('survivor');
	});

	test('(a) swaps the inviter’s keys shown to the joiner: the pin stops the joiner', async () => {
		const { server, step: s } = await setUp();
		const real = formatInviteFragment(newInviteSecret(), subjectOf(ana).fp);
		server.directory.set('ana', { ...publicOf(mal), userId: 'ana' });
		const fragment = parseInviteFragment(real);
		expect(await codeOf(() => checkInviterPin(fragment.inviterFp, server.lookup('ana')!))).toBe(
			'fingerprint_mismatch'
		);

		// Even a whole log forged under the swapped keys does not fool acceptAsJoiner.
		const fakeAna: Identity = { ...mal, userId: 'ana' };
		let f = await createCaseLog(fakeAna, { ...CONTEXT, createdAt: T0 });
		f = await appendEntry(f.membership, f.entries, fakeAna, change('add', sam, 'survivor', 1));
		const forged = await openCase(server, f.entries.map(entryToJson));
		const me = subjectOf(sam);
		const accept = () =>
			acceptAsJoiner(forged.membership, forged.entries, {
				me,
				pinnedInviterFp: fragment.inviterFp
			});
		expect(await codeOf(accept)).toBe('fingerprint_mismatch');
		expect(s.membership.headSeq).toBe(1);
	});

	test('(b) lists a ghost member: flagged, and never among the readers', async () => {
		const { server } = await setUp();
		server.tables.set('mal', 'facilitator');
		const { entries, membership } = await openCase(server);
		const serverMembers = [...server.tables].map(([userId, role]) => ({ userId, role }));
		expect(compareWithServer(membership, serverMembers, [])).toEqual([
			{ kind: 'ghost', userId: 'mal', serverRole: 'facilitator' }
		]);
		expect(facilitatorsOf(membership)).toEqual(['ana', 'ben']);

		// ana did invite a co-facilitator; the server redeems that invite for its ghost, but
		// without the secret from the link it cannot make the tag...
		const record: InviteRecord = {
			inviteId: 'inv-9',
			secret: newInviteSecret(),
			role: 'facilitator',
			supports: null,
			logSeq: 1
		};
		const forgedTag = { inviteId: 'inv-9', tag: new Uint8Array(32) };
		const pending = pendingOf('add', subjectOf(mal), 'facilitator', forgedTag);
		const options = { createdAt: T0 + 5, invite: record };
		const run = () => completePending(membership, entries, ana, pending, options);
		expect(await codeOf(run)).toBe('bad_mac');
		// ...nor does an entry the ghost signed itself.
		const head = entries.at(-1)!;
		const next = { seq: 2, prev: entryHash(head), op: 'add', subject: subjectOf(rio) } as const;
		const byMal = forge(head, { ...next, role: 'community', supports: null }, mal);
		expect(await codeOf(() => openCase(server, [...server.log, entryToJson(byMal)]))).toBe(
			'bad_log'
		);
	});

	test('(c) withholds a removal: the remover sees a rollback, and circle codes differ', async () => {
		const { server, step: s } = await setUp();
		const withRio = await appendEntry(
			s.membership,
			s.entries,
			ana,
			change('add', rio, 'responsible', 2)
		);
		server.post(withRio.entry);
		const removed = await appendEntry(
			withRio.membership,
			withRio.entries,
			ana,
			change('remove', rio, 'responsible', 3)
		);
		server.post(removed.entry);
		// ana's personal state keeps the head she signed.
		const anaMark = { seq: removed.membership.headSeq, hash: removed.membership.headHash };
		server.log.pop();
		server.tables.set('rio', 'responsible');

		expect(await codeOf(() => openCase(server, server.log, anaMark))).toBe('rolled_back');
		const benView = await openCase(server);
		expect(benView.membership.membersAt().has('rio')).toBe(true);
		expect(circleCode(deploymentId, benView.membership)).not.toBe(
			circleCode(deploymentId, removed.membership)
		);
	});

	test('(d) forks the log: a browser that saw one branch refuses the other', async () => {
		const { server, step: s } = await setUp();
		// Each facilitator appends at seq 2; the server keeps both and shows each their own.
		const branchA = await appendEntry(
			s.membership,
			s.entries,
			ana,
			change('add', sam, 'survivor', 2)
		);
		const branchB = await appendEntry(
			s.membership,
			s.entries,
			ben,
			change('add', mal, 'community', 2)
		);
		const servedA = branchA.entries.map(entryToJson);
		const servedB = branchB.entries.map(entryToJson);
		const a = await openCase(server, servedA);
		const b = await openCase(server, servedB);
		expect(circleCode(deploymentId, a.membership)).not.toBe(circleCode(deploymentId, b.membership));

		const anaMark = { seq: 2, hash: a.membership.headHash };
		expect(await codeOf(() => openCase(server, servedB, anaMark))).toBe('bad_log');
		// Nor can the server splice the other branch's entry on after its own.
		const spliced = [...servedA, entryToJson(branchB.entry)];
		expect(await codeOf(() => openCase(server, spliced))).toBe('bad_log');
	});

	test('serves another case’s log as this one: the signatures do not hold', async () => {
		const { server } = await setUp();
		const other = await createCaseLog(ana, { deploymentId, caseId: 'case-2', createdAt: T0 });
		expect(await codeOf(() => openCase(server, [entryToJson(other.entry)]))).toBe('bad_signature');
	});

	test('injects a promotion as a pending role change: no facilitator browser signs it unasked', async () => {
		const { server } = await setUp();
		const { entries, membership } = await openCase(server);
		const withRio = await appendEntry(membership, entries, ana, change('add', rio, 'community', 2));
		const promote = pendingOf('role', subjectOf(rio), 'facilitator');
		const { membership: m, entries: e } = withRio;
		const run = () => completePending(m, e, ben, promote, { createdAt: T0 + 3 });
		expect(await codeOf(run)).toBe('bad_log');
	});
});
