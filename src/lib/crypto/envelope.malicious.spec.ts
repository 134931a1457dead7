import { beforeEach, describe, expect, it } from 'vitest';
import { openAttachment } from './attachment';
import { entryFromJson, entryToJson, type CaseLogEntryJson } from './case-log-json';
import { validateLog, type LogStep } from './case-log';
import { codeOf, CONTEXT, people, standardLog, step, subjectOf } from './case-log.fixtures';
import {
	envelopeFromJson,
	envelopeToJson,
	openEnvelope,
	sealEnvelope,
	type EnvelopeJson,
	type SealParams
} from './envelope';
import { craft, forgeWrap } from './envelope.fixtures';
import { publicOf, type Identity, type PublicIdentity } from './identity';
import {
	emptyPersonalState,
	markKey,
	raiseLogHead,
	raiseMark,
	type PersonalState
} from './personal-state';

/**
 * A malicious server against honest client code. The server holds the directory, the case
 * log and every envelope, and serves whatever it likes; clients validate the real case log,
 * keep personal state (high-water marks, log heads) and open envelopes with openEnvelope.
 */
const { ana, ben, sam, rio, mal } = people;
const { caseId } = CONTEXT;
type Where = { caseId: string; kind: string; objectId: string };

function maliciousServer(start: LogStep) {
	const directory = new Map<string, PublicIdentity>();
	for (const id of Object.values(people)) directory.set(id.userId, publicOf(id));
	const log: CaseLogEntryJson[] = start.entries.map(entryToJson);
	const objects = new Map<string, EnvelopeJson[]>();
	const key = (w: Where) => markKey(w.caseId, w.kind, w.objectId);
	return {
		directory,
		log,
		objects,
		lookup: (userId: string) => directory.get(userId),
		put(where: Where, json: EnvelopeJson) {
			objects.set(key(where), [...(objects.get(key(where)) ?? []), json]);
		},
		/** Honest by default: the newest version. Tests overwrite what it serves. */
		latest: (where: Where) => objects.get(key(where))!.at(-1)!
	};
}
type Server = ReturnType<typeof maliciousServer>;

/** One person's browser: their keys, their personal state, and only library calls. */
function client(me: Identity, server: Server) {
	let state: PersonalState = emptyPersonalState();
	async function membership() {
		const entries = server.log.map((j) => entryFromJson(j, CONTEXT));
		const known = state.logHeads.get(caseId);
		const m = await validateLog(entries, { ...CONTEXT, directory: server.lookup, known });
		state = raiseLogHead(state, caseId, { seq: m.headSeq, hash: m.headHash });
		return m;
	}
	return {
		async write(where: Where, p: Partial<SealParams> & { readers: Identity[]; body: Uint8Array }) {
			const readers = p.readers.map((r) => server.lookup(r.userId)!);
			const sealed = await sealEnvelope({
				kind: where.kind,
				scope: where.caseId,
				objectId: where.objectId,
				prev: null,
				author: me,
				membership: await membership(),
				createdAt: 1,
				...p,
				readers
			});
			server.put(where, envelopeToJson(sealed.envelope));
			return sealed;
		},
		async read(where: Where, json = server.latest(where)) {
			const mark = markKey(where.caseId, where.kind, where.objectId);
			const opened = await openEnvelope(envelopeFromJson(json), {
				me,
				expected: where,
				membership: await membership(),
				directory: server.lookup,
				highWater: state.marks.get(mark)
			});
			state = raiseMark(state, mark, opened.header.version);
			return opened;
		}
	};
}

const words = (s: string) => new TextEncoder().encode(s);
const samsInput = { caseId, kind: 'input', objectId: 'input-sam' };
const summary = { caseId, kind: 'case-summary', objectId: 'summary' };
let server: Server;

beforeEach(async () => {
	server = maliciousServer(await standardLog());
});

