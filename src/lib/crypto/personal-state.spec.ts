import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes';
import { codeOf } from './case-log.fixtures';
import { encode } from './encoding';
import { dom, frame, listOf, str, u64 } from './kat.fixtures';
import {
	assertMayEncryptTo,
	checkPin,
	currentPin,
	decodePersonalState,
	emptyPersonalState,
	encodePersonalState,
	forkedHeads,
	markKey,
	markVerified,
	mergePersonalState,
	pin,
	raiseLogHead,
	raiseMark,
	type FpDecision,
	type PersonalState
} from './personal-state';

const fp = (n: number) => new Uint8Array(32).fill(n);
const empty = emptyPersonalState();
const t = 1_700_000_000_000;
/** Equal as states: one state has one encoding. */
const same = (x: PersonalState, y: PersonalState) =>
	expect(toHex(encodePersonalState(x))).toBe(toHex(encodePersonalState(y)));

describe('pins', () => {
	it('go new → same, and warn on a changed fp', () => {
		expect(checkPin(empty, 'rio', fp(1))).toBe('new');
		const s = pin(empty, 'rio', fp(1), t);
		expect(checkPin(s, 'rio', fp(1))).toBe('same');
		expect(checkPin(s, 'rio', fp(2))).toBe('changed');
		expect(pin(s, 'rio', fp(1), t + 5)).toBe(s);
		// After the warning the person may go on: the change is acknowledged.
		const moved = pin(s, 'rio', fp(2), t + 5);
		expect(checkPin(moved, 'rio', fp(2))).toBe('same');
		expect(checkPin(moved, 'rio', fp(1))).toBe('changed');
		expect(currentPin(moved, 'rio')).toEqual({ fp: fp(2), verified: false, decidedAt: t + 5 });
	});

	it('block a change from a verified fp until the new one is verified', () => {
		const s = markVerified(pin(empty, 'rio', fp(1), t), 'rio', fp(1), t + 1);
		expect(checkPin(s, 'rio', fp(1))).toBe('same');
		expect(checkPin(s, 'rio', fp(2))).toBe('changed-verified');
		expect(() => assertMayEncryptTo(s, 'rio', fp(2))).toThrow('key_changed');
		expect(() => pin(s, 'rio', fp(2), t + 2)).toThrow('key_changed');
		const again = markVerified(s, 'rio', fp(2), t + 2);
		expect(checkPin(again, 'rio', fp(2))).toBe('same');
		assertMayEncryptTo(again, 'rio', fp(2));
		// Going back to the old key is a change too.
		expect(checkPin(again, 'rio', fp(1))).toBe('changed-verified');
	});

	it('let a later decision win even when this device clock runs behind', () => {
		const s = markVerified(empty, 'rio', fp(1), t + 1000);
		const undone = markVerified(s, 'rio', fp(1), t, false);
		expect(currentPin(undone, 'rio')).toMatchObject({ verified: false, decidedAt: t + 1001 });
	});

	it('keep a verified key change across a sync with a device that never saw it', () => {
		// Phone verified fp1; a fresh laptop was served fp2 (maybe the server's) and pinned it.
		const phone = markVerified(empty, 'rio', fp(1), t);
		const laptop = pin(empty, 'rio', fp(2), t + 60_000);
		for (const merged of [mergePersonalState(phone, laptop), mergePersonalState(laptop, phone)]) {
			expect(checkPin(merged, 'rio', fp(2))).toBe('changed-verified');
			expect(currentPin(merged, 'rio')?.fp).toEqual(fp(2));
		}
		// A stale copy cannot undo a change the person acknowledged elsewhere either.
		const verifiedNew = markVerified(mergePersonalState(phone, laptop), 'rio', fp(2), t + 120_000);
		expect(checkPin(mergePersonalState(phone, verifiedNew), 'rio', fp(2))).toBe('same');
	});

	it('never say "same" for another fp unless a decision on it acknowledged the verified one', () => {
		fc.assert(
			fc.property(arbState, fc.integer({ min: 0, max: 9 }), (b, n) => {
				const a = markVerified(empty, 'u1', fp(1), n);
				const m = mergePersonalState(a, b);
				const pins = m.pins.get('u1')!;
				expect(pins.has(toHex(fp(1)))).toBe(true);
				for (const [k, d] of pins) {
					if (k === toHex(fp(1))) continue;
					const same = checkPin(m, 'u1', fromHex(k)) === 'same';
					expect(!same || d.acks.has(toHex(fp(1)))).toBe(true);
				}
			})
		);
	});
});

