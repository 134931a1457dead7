import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { CaseLogEntry } from './case-log-entry';
import { entryFromJson, entryToJson, type CaseLogEntryJson } from './case-log-json';
import { createCaseLog, validateLog, type LogStep } from './case-log';
import {
	codeOf,
	CONTEXT,
	directoryOf,
	everyone,
	fixedIdentity,
	people,
	standardLog,
	step
} from './case-log.fixtures';
import { CASE_ROLES, type CaseRole } from './members';

// A model of the rules in a dozen lines, independent of case-log-rules.ts: every random
// operation the model allows must be signed and validate to the model's membership, and every
// one it forbids must be refused.
type Model = Map<string, { role: CaseRole; supports: string | null }>;
const pool = Array.from({ length: 6 }, (_, i) => fixedIdentity(`u${i}`, 20 + i));
const poolDirectory = directoryOf(...pool);

const isParty = (m: Model, id: string | null) =>
	id !== null && ['survivor', 'responsible'].includes(m.get(id)?.role ?? '');
const hasFacilitator = (m: Model) => [...m.values()].some((x) => x.role === 'facilitator');

function allowed(m: Model, op: string, who: string, role: CaseRole, supports: string | null) {
	const current = m.get(who);
	const supportsOk = role === 'supporter' ? supports !== who && isParty(m, supports) : true;
	const after = new Map(m);
	if (op === 'add') return !current && supportsOk;
	if (!current) return false;
	if (op === 'remove') after.delete(who);
	else after.set(who, { role, supports });
	if (op === 'role' && current.role === role && current.supports === supports) return false;
	return (op === 'remove' || supportsOk) && hasFacilitator(after);
}

// Indices pick among the people an op makes sense for (non-members to add, members to change,
// parties to support), except when `wild` is 0: then anyone, to exercise the refusals.
const operation = fc.record({
	op: fc.constantFrom('add', 'add', 'remove', 'role', 'role'),
	who: fc.nat(),
	role: fc.constantFrom(...CASE_ROLES),
	party: fc.nat(),
	signer: fc.nat(),
	wild: fc.nat(5),
	rogue: fc.nat(9)
});

const pick = <T>(xs: T[], i: number, fallback: T[]) =>
	(xs.length ? xs : fallback)[i % (xs.length || fallback.length)]!;

type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

async function build(ops: Operation[]) {
	// A fixed prelude (a co-facilitator and a survivor) so random ops meet interesting states.
	let log: LogStep = await createCaseLog(pool[0]!, { ...CONTEXT, createdAt: 1 });
	log = await step(log, 'add', pool[1]!, 'facilitator', null, pool[0]);
	log = await step(log, 'add', pool[2]!, 'survivor', null, pool[1]);
	let model: Model = new Map([['u0', { role: 'facilitator', supports: null }]]);
	const snapshots = [model];
	model = new Map([...model, ['u1', { role: 'facilitator', supports: null }]]);
	snapshots.push(model);
	model = new Map([...model, ['u2', { role: 'survivor', supports: null }]]);
	snapshots.push(model);
	for (const o of ops) {
		const members = pool.filter((p) => model.has(p.userId));
		const outsiders = pool.filter((p) => !model.has(p.userId));
		const parties = pool.filter((p) => isParty(model, p.userId));
		const wild = o.wild === 0;
		const who = pick(wild ? pool : o.op === 'add' ? outsiders : members, o.who, pool);
		const current = model.get(who.userId);
		// A removal names the role held; other ops take the generated one.
		const role = o.op === 'remove' && current ? current.role : o.role;
		const party = pick(wild ? pool : parties, o.party, pool);
		const supports =
			o.op === 'remove' && current ? current.supports : role === 'supporter' ? party.userId : null;
		const facilitators = pool.filter((p) => model.get(p.userId)?.role === 'facilitator');
		const others = pool.filter((p) => model.get(p.userId)?.role !== 'facilitator');
		const rogue = o.rogue === 0 && others.length > 0;
		const signer = rogue
			? others[o.signer % others.length]!
			: facilitators[o.signer % facilitators.length]!;
		const attempt = () => step(log, o.op, who, role, supports, signer);
		if (rogue) {
			expect(await codeOf(attempt)).toBe('not_a_member');
		} else if (!allowed(model, o.op, who.userId, role, supports)) {
			expect(await codeOf(attempt)).toBe('bad_log');
		} else {
			log = await attempt();
			model = new Map(model);
			if (o.op === 'remove') model.delete(who.userId);
			else model.set(who.userId, { role, supports });
			snapshots.push(model);
		}
	}
	return { log, snapshots };
}

