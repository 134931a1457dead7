import { createHash, createPublicKey, verify } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { toHex } from './bytes';
import {
	checkEntryShape,
	entryHash,
	entrySigningBytes,
	verifyEntry,
	type CaseLogEntry
} from './case-log-entry';
import { entryFromJson, entryToJson } from './case-log-json';
import { codeOf, CONTEXT, people, standardLog, T0 } from './case-log.fixtures';

// An encoder written from DESIGN §4 alone, with Node's Buffer: the module must agree with it.
const u32 = (n: number) => {
	const b = Buffer.alloc(4);
	b.writeUInt32BE(n);
	return b;
};
const u64 = (n: number) => {
	const b = Buffer.alloc(8);
	b.writeBigUInt64BE(BigInt(n));
	return b;
};
const frame = (b: Uint8Array) => Buffer.concat([u32(b.length), b]);
const utf8 = (s: string) => Buffer.from(s, 'utf8');

function expectedSigningBytes(e: CaseLogEntry): Buffer {
	const supports =
		e.supports === null
			? Buffer.from([0])
			: Buffer.concat([Buffer.from([1]), frame(utf8(e.supports))]);
	return Buffer.concat([
		utf8('circlekeeper/case-log/entry/v1\0'),
		...[
			u64(1),
			utf8(e.deploymentId),
			utf8(e.caseId),
			u64(e.seq),
			e.prev,
			utf8(e.op),
			Buffer.concat([frame(utf8(e.subject.userId)), frame(e.subject.fp)]),
			utf8(e.role),
			supports,
			utf8(e.signer),
			u64(e.createdAt)
		].map(frame)
	]);
}

let entries: CaseLogEntry[];
beforeAll(async () => {
	entries = (await standardLog()).entries;
});

describe('case log entry encoding (known answers)', () => {
	test('signing bytes match an independent encoder, with and without `supports`', () => {
		for (const e of entries) {
			expect(toHex(entrySigningBytes(e))).toBe(expectedSigningBytes(e).toString('hex'));
		}
		expect(entries[0]!.supports).toBeNull();
		expect(entries[4]!.supports).toBe('sam');
	});

	test('the entry hash is SHA-512 over the hash purpose, signing bytes and signature, cut to 32', () => {
		for (const e of entries) {
			const expected = createHash('sha512')
				.update(utf8('circlekeeper/case-log/hash/v1\0'))
				.update(frame(expectedSigningBytes(e)))
				.update(frame(e.sig))
				.digest()
				.subarray(0, 32);
			expect(toHex(entryHash(e))).toBe(expected.toString('hex'));
		}
	});

	test('each signature verifies with Node’s own Ed25519 over the signing bytes', () => {
		for (const e of entries) {
			const signer = people[e.signer as keyof typeof people];
			const x = Buffer.from(signer.signPk).toString('base64url');
			const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
			expect(verify(null, expectedSigningBytes(e), key, e.sig)).toBe(true);
		}
	});

	test('the chain links each entry to the hash of the one before', () => {
		expect(toHex(entries[0]!.prev)).toBe('00'.repeat(32));
		for (let i = 1; i < entries.length; i++) {
			expect(toHex(entries[i]!.prev)).toBe(toHex(entryHash(entries[i - 1]!)));
		}
	});

	test('pinned vectors from fixed keys (regression)', () => {
		const [create, , , , supporter] = entries;
		expect(toHex(create!.sig)).toBe(
			'e9e3f49d85e090c7c680babf15fd81a6cf83f1e9086864b43c397b496e8893993fbb308f6c1f02a5ab314b4bb3a51e990945bfa462c6a84c6a4462d619c78b0d'
		);
		expect(toHex(entryHash(create!))).toBe(
			'f53e6748aa839da7e7de3e4b5d5b05d2500e44e1770de5aa4e71eccfc720eec2'
		);
		expect(toHex(entryHash(supporter!))).toBe(
			'e56c134f93fcc0b3b381dbbde339aa726eb434f6ac2d66fe554d333d50973c1b'
		);
		expect(supporter!.createdAt).toBe(T0 + 4);
	});

	test('verifyEntry accepts the signer and refuses anyone else', async () => {
		await expect(verifyEntry(entries[0]!, people.ana.signPk)).resolves.toBeUndefined();
		expect(await codeOf(() => verifyEntry(entries[0]!, people.ben.signPk))).toBe('bad_signature');
	});
});