describe('mergePersonalState', () => {
	it('is commutative, associative and idempotent', () => {
		fc.assert(
			fc.property(arbState, arbState, arbState, (a, b, c) => {
				same(mergePersonalState(a, b), mergePersonalState(b, a));
				same(
					mergePersonalState(mergePersonalState(a, b), c),
					mergePersonalState(a, mergePersonalState(b, c))
				);
				same(mergePersonalState(a, a), a);
			}),
			{ numRuns: 300 }
		);
	});

	it('takes the union of pins, the maximum mark and the higher log head', () => {
		const key = markKey('case-1', 'input', 'in-1');
		const a = raiseLogHead(raiseMark(pin(empty, 'sam', fp(1), t), key, 3), 'case-1', {
			seq: 4,
			hash: fp(4)
		});
		const b = raiseLogHead(raiseMark(pin(empty, 'rio', fp(2), t), key, 2), 'case-1', {
			seq: 6,
			hash: fp(6)
		});
		const m = mergePersonalState(a, b);
		expect([...m.pins.keys()].sort()).toEqual(['rio', 'sam']);
		expect(m.marks.get(key)).toBe(3);
		expect(m.logHeads.get('case-1')).toEqual({ seq: 6, hash: fp(6) });
	});
});

describe('marks and log heads', () => {
	it('only ever rise; a second hash at one seq is a fork', () => {
		const key = markKey(null, 'personal-state', 'ps');
		const s = raiseMark(raiseMark(empty, key, 5), key, 3);
		expect(s.marks.get(key)).toBe(5);
		const h = raiseLogHead(empty, 'c', { seq: 3, hash: fp(3) });
		expect(raiseLogHead(h, 'c', { seq: 2, hash: fp(2) })).toBe(h);
		expect(() => raiseLogHead(h, 'c', { seq: 3, hash: fp(9) })).toThrow('bad_log');
		expect(forkedHeads(h, raiseLogHead(empty, 'c', { seq: 3, hash: fp(9) }))).toEqual(['c']);
		expect(forkedHeads(h, raiseLogHead(empty, 'c', { seq: 4, hash: fp(9) }))).toEqual([]);
	});

	it('are keyed unambiguously', () => {
		expect(markKey('a/b', 'c', 'd')).not.toBe(markKey('a', 'b/c', 'd'));
		expect(markKey(null, 'c', 'd')).not.toBe(markKey('null', 'c', 'd'));
	});
});

