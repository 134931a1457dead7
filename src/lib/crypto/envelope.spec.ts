import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from './case-log.fixtures';
import {
	addReaders,
	checkHeaderChain,
	openEnvelope,
	sealEnvelope,
	type Envelope,
	type OpenOptions,
	type SealParams
} from './envelope';
import {
	cast,
	CASE,
	craft,
	everyone,
	forgeWrap,
	listMembership,
	member,
	pub,
	standardMembers,
	T
} from './envelope.fixtures';
import { equalBytes } from './bytes';
import { encode, text } from './encoding';
import { publicOf, type Identity } from './identity';
import { randomBytes } from './primitives';

const log = listMembership([standardMembers()]);
const words = new TextEncoder().encode('what I need to feel safe');

function sealInput(over: Partial<SealParams> = {}) {
	return sealEnvelope({
		kind: 'input',
		scope: CASE,
		objectId: 'in-1',
		prev: null,
		author: cast.sam,
		membership: log,
		body: words,
		readers: pub(cast.sam, cast.ana, cast.ben),
		createdAt: T,
		...over
	});
}

function openAs(env: Envelope, me: Identity, over: Partial<OpenOptions> = {}) {
	const kind = over.expected?.kind ?? env.kind;
	return openEnvelope(env, {
		me,
		expected: { kind, caseId: CASE, objectId: env.objectId },
		membership: log,
		directory: everyone,
		...over
	});
}

const flip = (b: Uint8Array, i: number) => {
	const out = b.slice();
	out[i]! ^= 0x01;
	return out;
};

