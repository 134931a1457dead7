import nacl from 'tweetnacl';
import { beforeAll, describe, expect, test } from 'vitest';
import { toHex } from './bytes';
import { entryHash, entrySigningBytes, type CaseLogEntry } from './case-log-entry';
import {
	acceptAsJoiner,
	appendEntry,
	createCaseLog,
	validateLog,
	type LogChange,
	type LogStep
} from './case-log';
import {
	codeOf,
	CONTEXT,
	directoryOf,
	everyone,
	failureOf,
	forge,
	people,
	fixedIdentity,
	standardLog,
	step,
	subjectOf,
	T0
} from './case-log.fixtures';
import type { Membership } from './members';

const { ana, ben, sam, rio, kit, mal } = people;
const validate = (entries: readonly CaseLogEntry[], extra: object = {}) =>
	validateLog(entries, { ...CONTEXT, directory: everyone, ...extra });
const roles = (m: Membership, seq?: number) =>
	Object.fromEntries(
		[...m.membersAt(seq)].map(([id, x]) => [id, x.supports ? `${x.role}:${x.supports}` : x.role])
	);

let log: LogStep;
beforeAll(async () => {
	log = await standardLog();
});

describe('building and reading a case log', () => {
	test('create makes the signer the only facilitator, bound to their fingerprint', async () => {
		const { entry, membership } = await createCaseLog(ana, { ...CONTEXT, createdAt: T0 });
		expect(entry).toMatchObject({ seq: 0, op: 'create', role: 'facilitator', signer: 'ana' });
		expect(roles(membership)).toEqual({ ana: 'facilitator' });
		expect(membership.membersAt().get('ana')!.fp).toEqual(subjectOf(ana).fp);
		expect(toHex(membership.headHash)).toBe(toHex(entryHash(entry)));
	});

	test('validation agrees with what the builder computed, at every seq', async () => {
		const m = await validate(log.entries);
		expect(m.headSeq).toBe(4);
		expect(toHex(m.headHash)).toBe(toHex(log.membership.headHash));
		for (let s = 0; s <= 4; s++) expect(roles(m, s)).toEqual(roles(log.membership, s));
		expect(roles(m)).toEqual({
			ana: 'facilitator',
			ben: 'facilitator',
			sam: 'survivor',
			rio: 'responsible',
			kit: 'supporter:sam'
		});
		expect(roles(m, 1)).toEqual({ ana: 'facilitator', ben: 'facilitator' });
	});

	test('membersAt answers history, and refuses a seq it has not validated', async () => {
		const m = await validate(log.entries.slice(0, 3));
		expect(roles(m, 0)).toEqual({ ana: 'facilitator' });
		expect(await codeOf(() => m.membersAt(3))).toBe('rolled_back');
		expect(await codeOf(() => m.membersAt(-1))).toBe('bad_log');
		expect(await codeOf(() => m.membersAt(1.5))).toBe('bad_log');
	});

	test('removal and role changes, including a facilitator stepping down while another remains', async () => {
		let s = await step(log, 'role', rio, 'community');
		s = await step(s, 'remove', kit, 'supporter', 'sam');
		s = await step(s, 'role', ana, 'community', null, ana);
		s = await step(s, 'role', sam, 'responsible', null, ben);
		const m = await validate(s.entries);
		expect(roles(m)).toEqual({
			ana: 'community',
			ben: 'facilitator',
			sam: 'responsible',
			rio: 'community'
		});
		expect(roles(m, 4)).toEqual(roles(log.membership));
	});

	test('a supporter may switch whom they support', async () => {
		const s = await step(log, 'role', kit, 'supporter', 'rio');
		expect(roles(await validate(s.entries)).kit).toBe('supporter:rio');
	});

	test('appendEntry never signs a time the log would refuse', async () => {
		const s = await appendEntry(log.membership, log.entries, ana, {
			op: 'add',
			subject: subjectOf(mal),
			role: 'community',
			supports: null,
			createdAt: T0 - 1000
		});
		expect(s.entry.createdAt).toBe(log.entry.createdAt);
		await expect(validate(s.entries)).resolves.toBeTruthy();
	});
});