describe('case log entry JSON', () => {
	test('round-trips every entry, with the case and deployment supplied by the reader', () => {
		for (const e of entries) {
			const json = JSON.parse(JSON.stringify(entryToJson(e)));
			expect(entryFromJson(json, CONTEXT)).toEqual(e);
		}
	});

	test('the wire format is exactly this (pinned)', () => {
		expect(entryToJson(entries[4]!)).toStrictEqual({
			v: 1,
			seq: 4,
			prev: 'uH6jaXR8-wXDrWGyqOPlOGlx8WBiZyXwiwlYk8SANac',
			op: 'add',
			subject: { userId: 'kit', fp: '78E14C1g8LjK-1E2Cgb3MZHBHFPorUZQrqYUl3-a4js' },
			role: 'supporter',
			supports: 'sam',
			signer: 'ben',
			createdAt: 1700000000004,
			sig: 'hcYoRZmgy-OjeVGjUeeuEv-EKz5zo4J4h5MY4eomzSRzt4N3b7uKZJ8P35afqZu6BdOgF8DaCD-PnDTg6nHiAQ'
		});
	});

	const base = () => entryToJson(entries[4]!) as unknown as Record<string, unknown>;
	const cases: [string, (j: Record<string, unknown>) => unknown, string][] = [
		['a newer version', (j) => ({ ...j, v: 2 }), 'unknown_version'],
		['a missing version', (j) => without(j, 'v'), 'bad_encoding'],
		['a newer version with other keys', () => ({ v: 2, entry: 'x' }), 'unknown_version'],
		['an extra key', (j) => ({ ...j, caseId: 'case-1' }), 'bad_encoding'],
		['a missing key', (j) => without(j, 'supports'), 'bad_encoding'],
		[
			'an extra subject key',
			(j) => ({ ...j, subject: { ...(j.subject as object), x: 1 } }),
			'bad_encoding'
		],
		['padding', (j) => ({ ...j, sig: `${j.sig}==` }), 'bad_encoding'],
		[
			'standard base64',
			(j) => ({ ...j, prev: (j.prev as string).replace(/[-_]/g, '+') + '+' }),
			'bad_encoding'
		],
		[
			'non-canonical trailing bits',
			(j) => ({ ...j, prev: flipLowBits(j.prev as string) }),
			'bad_encoding'
		],
		['a short prev', (j) => ({ ...j, prev: 'AAAA' }), 'bad_length'],
		['a long signature', (j) => ({ ...j, sig: `${j.sig}AAAA` }), 'bad_length'],
		['an unknown op', (j) => ({ ...j, op: 'promote' }), 'bad_encoding'],
		['an unknown role', (j) => ({ ...j, role: 'admin' }), 'bad_encoding'],
		['a fractional seq', (j) => ({ ...j, seq: 1.5 }), 'bad_encoding'],
		['a string seq', (j) => ({ ...j, seq: '4' }), 'bad_encoding'],
		['a negative time', (j) => ({ ...j, createdAt: -1 }), 'bad_encoding'],
		['an empty signer', (j) => ({ ...j, signer: '' }), 'bad_encoding'],
		['a numeric supports', (j) => ({ ...j, supports: 7 }), 'bad_encoding'],
		['an array', () => [], 'bad_encoding'],
		['null', () => null, 'bad_encoding']
	];
	test.each(cases)('refuses %s', async (_name, mutate, code) => {
		expect(await codeOf(() => entryFromJson(mutate(base()), CONTEXT))).toBe(code);
	});

	test('checkEntryShape refuses arrays of the wrong type or length', async () => {
		const e = entries[1]!;
		expect(await codeOf(() => checkEntryShape({ ...e, prev: new Uint8Array(31) }))).toBe(
			'bad_length'
		);
		const notBytes = [...e.subject.fp] as unknown as Uint8Array;
		expect(
			await codeOf(() => checkEntryShape({ ...e, subject: { ...e.subject, fp: notBytes } }))
		).toBe('bad_encoding');
		expect(await codeOf(() => checkEntryShape({ ...e, deploymentId: 'x'.repeat(257) }))).toBe(
			'bad_encoding'
		);
	});
});

const without = (j: Record<string, unknown>, key: string) =>
	Object.fromEntries(Object.entries(j).filter(([k]) => k !== key));

/** Changes the last base64url symbol's unused low bits: same bytes, different spelling. */
function flipLowBits(s: string): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
	const last = alphabet.indexOf(s.at(-1)!);
	return s.slice(0, -1) + alphabet[last ^ 1];
}