describe('sealEnvelope / openEnvelope', () => {
	it('opens for every reader, as written, with the author confirmed', async () => {
		const { envelope, header } = await sealInput();
		expect(header).toMatchObject({ version: 1, prev: null, logSeq: 0, author: { userId: 'sam' } });
		for (const me of [cast.sam, cast.ana, cast.ben]) {
			const o = await openAs(envelope, me);
			expect(o.body).toEqual(words);
			expect(o).toMatchObject({ deleted: false, wrappedBy: 'sam', authorConfirmed: true });
		}
	});

	it('refuses everyone without a wrap, and a wrap relabelled for another reader', async () => {
		const { envelope } = await sealInput();
		for (const me of [cast.rio, cast.kit, cast.pat, cast.mal]) {
			expect(await codeOf(() => openAs(envelope, me))).toBe('wrong_reader');
		}
		const anas = envelope.wraps.find((w) => w.reader === 'ana')!;
		const stolen = { ...envelope, wraps: [{ ...anas, reader: 'rio' }] };
		expect(await codeOf(() => openAs(stolen, cast.rio))).toBe('decrypt_failed');
	});

	it('fails closed on a flipped byte anywhere in the header, body or a wrap', async () => {
		const { envelope } = await sealInput({ body: new Uint8Array(24) });
		const headerCodes = new Set<string>();
		for (let i = 0; i < envelope.header.length; i++) {
			headerCodes.add(
				await codeOf(() => openAs({ ...envelope, header: flip(envelope.header, i) }, cast.ana))
			);
		}
		// Whatever the byte, some check refuses it: the decoder, the place, the log or the wrap.
		expect([...headerCodes].sort()).toEqual([
			'author_not_allowed',
			'bad_encoding',
			'bad_length',
			'fingerprint_mismatch',
			'header_mismatch',
			'log_behind',
			'unknown_version'
		]);
		for (let i = 0; i < envelope.body.length; i++) {
			const env = { ...envelope, body: flip(envelope.body, i) };
			expect(await codeOf(() => openAs(env, cast.ana))).toBe('body_mismatch');
		}
		for (const [w, wrap] of envelope.wraps.entries()) {
			const me = cast[wrap.reader as 'sam' | 'ana' | 'ben'];
			for (let i = 0; i < wrap.box.length; i++) {
				const wraps = envelope.wraps.map((x, j) => (j === w ? { ...x, box: flip(x.box, i) } : x));
				expect(await codeOf(() => openAs({ ...envelope, wraps }, me))).toBe('decrypt_failed');
			}
		}
	});

	it('refuses a header or envelope that names another place than where it was fetched', async () => {
		const a = await sealInput();
		const b = await sealInput({ objectId: 'in-2', body: new Uint8Array([9]) });
		// B's header with A's body and wraps: the wraps carry A's header hash.
		const swapped = { ...a.envelope, header: b.envelope.header, objectId: 'in-2' };
		expect(await codeOf(() => openAs(swapped, cast.ana))).toBe('header_mismatch');
		// A served when B was asked for, even with the wire fields rewritten.
		const expected = { kind: 'input', caseId: CASE, objectId: 'in-2' };
		const replay = { ...a.envelope, objectId: 'in-2' };
		expect(await codeOf(() => openAs(replay, cast.ana, { expected }))).toBe('header_mismatch');
		expect(await codeOf(() => openAs(a.envelope, cast.ana, { expected }))).toBe('header_mismatch');
		const otherCase = { ...expected, objectId: 'in-1', caseId: 'case-2' };
		expect(await codeOf(() => openAs(a.envelope, cast.ana, { expected: otherCase }))).toBe(
			'header_mismatch'
		);
		const asVersion2 = { ...expected, objectId: 'in-1', version: 2 };
		expect(await codeOf(() => openAs(a.envelope, cast.ana, { expected: asVersion2 }))).toBe(
			'header_mismatch'
		);
	});

	it('refuses a version below the high-water mark', async () => {
		const v1 = await sealInput();
		const v2 = await sealInput({ prev: v1, body: new Uint8Array([2]) });
		expect(v2.header).toMatchObject({ version: 2, prev: v1.headerHash });
		expect((await openAs(v2.envelope, cast.ana, { highWater: 2 })).header.version).toBe(2);
		expect(await codeOf(() => openAs(v1.envelope, cast.ana, { highWater: 2 }))).toBe('rolled_back');
	});

	it('refuses unknown format versions and kinds', async () => {
		const { envelope } = await sealInput();
		const v2 = { ...envelope, v: 2 } as unknown as Envelope;
		expect(await codeOf(() => openAs(v2, cast.ana))).toBe('unknown_version');
		const header = encode('envelope/header/v2', text('input'));
		expect(await codeOf(() => openAs({ ...envelope, header }, cast.ana))).toBe('unknown_version');
		const future = await craft({
			header: { kind: 'future-kind' },
			wrapper: cast.ana,
			readers: pub(cast.ana)
		});
		expect(await codeOf(() => openAs(future.envelope, cast.ana))).toBe('unknown_version');
	});

	it('refuses a small-order box key (all-zero shared secret) either way', async () => {
		const weak = { ...cast.cam, boxPk: new Uint8Array(32) };
		const weakLog = listMembership([[...standardMembers().slice(0, 6), member(weak, 'community')]]);
		const meeting = {
			kind: 'meeting',
			objectId: 'm-1',
			author: cast.ana,
			membership: weakLog,
			readers: [publicOf(cast.ana), publicOf(weak)]
		};
		expect(await codeOf(() => sealInput(meeting))).toBe('weak_key');
		// A wrap "from" a facilitator whose logged box key is of small order.
		const weakAna = { ...publicOf(cast.ana), boxPk: new Uint8Array(32) };
		const anaLog = listMembership([
			[member(weakAna, 'facilitator'), ...standardMembers().slice(1)]
		]);
		const author = { userId: 'ana', fp: member(weakAna, 'facilitator').fp };
		const { envelope } = await craft({
			header: { author },
			wrapper: cast.ana,
			readers: pub(cast.ben)
		});
		const directory = (id: string) => (id === 'ana' ? weakAna : undefined);
		const opts = { membership: anaLog, directory };
		expect(await codeOf(() => openAs(envelope, cast.ben, opts))).toBe('weak_key');
	});

	it('opens a tombstone to a deleted result, and seals no body in one', async () => {
		const v1 = await sealInput();
		const gone = await sealInput({ prev: v1, body: new Uint8Array(), deleted: true });
		expect(await openAs(gone.envelope, cast.ana)).toMatchObject({ deleted: true, body: null });
		expect(await codeOf(() => sealInput({ prev: v1, deleted: true }))).toBe('bad_encoding');
		// Nothing follows a tombstone.
		expect(await codeOf(() => sealInput({ prev: gone }))).toBe('header_mismatch');
	});

	it('keeps a version chain to one object and, for an input, one author', async () => {
		const v1 = await sealInput();
		const other = await sealInput({ objectId: 'in-2' });
		expect(await codeOf(() => sealInput({ prev: other, objectId: 'in-1' }))).toBe(
			'header_mismatch'
		);
		const forked = { ...v1, headerHash: randomBytes(32) };
		const v2 = await sealInput({ prev: forked });
		expect(v2.header.prev).toEqual(forked.headerHash);
		const riosV2 = { author: cast.rio, prev: v1, readers: pub(cast.rio) };
		expect(await codeOf(() => sealInput(riosV2))).toBe('header_mismatch');
	});

	it('checks a run of stored headers link by link', async () => {
		const v1 = await sealInput();
		const v2 = await sealInput({ prev: v1 });
		const v3 = await sealInput({ prev: v2, body: new Uint8Array(), deleted: true });
		const [a, b, c] = [v1, v2, v3].map((s) => s.envelope.header);
		const chain = await checkHeaderChain([a!, b!, c!]);
		expect(chain.map((v) => v.header.version)).toEqual([1, 2, 3]);
		expect(chain[2]!.headerHash).toEqual(v3.headerHash);
		expect(await codeOf(() => checkHeaderChain([a!, c!]))).toBe('header_mismatch');
		expect(await codeOf(() => checkHeaderChain([b!, a!]))).toBe('header_mismatch');
		// Someone else's "version 2" of sam's input: right link, wrong author.
		const { envelope } = await craft({
			header: {
				kind: 'input',
				objectId: 'in-1',
				version: 2,
				prev: v1.headerHash,
				author: { userId: 'rio', fp: member(cast.rio, 'responsible').fp }
			},
			wrapper: cast.rio,
			readers: pub(cast.ana)
		});
		expect(await openAs(envelope, cast.ana)).toMatchObject({ header: { version: 2 } });
		expect(await codeOf(() => checkHeaderChain([a!, envelope.header]))).toBe('header_mismatch');
	});

	it('carries an attachment whose chunks open with the content key', async () => {
		const data = randomBytes(1000);
		const s = await sealInput({ attachment: data, chunkSize: 256 });
		expect(s.chunks).toHaveLength(4);
		const o = await openAs(s.envelope, cast.ana);
		const { openAttachment } = await import('./attachment');
		expect(await openAttachment(o.contentKey, o.header.attachment!, s.chunks)).toEqual(data);
	});
	it('carries an attachment streamed chunk by chunk under a key the caller keeps', async () => {
		const { sealChunk, openAttachment } = await import('./attachment');
		const data = randomBytes(700);
		const contentKey = randomBytes(32);
		const parts = [data.subarray(0, 256), data.subarray(256, 512), data.subarray(512)];
		// Out of order, as parallel uploads finish: each hash is bound to its index anyway.
		const done = await Promise.all(parts.map((p, i) => sealChunk(contentKey, i, 3, p)));
		const info = { size: 700, chunkSize: 256, chunks: done.map((d) => d.hash) };
		const s = await sealInput({ streamed: { contentKey, info } });
		expect(contentKey.some((b) => b !== 0)).toBe(true);
		const o = await openAs(s.envelope, cast.ben);
		const chunks = done.map((d) => d.sealed);
		expect(await openAttachment(o.contentKey, o.header.attachment!, chunks)).toEqual(data);
		expect(await codeOf(() => sealChunk(contentKey, 3, 3, parts[0]!))).toBe('bad_encoding');
		const tomb = { streamed: { contentKey, info }, deleted: true, body: new Uint8Array(0) };
		expect(await codeOf(() => sealInput(tomb))).toBe('bad_encoding');
	});
});