describe('appendEntry refuses what the rules forbid, before signing', () => {
	const cases: [string, () => Promise<unknown>, string][] = [
		[
			'adding a current member',
			() => step(log, 'add', sam, 'community'),
			'bad_log: already a member'
		],
		['removing a non-member', () => step(log, 'remove', mal, 'community'), 'bad_log: not a member'],
		[
			'removing with the wrong role',
			() => step(log, 'remove', sam, 'responsible'),
			'bad_log: remove names the role held'
		],
		[
			'a role change that changes nothing',
			() => step(log, 'role', sam, 'survivor'),
			'bad_log: role unchanged'
		],
		[
			'a supporter of no one',
			() => step(log, 'add', mal, 'supporter'),
			'bad_log: supports another member'
		],
		[
			'a supporter of a non-party',
			() => step(log, 'add', mal, 'supporter', 'ben'),
			'bad_log: supports a party'
		],
		[
			'a supporter of a non-member',
			() => step(log, 'add', mal, 'supporter', 'zoe'),
			'bad_log: supports another member'
		],
		[
			'supports on a non-supporter',
			() => step(log, 'add', mal, 'community', 'sam'),
			'bad_log: only supporters support'
		],
		[
			'supporting oneself',
			() => step(log, 'role', sam, 'supporter', 'sam'),
			'bad_log: supports another member'
		],
		[
			'a non-facilitator signing',
			() => step(log, 'add', mal, 'community', null, sam),
			'not_a_member: only a facilitator signs the log'
		],
		[
			'an outsider signing',
			() => step(log, 'add', mal, 'community', null, mal),
			'not_a_member: only a facilitator signs the log'
		],
		[
			'a facilitator with other keys than the log binds',
			() => step(log, 'add', mal, 'community', null, fixedIdentity('ana', 99)),
			'fingerprint_mismatch'
		]
	];
	test.each(cases)('%s', async (_name, run, expected) => {
		expect(await failureOf(run)).toBe(expected);
	});

	test('the last facilitator can neither leave nor step down', async () => {
		const solo = await createCaseLog(ana, { ...CONTEXT, createdAt: T0 });
		expect(await codeOf(() => step(solo, 'remove', ana, 'facilitator'))).toBe('bad_log');
		expect(await codeOf(() => step(solo, 'role', ana, 'community'))).toBe('bad_log');
		const two = await step(solo, 'add', ben, 'facilitator');
		const left = await step(two, 'remove', ana, 'facilitator');
		expect(roles(await validate(left.entries))).toEqual({ ben: 'facilitator' });
	});

	test('entries that do not match the membership are refused', async () => {
		const short = await validate(log.entries.slice(0, 2));
		const change: LogChange = {
			...{ op: 'add', subject: subjectOf(mal), role: 'community', supports: null },
			createdAt: T0
		};
		const run = (m: Membership, e: CaseLogEntry[]) => appendEntry(m, e, ana, change);
		expect(await codeOf(() => run(short, log.entries))).toBe('bad_log');
		expect(await codeOf(() => run(log.membership, []))).toBe('bad_log');
	});
});

