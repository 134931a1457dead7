import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { fromHex } from './bytes';
import { codeOf, people, standardLog, step } from './case-log.fixtures';
import { publicOf, type PublicIdentity } from './identity';
import type { LogStep } from './case-log';
import type { Membership } from './members';
import {
	circleCode,
	groupDigits,
	hashDigits,
	iteratedHash,
	personDigits,
	safetyNumber
} from './safety-number';

const DEP = 'dep-test';
const ana = publicOf(people.ana);
const ben = publicOf(people.ben);

// The construction again, from DESIGN §4, with Node's SHA-512.
const frame = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
function nodeIterated(key: Uint8Array, id: Uint8Array): Buffer {
	let h = createHash('sha512')
		.update(Buffer.from([0, 0]))
		.update(key)
		.update(id)
		.update(key)
		.digest();
	for (let i = 1; i < 5200; i++) h = createHash('sha512').update(h).update(key).digest();
	return h;
}
function nodeDigits(h: Buffer, chunks: number): string {
	let out = '';
	for (let c = 0; c < chunks; c++) out += String(h.readUIntBE(c * 5, 5) % 100000).padStart(5, '0');
	return out;
}
function nodePerson(dep: string, p: PublicIdentity): string {
	const key = Buffer.concat([p.signPk, p.boxPk]);
	const id = Buffer.concat([frame(Buffer.from(dep)), frame(Buffer.from(p.userId))]);
	return nodeDigits(nodeIterated(key, id), 6);
}

describe('safety number (known answers)', () => {
	test('the iteration is libsignal’s: its published vector (NumericFingerprintGeneratorTest)', () => {
		const alice = fromHex('0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868');
		const bob = fromHex('05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b');
		const a = hashDigits(iteratedHash(alice, new TextEncoder().encode('+14152222222')), 6);
		const b = hashDigits(iteratedHash(bob, new TextEncoder().encode('+14153333333')), 6);
		expect([a, b].sort().join('')).toBe(
			'300354477692869396892869876765458257569162576843440918079131'
		);
	});

	test('each person’s half matches an independent implementation with Node’s SHA-512', () => {
		expect(personDigits(DEP, ana)).toBe(nodePerson(DEP, ana));
		expect(personDigits(DEP, ben)).toBe(nodePerson(DEP, ben));
	});

	test('pinned vector from fixed keys (regression)', () => {
		expect(safetyNumber(DEP, ana, ben)).toBe(
			'002485479867708570365521984214314284539002240354406752898937'
		);
	});

	test('is 60 digits, the same from either side, and stable', () => {
		const n = safetyNumber(DEP, ana, ben);
		expect(n).toMatch(/^[0-9]{60}$/);
		expect(safetyNumber(DEP, ben, ana)).toBe(n);
		expect(safetyNumber(DEP, ana, ben)).toBe(n);
		const halves = [personDigits(DEP, ana), personDigits(DEP, ben)].sort();
		expect(n).toBe(halves.join(''));
	});

	test('changes when any key or id changes', () => {
		const n = safetyNumber(DEP, ana, ben);
		const variants: PublicIdentity[] = [
			{ ...ben, signPk: people.mal.signPk },
			{ ...ben, boxPk: people.mal.boxPk },
			{ ...ben, userId: 'ben2' }
		];
		for (const v of variants) expect(safetyNumber(DEP, ana, v)).not.toBe(n);
		expect(safetyNumber('dep-other', ana, ben)).not.toBe(n);
	});

	test('refuses keys of the wrong length', async () => {
		const bad = { ...ben, boxPk: new Uint8Array(31) };
		expect(await codeOf(() => safetyNumber(DEP, ana, bad))).toBe('bad_length');
	});

	test('groupDigits shows groups of five, and only whole groups of digits', async () => {
		expect(groupDigits('12345678900000099999')).toEqual(['12345', '67890', '00000', '99999']);
		expect(groupDigits(safetyNumber(DEP, ana, ben))).toHaveLength(12);
		for (const bad of ['', '1234', '12345a', '123456']) {
			expect(await codeOf(() => groupDigits(bad))).toBe('bad_encoding');
		}
	});
});

describe('circle code', () => {
	let log: LogStep;
	let membership: Membership;
	beforeAll(async () => {
		log = await standardLog();
		membership = log.membership;
	});
	const nodeCircle = (dep: string, m: Membership) => {
		const seq = Buffer.alloc(8);
		seq.writeBigUInt64BE(BigInt(m.headSeq));
		const id = Buffer.concat([frame(Buffer.from(dep)), frame(Buffer.from(m.caseId)), frame(seq)]);
		return nodeDigits(nodeIterated(m.headHash, id), 4);
	};

	test('matches an independent implementation, and a pinned vector', () => {
		expect(circleCode(DEP, membership)).toBe(nodeCircle(DEP, membership));
		expect(circleCode(DEP, membership)).toBe('25164736250580221305');
		expect(groupDigits(circleCode(DEP, membership))).toHaveLength(4);
	});

	test('changes with the head, the case and the deployment', async () => {
		const code = circleCode(DEP, membership);
		const later = await step(log, 'role', people.rio, 'community');
		expect(circleCode(DEP, later.membership)).not.toBe(code);
		expect(circleCode('dep-other', membership)).not.toBe(code);
		expect(circleCode(DEP, { ...membership, caseId: 'case-2' })).not.toBe(code);
		expect(circleCode(DEP, { ...membership, headSeq: 5 })).not.toBe(code);
	});
});