describe('sealing checks what readers will check', () => {
	it('refuses readers, wrappers and authors the rules do not allow', async () => {
		expect(await codeOf(() => sealInput({ readers: pub(cast.sam, cast.rio) }))).toBe(
			'reader_not_allowed'
		);
		expect(await codeOf(() => sealInput({ readers: pub(cast.sam, cast.pat) }))).toBe(
			'reader_not_allowed'
		);
		expect(await codeOf(() => sealInput({ author: cast.kit, readers: pub(cast.kit) }))).toBe(
			'author_not_allowed'
		);
		const checkIn = { kind: 'check-in', author: cast.rio, readers: pub(cast.rio, cast.sam) };
		expect(await codeOf(() => sealInput(checkIn))).toBe('wrapper_not_allowed');
		expect(await codeOf(() => sealInput({ readers: [] }))).toBe('reader_not_allowed');
	});

	it("refuses a reader whose keys are not the ones the log binds (the server's own)", async () => {
		const serverKeys = { ...publicOf(cast.mal), userId: 'ana' };
		expect(await codeOf(() => sealInput({ readers: [publicOf(cast.sam), serverKeys] }))).toBe(
			'fingerprint_mismatch'
		);
	});

	it('refuses a log of another case, a missing log, or a log in personal scope', async () => {
		expect(
			await codeOf(() => sealInput({ membership: listMembership([standardMembers()], 'x') }))
		).toBe('bad_log');
		expect(await codeOf(() => sealInput({ membership: null }))).toBe('bad_log');
		const notebook = { kind: 'notebook', scope: null, readers: pub(cast.sam) };
		expect(await codeOf(() => sealInput(notebook))).toBe('bad_log');
	});
});