describe('validateLog fails closed', () => {
	test('on an empty log', async () => {
		expect(await codeOf(() => validate([]))).toBe('bad_log');
	});

	test('on reordered, dropped, duplicated or truncated-from-the-front entries', async () => {
		const e = log.entries;
		expect(await codeOf(() => validate([e[0]!, e[2]!, e[1]!, e[3]!]))).toBe('bad_log');
		expect(await codeOf(() => validate([e[0]!, e[1]!, e[3]!]))).toBe('bad_log');
		expect(await codeOf(() => validate([e[0]!, e[1]!, e[1]!, e[2]!]))).toBe('bad_log');
		expect(await codeOf(() => validate(e.slice(1)))).toBe('bad_log');
	});

	test('on another case or deployment', async () => {
		expect(await codeOf(() => validate(log.entries, { caseId: 'case-2' }))).toBe('bad_log');
		expect(await codeOf(() => validate(log.entries, { deploymentId: 'dep-2' }))).toBe('bad_log');
	});

	test('on an unknown version', async () => {
		const e = [...log.entries];
		e[2] = { ...e[2]!, v: 2 as 1 };
		expect(await codeOf(() => validate(e))).toBe('unknown_version');
	});

	test('on an entry signed by a non-facilitator, an outsider or a removed facilitator', async () => {
		const e = log.entries;
		const bySam = forge(e[4]!, {}, sam);
		expect(await codeOf(() => validate([...e.slice(0, 4), bySam]))).toBe('bad_log');
		const byMal = forge(e[4]!, {}, mal);
		expect(await codeOf(() => validate([...e.slice(0, 4), byMal]))).toBe('bad_log');

		const benGone = await step(log, 'remove', ben, 'facilitator');
		const later = forge(
			benGone.entry,
			{
				seq: 6,
				prev: entryHash(benGone.entry),
				op: 'add',
				subject: subjectOf(mal),
				role: 'community',
				supports: null
			},
			ben
		);
		expect(await codeOf(() => validate([...benGone.entries, later]))).toBe('bad_log');
	});

	test('on a signature from the right person over other bytes', async () => {
		const e = [...log.entries];
		e[3] = { ...e[3]!, sig: log.entries[2]!.sig };
		expect(await codeOf(() => validate(e))).toBe('bad_signature');
	});

	test('on a non-canonical signature (S + L), though it verifies mathematically', async () => {
		const e = [...log.entries];
		e[1] = { ...e[1]!, sig: addL(e[1]!.sig) };
		expect(nacl.sign.detached.verify(entrySigningBytes(e[1]), e[1].sig, ana.signPk)).toBe(true);
		expect(await codeOf(() => validate(e))).toBe('bad_signature');
	});

	test('on a signer the directory does not know, or knows with other keys', async () => {
		const noBen = directoryOf(ana, sam, rio, kit);
		expect(await codeOf(() => validate(log.entries, { directory: noBen }))).toBe('bad_log');
		const swapped = directoryOf(ana, fixedIdentity('ben', 42), sam, rio, kit);
		expect(await codeOf(() => validate(log.entries, { directory: swapped }))).toBe(
			'fingerprint_mismatch'
		);
		const misnamed = (id: string) => everyone(id === 'ben' ? 'ana' : id);
		expect(await codeOf(() => validate(log.entries, { directory: misnamed }))).toBe('bad_log');
	});

	test('on small-order or all-zero signing keys, even when the fingerprint matches', async () => {
		for (const bad of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
			const evil = { ...ana, userId: 'eve', signPk: bad };
			const first = forge(log.entries[0]!, { signer: 'eve', subject: subjectOf(evil) }, ana);
			expect(await codeOf(() => validate([first], { directory: directoryOf(evil) }))).toBe(
				'weak_key'
			);
			const swapped = (id: string) =>
				id === 'ana' ? { ...everyone('ana')!, signPk: bad } : everyone(id);
			expect(await codeOf(() => validate(log.entries, { directory: swapped }))).toBe('weak_key');
		}
	});

	test('on rule-breaking entries a facilitator signed anyway', async () => {
		const e = log.entries;
		const head = e[4]!;
		const next = { seq: 5, prev: entryHash(head), createdAt: head.createdAt };
		const bad = [
			{ op: 'add', subject: subjectOf(sam), role: 'community', supports: null },
			{ op: 'remove', subject: subjectOf(mal), role: 'community', supports: null },
			{
				op: 'remove',
				subject: { ...subjectOf(sam), fp: subjectOf(mal).fp },
				role: 'survivor',
				supports: null
			},
			{ op: 'role', subject: subjectOf(sam), role: 'survivor', supports: null },
			{ op: 'add', subject: subjectOf(mal), role: 'supporter', supports: 'ben' },
			{ op: 'create', subject: subjectOf(ana), role: 'facilitator', supports: null }
		] as const;
		const why = [
			'already a member',
			'not a member',
			'subject fingerprint',
			'role unchanged',
			'supports a party',
			'create comes first, once'
		];
		for (const [i, change] of bad.entries()) {
			const forged = forge(head, { ...next, ...change, signer: 'ana' }, ana);
			expect(await failureOf(() => validate([...e, forged]))).toBe(`bad_log: ${why[i]}`);
		}
		const early = forge(
			head,
			{
				...next,
				op: 'add',
				subject: subjectOf(mal),
				createdAt: head.createdAt - 1,
				role: 'community',
				supports: null
			},
			ana
		);
		expect(await failureOf(() => validate([...e, early]))).toBe('bad_log: time went backwards');
		const notSelf = forge(e[0]!, { subject: subjectOf(ben) }, ana);
		expect(await failureOf(() => validate([notSelf]))).toBe('bad_log: create names its signer');
		const notFacilitator = forge(e[0]!, { role: 'survivor' }, ana);
		expect(await failureOf(() => validate([notFacilitator]))).toBe(
			'bad_log: create makes a facilitator'
		);
		const notGenesis = forge(e[0]!, { prev: new Uint8Array(32).fill(1) }, ana);
		expect(await failureOf(() => validate([notGenesis]))).toBe('bad_log: prev');
		const lastOut = forge(e[0]!, { seq: 1, prev: entryHash(e[0]!), op: 'remove' }, ana);
		expect(await failureOf(() => validate([e[0]!, lastOut]))).toBe('bad_log: last facilitator');
	});

	test('with a high-water mark: longer is fine, shorter is a rollback, different is a fork', async () => {
		const known = { seq: 3, hash: entryHash(log.entries[3]!) };
		await expect(validate(log.entries, { known })).resolves.toBeTruthy();
		await expect(validate(log.entries.slice(0, 4), { known })).resolves.toBeTruthy();
		expect(await codeOf(() => validate(log.entries.slice(0, 3), { known }))).toBe('rolled_back');
		const fork = await step(
			{
				...log,
				entries: log.entries.slice(0, 3),
				membership: await validate(log.entries.slice(0, 3))
			},
			'add',
			mal,
			'community'
		);
		expect(await codeOf(() => validate(fork.entries, { known }))).toBe('bad_log');
	});
});