const view = (m: ReadonlyMap<string, { role: CaseRole; supports: string | null }>) =>
	Object.fromEntries([...m].map(([id, x]) => [id, [x.role, x.supports]]));

describe('case log properties', () => {
	test('validate(build(ops)) is the membership the model predicts, at every seq', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(operation, { minLength: 3, maxLength: 16 }), async (ops) => {
				const { log, snapshots } = await build(ops);
				const m = await validateLog(log.entries, { ...CONTEXT, directory: poolDirectory });
				expect(m.headSeq).toBe(snapshots.length - 1);
				for (let s = 0; s < snapshots.length; s++) {
					expect(view(m.membersAt(s))).toEqual(view(snapshots[s]!));
				}
			}),
			{ numRuns: 40 }
		);
	});

	let fixed: CaseLogEntryJson[];
	beforeAll(async () => {
		let s = await standardLog();
		s = await step(s, 'role', people.rio, 'community', null, people.ben);
		s = await step(s, 'remove', people.kit, 'supporter', 'sam');
		s = await step(s, 'add', people.mal, 'supporter', 'sam');
		fixed = s.entries.map(entryToJson);
	});
	const readAll = (json: unknown[]) =>
		validateLog(
			json.map((j) => entryFromJson(j, CONTEXT)),
			{ ...CONTEXT, directory: everyone }
		);

	test('the fixed log is valid as served', async () => {
		await expect(readAll(fixed)).resolves.toMatchObject({ headSeq: 7 });
	});

	test('any single flip in any field of any entry fails closed', async () => {
		await fc.assert(
			fc.asyncProperty(fc.nat(), fc.nat(), fc.nat(), fc.nat(), async (i, leaf, pos, bit) => {
				const json = structuredClone(fixed) as unknown[];
				const target = json[i % json.length] as Record<string, unknown>;
				const paths = leafPaths(target);
				flipLeaf(target, paths[leaf % paths.length]!, pos, bit);
				expect(await codeOf(() => readAll(json))).toMatch(/^[a-z_]+$/);
			}),
			{ numRuns: 300 }
		);
	});

	test('any reordering, drop or duplication that is not a prefix fails closed', async () => {
		const n = fixed.length;
		const order = fc
			.array(fc.nat(n - 1), { minLength: 1, maxLength: n + 2 })
			.filter((ix) => ix.some((x, k) => x !== k));
		await fc.assert(
			fc.asyncProperty(order, async (ix) => {
				expect(await codeOf(() => readAll(ix.map((k) => fixed[k])))).toBe('bad_log');
			}),
			{ numRuns: 150 }
		);
	});

	test('every byte of every prev, fingerprint and signature is covered', async () => {
		const entries: CaseLogEntry[] = fixed.map((j) => entryFromJson(j, CONTEXT));
		const codes = new Set<string>();
		for (let i = 0; i < entries.length; i++) {
			for (const field of ['prev', 'fp', 'sig'] as const) {
				const bytes = field === 'fp' ? entries[i]!.subject.fp : entries[i]![field];
				for (let b = 0; b < bytes.length; b++) {
					const flipped = bytes.slice();
					flipped[b]! ^= 1 << (b % 8);
					const e = { ...entries[i]! };
					if (field === 'fp') e.subject = { ...e.subject, fp: flipped };
					else e[field] = flipped;
					const tampered = entries.with(i, e);
					codes.add(await codeOf(() => validateLog(tampered, { ...CONTEXT, directory: everyone })));
				}
			}
		}
		// prev breaks the chain; fp and sig break the signature (or, on create, the key binding).
		expect([...codes].sort()).toEqual(['bad_log', 'bad_signature', 'fingerprint_mismatch']);
	});
});

type Path = (string | number)[];
function leafPaths(o: unknown, path: Path = []): Path[] {
	if (o !== null && typeof o === 'object') {
		return Object.entries(o).flatMap(([k, v]) => leafPaths(v, [...path, k]));
	}
	return [path];
}

/** Flips one bit of a number, one bit of one character of a string, or sets a null. */
function flipLeaf(root: Record<string, unknown>, path: Path, pos: number, bit: number) {
	const parent = path.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as never, root);
	const key = path.at(-1)!;
	const value = parent[key];
	if (typeof value === 'number') {
		parent[key] = Number(BigInt(value) ^ (1n << BigInt(bit % 48)));
	} else if (typeof value === 'string') {
		const at = pos % value.length;
		const c = String.fromCharCode(value.charCodeAt(at) ^ (1 << (bit % 7)));
		parent[key] = value.slice(0, at) + c + value.slice(at + 1);
	} else {
		parent[key] = 'x';
	}
}