describe('who wrapped, as of when', () => {
	it('refuses a wrap by someone the rules do not let add readers', async () => {
		const { envelope } = await sealInput();
		const o = await openAs(envelope, cast.ana);
		// A facilitator cannot share a survivor's input onwards; only its author can.
		const wraps = [forgeWrap(o, cast.ana, publicOf(cast.cam), 0)];
		expect(await codeOf(() => openAs({ ...envelope, wraps }, cast.cam))).toBe(
			'wrapper_not_allowed'
		);
		const toRio = [forgeWrap(o, cast.sam, publicOf(cast.rio), 0)];
		expect(await codeOf(() => openAs({ ...envelope, wraps: toRio }, cast.rio))).toBe(
			'reader_not_allowed'
		);
		// A wrap labelled as the author's but boxed by someone else does not open.
		const posing = [forgeWrap(o, cast.rio, publicOf(cast.ana), 0, 'sam')];
		expect(await codeOf(() => openAs({ ...envelope, wraps: posing }, cast.ana))).toBe(
			'decrypt_failed'
		);
		const relabelled = [forgeWrap(o, cast.sam, publicOf(cast.ana), 0, 'ben')];
		relabelled[0]!.wrapper = 'sam';
		expect(await codeOf(() => openAs({ ...envelope, wraps: relabelled }, cast.ana))).toBe(
			'wrapper_not_allowed'
		);
	});

	it("judges the wrapper at the seq in the wrap, never before the object's own", async () => {
		const history = [standardMembers(), standardMembers().filter((m) => m.userId !== 'ben')];
		const membership = listMembership(history);
		const { envelope, keyed } = await craft({ wrapper: cast.ana, readers: [] });
		const late = { ...envelope, wraps: [forgeWrap(keyed, cast.ben, publicOf(cast.ana), 1)] };
		expect(await codeOf(() => openAs(late, cast.ana, { membership }))).toBe('wrapper_not_allowed');
		const early = { ...envelope, wraps: [forgeWrap(keyed, cast.ben, publicOf(cast.ana), 0)] };
		expect((await openAs(early, cast.ana, { membership })).wrappedBy).toBe('ben');
		const seq1 = await craft({ header: { logSeq: 1 }, wrapper: cast.ana, readers: [], wrapSeq: 0 });
		const before = {
			...seq1.envelope,
			wraps: [forgeWrap(seq1.keyed, cast.ana, publicOf(cast.ana), 0)]
		};
		expect(await codeOf(() => openAs(before, cast.ana, { membership }))).toBe(
			'wrapper_not_allowed'
		);
		const ahead = { ...envelope, wraps: [forgeWrap(keyed, cast.ana, publicOf(cast.ben), 5)] };
		expect(await codeOf(() => openAs(ahead, cast.ben, { membership }))).toBe('log_behind');
	});

	it('refuses an author the log does not bind to those keys or that kind', async () => {
		const fp = new Uint8Array(32).fill(7);
		const fake = await craft({
			header: { author: { userId: 'ana', fp } },
			wrapper: cast.ana,
			readers: pub(cast.ben)
		});
		expect(await codeOf(() => openAs(fake.envelope, cast.ben))).toBe('fingerprint_mismatch');
		const { fp: rioFp } = member(cast.rio, 'responsible');
		const rio = await craft({
			header: { author: { userId: 'rio', fp: rioFp } },
			wrapper: cast.rio,
			readers: pub(cast.ana)
		});
		expect(await codeOf(() => openAs(rio.envelope, cast.ana))).toBe('author_not_allowed');
		const future = await craft({
			header: { logSeq: 3 },
			wrapper: cast.ana,
			readers: pub(cast.ben)
		});
		expect(await codeOf(() => openAs(future.envelope, cast.ben))).toBe('log_behind');
	});

	it('refuses a body sealed under the same key but not the one the header names', async () => {
		const { envelope, keyed } = await craft({ wrapper: cast.ana, readers: pub(cast.ben) });
		const { seal } = await import('./primitives');
		const other = { ...envelope, body: seal(keyed.contentKey, new Uint8Array([1, 2, 3])) };
		expect(await codeOf(() => openAs(other, cast.ben))).toBe('body_mismatch');
	});
});