describe('acceptAsJoiner', () => {
	const anaFp = subjectOf(ana).fp;
	test('accepts a log that adds me with my keys, after my inviter was a facilitator', () => {
		const { member, addedAt } = acceptAsJoiner(log.membership, log.entries, {
			me: subjectOf(kit),
			pinnedInviterFp: anaFp
		});
		expect(addedAt).toBe(4);
		expect(member).toMatchObject({ userId: 'kit', role: 'supporter', supports: 'sam' });
	});

	test('accepts an inviter who has left since, but was a facilitator before the add', async () => {
		const s = await step(log, 'remove', ana, 'facilitator', null, ben);
		const t = await step(s, 'add', mal, 'community', null, ben);
		const r = acceptAsJoiner(t.membership, t.entries, {
			me: subjectOf(mal),
			pinnedInviterFp: anaFp
		});
		expect(r.addedAt).toBe(6);
	});

	test('refuses when the log binds other keys to me', async () => {
		const me = { userId: 'kit', fp: subjectOf(mal).fp };
		expect(
			await codeOf(() =>
				acceptAsJoiner(log.membership, log.entries, { me, pinnedInviterFp: anaFp })
			)
		).toBe('fingerprint_mismatch');
	});

	test('refuses when my pinned inviter is no facilitator before my entry', async () => {
		const s = await step(log, 'add', mal, 'facilitator');
		const pins = [subjectOf(mal).fp, subjectOf(sam).fp, new Uint8Array(32)];
		for (const pinnedInviterFp of pins) {
			expect(
				await codeOf(() =>
					acceptAsJoiner(s.membership, s.entries, { me: subjectOf(kit), pinnedInviterFp })
				)
			).toBe('fingerprint_mismatch');
		}
	});

	test('refuses when I was never added, or removed since', async () => {
		const opts = { me: subjectOf(mal), pinnedInviterFp: anaFp };
		expect(await codeOf(() => acceptAsJoiner(log.membership, log.entries, opts))).toBe(
			'not_a_member'
		);
		const s = await step(log, 'remove', kit, 'supporter', 'sam');
		const kitOpts = { me: subjectOf(kit), pinnedInviterFp: anaFp };
		expect(await codeOf(() => acceptAsJoiner(s.membership, s.entries, kitOpts))).toBe(
			'not_a_member'
		);
		expect(await codeOf(() => acceptAsJoiner(s.membership, log.entries, kitOpts))).toBe('bad_log');
	});
});

/** S + L: the same point arithmetic, a different (non-canonical) encoding. */
function addL(sig: Uint8Array): Uint8Array {
	const L = [
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14
	];
	const out = sig.slice();
	let carry = 0;
	for (let i = 0; i < 32; i++) {
		const sum = out[32 + i]! + (L[i] ?? (i === 31 ? 0x10 : 0)) + carry;
		out[32 + i] = sum & 0xff;
		carry = sum >> 8;
	}
	return out;
}