describe('a malicious server', () => {
	it('cannot roll an object back once a reader saw a newer version', async () => {
		const v1 = await client(sam, server).write(samsInput, {
			body: words('v1'),
			readers: [sam, ana]
		});
		await client(sam, server).write(samsInput, {
			prev: v1,
			body: words('v2'),
			readers: [sam, ana]
		});
		const anaBrowser = client(ana, server);
		expect((await anaBrowser.read(samsInput)).header.version).toBe(2);
		const old = server.objects.get(markKey(caseId, 'input', 'input-sam'))![0]!;
		expect(await codeOf(() => anaBrowser.read(samsInput, old))).toBe('rolled_back');
	});

	it('cannot swap headers between objects, or replay one under another object or case', async () => {
		const anaBrowser = client(ana, server);
		await client(sam, server).write(samsInput, { body: words('mine'), readers: [sam, ana] });
		await anaBrowser.write(summary, { body: words('summary'), readers: [ana, ben] });
		const input = server.latest(samsInput);
		const sum = server.latest(summary);
		const swapped = { ...sum, header: input.header, kind: 'input', objectId: 'input-sam' };
		expect(await codeOf(() => anaBrowser.read(samsInput, swapped))).toBe('header_mismatch');
		const other = { ...samsInput, objectId: 'input-rio' };
		expect(await codeOf(() => anaBrowser.read(other, { ...input, objectId: 'input-rio' }))).toBe(
			'header_mismatch'
		);
		expect(await codeOf(() => anaBrowser.read(summary, input))).toBe('header_mismatch');
		// The same object id in another case: the header names case-1.
		const elsewhere = { ...samsInput, caseId: 'case-2' };
		expect(await codeOf(() => openAsAna(input, elsewhere))).toBe('header_mismatch');
	});

	it("cannot pass off a responsible party's fake input as the survivor's", async () => {
		const m = await validate();
		const samAsAuthor = { ...subjectOf(sam) };
		const header = { kind: 'input', objectId: 'input-sam', author: samAsAuthor, logSeq: m.headSeq };
		const body = words('I forgive everything, drop the case');
		// Wrapped by rio, honestly labelled: rio may not wrap a survivor's input for anyone.
		const fake = await craft({ header, body, wrapper: rio, readers: [publicOf(ana)] });
		expect(
			await codeOf(() => client(ana, server).read(samsInput, envelopeToJson(fake.envelope)))
		).toBe('wrapper_not_allowed');
		// Labelled as sam's own wrap: box does not open with sam's keys.
		const posing = await craft({
			header,
			body,
			wrapper: rio,
			readers: [publicOf(ana)],
			label: 'sam'
		});
		expect(
			await codeOf(() => client(ana, server).read(samsInput, envelopeToJson(posing.envelope)))
		).toBe('decrypt_failed');
	});

	it("cannot get a survivor's input to the responsible party by relabelling a wrap", async () => {
		await client(sam, server).write(samsInput, { body: words('mine'), readers: [sam, ana] });
		const json = server.latest(samsInput);
		const toRio = { ...json, wraps: json.wraps.map((w) => ({ ...w, reader: 'rio' })).slice(0, 1) };
		expect(await codeOf(() => client(rio, server).read(samsInput, toRio))).toBe('decrypt_failed');
	});

	it('cannot substitute its own key for a reader: the author checks the log', async () => {
		// sam never signs the log, so the log still validates: only sealing can catch it.
		server.directory.set('sam', { ...publicOf(mal), userId: 'sam' });
		const where = { caseId, kind: 'interim-summary', objectId: 'interim' };
		const write = () =>
			client(ana, server).write(where, { body: words('so far'), readers: [ana, sam] });
		expect(await codeOf(write)).toBe('fingerprint_mismatch');
	});

	it('cannot substitute its own key for a wrapper: the reader checks the log', async () => {
		const m = await validate();
		// sam never signs the log, so only the envelope shows the lie.
		const header = {
			kind: 'interim-comment',
			objectId: 'c-1',
			author: subjectOf(sam),
			logSeq: m.headSeq
		};
		const forged = await craft({ header, wrapper: mal, readers: [publicOf(ana)], label: 'sam' });
		server.directory.set('sam', { ...publicOf(mal), userId: 'sam' });
		const where = { caseId, kind: 'interim-comment', objectId: 'c-1' };
		expect(
			await codeOf(() => client(ana, server).read(where, envelopeToJson(forged.envelope)))
		).toBe('fingerprint_mismatch');
	});

	it('cannot let a removed facilitator add readers after their removal', async () => {
		const before = await standardLog();
		const after = await step(before, 'remove', ben, 'facilitator');
		server.log.splice(0, server.log.length, ...after.entries.map(entryToJson));
		const { envelope, keyed } = await craft({
			header: { objectId: 'summary', logSeq: 0 },
			wrapper: ana,
			readers: []
		});
		const toAna = {
			...envelope,
			wraps: [forgeWrap(keyed, ben, publicOf(ana), after.membership.headSeq)]
		};
		expect(await codeOf(() => client(ana, server).read(summary, envelopeToJson(toAna)))).toBe(
			'wrapper_not_allowed'
		);
	});

	it('cannot hide the log entries an envelope was written under', async () => {
		await client(ana, server).write(summary, { body: words('summary'), readers: [ana, ben] });
		const full = [...server.log];
		server.log.splice(2);
		const fresh = client(ben, server);
		// A browser that never saw the full log: the envelope names a seq beyond what it is shown.
		expect(await codeOf(() => fresh.read(summary))).toBe('log_behind');
		// A browser that did: the shorter log itself is refused.
		server.log.splice(0, server.log.length, ...full);
		const seen = client(ben, server);
		await seen.read(summary);
		server.log.splice(2);
		expect(await codeOf(() => seen.read(summary))).toBe('rolled_back');
	});

	it('cannot reorder, drop or swap attachment chunks', async () => {
		const where = { caseId, kind: 'conversation', objectId: 'letter' };
		const data = new Uint8Array(3000).map((_, i) => i);
		const sealed = await client(sam, server).write(where, {
			body: words('a letter'),
			subject: 'sam',
			attachment: data,
			chunkSize: 1024,
			readers: [sam, ana]
		});
		const opened = await client(ana, server).read(where);
		const [a, b, c] = sealed.chunks as [Uint8Array, Uint8Array, Uint8Array];
		const info = opened.header.attachment!;
		expect(await openAttachment(opened.contentKey, info, [a, b, c])).toEqual(data);
		for (const bad of [
			[b, a, c],
			[a, b],
			[a, a, c],
			[a, b, c, c]
		]) {
			expect(await codeOf(() => openAttachment(opened.contentKey, info, bad))).toBe(
				'body_mismatch'
			);
		}
	});
});

async function validate() {
	const entries = server.log.map((j) => entryFromJson(j, CONTEXT));
	return validateLog(entries, { ...CONTEXT, directory: server.lookup });
}

async function openAsAna(json: EnvelopeJson, expected: Where) {
	return openEnvelope(envelopeFromJson(json), {
		me: ana,
		expected,
		membership: await validate(),
		directory: server.lookup
	});
}