describe('addReaders', () => {
	it('lets a facilitator give a later co-facilitator an existing object', async () => {
		const before = listMembership([standardMembers().filter((m) => m.userId !== 'ben')]);
		const after = listMembership([
			before.membersAt() && [...before.membersAt().values()],
			standardMembers()
		]);
		const s = await sealInput({
			kind: 'case-summary',
			author: cast.ana,
			membership: before,
			readers: pub(cast.ana)
		});
		const o = await openAs(s.envelope, cast.ana, { membership: after });
		const wraps = addReaders(o, cast.ana, after, pub(cast.ben));
		const env = { ...s.envelope, wraps: [...s.envelope.wraps, ...wraps] };
		expect(await openAs(env, cast.ben, { membership: after })).toMatchObject({
			body: words,
			wrappedBy: 'ana',
			authorConfirmed: true
		});
		// Another facilitator's wrap: the rules allow it; the author is no longer confirmed.
		const meeting = await sealInput({
			kind: 'meeting',
			author: cast.ana,
			membership: after,
			readers: pub(cast.ben)
		});
		const ob = await openAs(meeting.envelope, cast.ben, { membership: after });
		const toCam = { ...meeting.envelope, wraps: addReaders(ob, cast.ben, after, pub(cast.cam)) };
		expect(await openAs(toCam, cast.cam, { membership: after })).toMatchObject({
			wrappedBy: 'ben',
			authorConfirmed: false
		});
	});

	it('refuses what the reader would refuse', async () => {
		const s = await sealInput();
		const o = await openAs(s.envelope, cast.ana);
		expect(await codeOf(() => addReaders(o, cast.ana, log, pub(cast.cam)))).toBe(
			'wrapper_not_allowed'
		);
		const os = await openAs(s.envelope, cast.sam);
		expect(await codeOf(() => addReaders(os, cast.sam, log, pub(cast.rio)))).toBe(
			'reader_not_allowed'
		);
		expect(await codeOf(() => addReaders(os, cast.mal, log, pub(cast.ana)))).toBe(
			'wrapper_not_allowed'
		);
		const impostor = { ...cast.mal, userId: 'sam' };
		expect(await codeOf(() => addReaders(os, impostor, log, pub(cast.ana)))).toBe(
			'fingerprint_mismatch'
		);
		const shared = addReaders(os, cast.sam, log, pub(cast.kit));
		expect((await openAs({ ...s.envelope, wraps: shared }, cast.kit)).body).toEqual(words);
	});
});