describe('encodePersonalState / decodePersonalState', () => {
	it('round-trips any state', () => {
		fc.assert(
			fc.property(arbState, (s) => {
				same(decodePersonalState(encodePersonalState(s)), s);
			})
		);
	});

	it('lays out pins, marks and heads sorted by key (known answer)', () => {
		let s = markVerified(pin(empty, 'rio', fp(1), t), 'rio', fp(2), t + 1);
		s = raiseLogHead(raiseMark(s, 'k', 7), 'case-1', { seq: 2, hash: fp(9) });
		const decision = (f: Uint8Array, verified: number, at: number, acks: Uint8Array[]) =>
			Buffer.concat([frame(f), frame(u64(verified)), frame(u64(at)), frame(listOf(acks))]);
		const expected = Buffer.concat([
			dom('personal-state/v1'),
			frame(
				listOf([
					Buffer.concat([
						frame(str('rio')),
						frame(listOf([decision(fp(1), 0, t, []), decision(fp(2), 1, t + 1, [fp(1)])]))
					])
				])
			),
			frame(listOf([Buffer.concat([frame(str('k')), frame(u64(7))])])),
			frame(listOf([Buffer.concat([frame(str('case-1')), frame(u64(2)), frame(fp(9))])]))
		]);
		expect(toHex(encodePersonalState(s))).toBe(toHex(expected));
	});

	it('refuses another version, unsorted or repeated keys, and bad values', async () => {
		const s = raiseMark(raiseMark(empty, 'a', 1), 'b', 2);
		const bytes = encodePersonalState(s);
		expect(await codeOf(() => decodePersonalState(encode('personal-state/v2')))).toBe(
			'unknown_version'
		);
		expect(await codeOf(() => decodePersonalState(new Uint8Array([...bytes, 0])))).toBe(
			'bad_encoding'
		);
		const marks = (...pairs: [string, number][]) =>
			new Uint8Array(
				Buffer.concat([
					dom('personal-state/v1'),
					frame(listOf([])),
					frame(listOf(pairs.map(([k, v]) => Buffer.concat([frame(str(k)), frame(u64(v))])))),
					frame(listOf([]))
				])
			);
		expect(decodePersonalState(marks(['a', 1], ['b', 2])).marks.get('b')).toBe(2);
		expect(await codeOf(() => decodePersonalState(marks(['b', 2], ['a', 1])))).toBe('bad_encoding');
		expect(await codeOf(() => decodePersonalState(marks(['a', 1], ['a', 2])))).toBe('bad_encoding');
		const pinBytes = (f: Uint8Array, verified: number) =>
			new Uint8Array(
				Buffer.concat([
					dom('personal-state/v1'),
					frame(
						listOf([
							Buffer.concat([
								frame(str('u')),
								frame(
									listOf([
										Buffer.concat([
											frame(f),
											frame(u64(verified)),
											frame(u64(1)),
											frame(listOf([]))
										])
									])
								)
							])
						])
					),
					frame(listOf([])),
					frame(listOf([]))
				])
			);
		expect(checkPin(decodePersonalState(pinBytes(fp(1), 1)), 'u', fp(1))).toBe('same');
		expect(await codeOf(() => decodePersonalState(pinBytes(fp(1), 2)))).toBe('bad_encoding');
		expect(await codeOf(() => decodePersonalState(pinBytes(new Uint8Array(31), 1)))).toBe(
			'bad_length'
		);
	});
});

// Small alphabets, so merges collide on users, fps, times and seqs.
const arbFp = fc.integer({ min: 1, max: 4 }).map((n) => toHex(fp(n)));
const arbDecision: fc.Arbitrary<FpDecision> = fc.record({
	verified: fc.boolean(),
	decidedAt: fc.integer({ min: 0, max: 5 }),
	acks: fc.uniqueArray(arbFp, { maxLength: 3 }).map((a) => new Set(a))
});
const mapOf = <T>(keys: fc.Arbitrary<string>, values: fc.Arbitrary<T>) =>
	fc
		.uniqueArray(fc.tuple(keys, values), { selector: ([k]) => k, maxLength: 4 })
		.map((e) => new Map(e));
const arbState: fc.Arbitrary<PersonalState> = fc.record({
	v: fc.constant(1 as const),
	pins: mapOf(fc.constantFrom('u1', 'u2', 'u3'), mapOf(arbFp, arbDecision)),
	marks: mapOf(fc.constantFrom('k1', 'k2', 'k3'), fc.integer({ min: 0, max: 5 })),
	logHeads: mapOf(
		fc.constantFrom('c1', 'c2'),
		fc.record({ seq: fc.integer({ min: 0, max: 3 }), hash: fc.integer({ min: 1, max: 3 }).map(fp) })
	)
});