describe('personal scope', () => {
	const notebook = (author: Identity, readers = [publicOf(author)]) =>
		sealEnvelope({
			kind: 'notebook',
			scope: null,
			objectId: 'nb',
			prev: null,
			author,
			membership: null,
			body: words,
			readers,
			createdAt: T
		});
	const openMine = (env: Envelope, me: Identity, directory = everyone) =>
		openEnvelope(env, {
			me,
			expected: { kind: 'notebook', caseId: null, objectId: 'nb' },
			membership: null,
			directory
		});

	it('is for the person alone', async () => {
		const { envelope } = await notebook(cast.sam);
		expect((await openMine(envelope, cast.sam)).body).toEqual(words);
		expect(await codeOf(() => openMine(envelope, cast.ana))).toBe('author_not_allowed');
		const toAna = () => notebook(cast.sam, pub(cast.sam, cast.ana));
		expect(await codeOf(toAna)).toBe('reader_not_allowed');
	});

	it('refuses anything wrapped or written by anyone else', async () => {
		const fp = member(cast.sam, 'survivor').fp;
		const header = {
			kind: 'notebook',
			caseId: null,
			objectId: 'nb',
			logSeq: null,
			author: { userId: 'sam', fp }
		};
		const forged = await craft({ header, wrapper: cast.mal, readers: pub(cast.sam), label: 'mal' });
		expect(await codeOf(() => openMine(forged.envelope, cast.sam))).toBe('wrapper_not_allowed');
		const stranger = await craft({
			header: { ...header, author: { userId: 'sam', fp: new Uint8Array(32) } },
			wrapper: cast.sam,
			readers: pub(cast.sam)
		});
		expect(await codeOf(() => openMine(stranger.envelope, cast.sam))).toBe('fingerprint_mismatch');
	});
});

describe('properties', () => {
	const ids = ['ana', 'ben', 'sam', 'rio', 'kit', 'pat', 'cam'] as const;

	it('every chosen meeting invitee opens; nobody else does', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.uint8Array({ maxLength: 2048 }),
				fc.subarray([...ids], { minLength: 1 }),
				async (body, invited) => {
					const readers = invited.map((u) => publicOf(cast[u]));
					const s = await sealInput({ kind: 'meeting', author: cast.ana, body, readers });
					for (const u of ids) {
						if (invited.includes(u)) expect((await openAs(s.envelope, cast[u])).body).toEqual(body);
						else expect(await codeOf(() => openAs(s.envelope, cast[u]))).toBe('wrong_reader');
					}
				}
			),
			{ numRuns: 25 }
		);
	});

	it('round-trips bodies from 0 bytes to a few hundred KB', async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 0, max: 400_000 }), async (n) => {
				const body = randomBytes(n);
				const s = await sealInput({ body });
				// Compared as bytes: a deep toEqual over 400 KB takes seconds.
				expect(equalBytes((await openAs(s.envelope, cast.ben)).body!, body)).toBe(true);
			}),
			{ numRuns: 6, examples: [[0], [400_000]] }
		);
	});
});

describe('cost', () => {
	it('seals a 64 KB body for 5 readers and opens it in a few ms (budget: 50 ms throttled)', async () => {
		const body = randomBytes(64 * 1024);
		const readers = pub(cast.ana, cast.ben, cast.sam, cast.kit, cast.cam);
		const times: number[] = [];
		for (let i = 0; i < 6; i++) {
			const t0 = performance.now();
			const s = await sealInput({ body, readers });
			await openAs(s.envelope, cast.cam);
			times.push(performance.now() - t0);
		}
		// About 5 ms here; a phone-class CPU is ~4–6× slower. The best run ignores a busy CI.
		expect(Math.min(...times)).toBeLessThan(10);
	});
});
