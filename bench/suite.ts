import { equalBytes } from '../src/lib/crypto/bytes';
import { validateLog } from '../src/lib/crypto/case-log';
import { entryFromJson } from '../src/lib/crypto/case-log-json';
import {
	envelopeFromJson,
	envelopeToJson,
	openEnvelope,
	sealEnvelope,
	type OpenOptions,
	type SealParams
} from '../src/lib/crypto/envelope';
import { generateIdentity, publicOf } from '../src/lib/crypto/identity';
import { randomBytes, sign } from '../src/lib/crypto/primitives';
import { openChunk, sealChunk } from '../src/lib/crypto/attachment';
import { CHUNK_BYTES } from '../src/lib/attachment-limits';
import { circleCode, safetyNumber } from '../src/lib/crypto/safety-number';
import {
	CONTEXT,
	T0,
	directoryOf,
	facilitatorCircle,
	personFromJson,
	type LogWire
} from './fixtures';

/**
 * The operations the budgets are about, timed where they run: this module is both the page's
 * entry (bundled by bench/run.js, exposed as `circlekeeperBench`) and the Node side's module,
 * so Chromium and Node measure exactly the same code. Setup is never timed.
 */
export { longLog } from './fixtures';

export const BODY_BYTES = 64 * 1024;
/** One MiB of a letter or recording, in the chunks the browser uploads (256 KiB each). */
export const FILE_BYTES = 1024 * 1024;

const KIND = 'case-summary';
const OBJECT_ID = 'summary-1';

export type Plan = { warmup: number; runs: number; minRuns: number; capMs: number };
type Operation = () => unknown;

let operations: Map<string, Operation> | undefined;

/** Builds every fixture and checks each operation once, so a broken one fails loudly. */
export async function prepare(log: LogWire): Promise<string[]> {
	const { people, step } = await facilitatorCircle(5);
	// Facilitator 1 writes the summary for all five (themselves included); facilitator 3 opens it.
	const author = people[0]!;
	const reader = people[2]!;
	const readers = people.map(publicOf);
	const body = randomBytes(BODY_BYTES);
	const params: SealParams = {
		kind: KIND,
		scope: CONTEXT.caseId,
		objectId: OBJECT_ID,
		prev: null,
		author,
		membership: step.membership,
		body,
		readers,
		createdAt: T0 + 60_000
	};
	const options: OpenOptions = {
		me: reader,
		expected: { kind: KIND, caseId: CONTEXT.caseId, objectId: OBJECT_ID },
		membership: step.membership,
		directory: directoryOf(readers)
	};
	const { envelope } = await sealEnvelope(params);
	const wire = JSON.stringify(envelopeToJson(envelope));
	const logDirectory = directoryOf(log.people.map(personFromJson));
	const validate = async () => {
		const json = JSON.parse(log.entries) as unknown[];
		const entries = json.map((e) => entryFromJson(e, CONTEXT));
		return validateLog(entries, { ...CONTEXT, directory: logDirectory });
	};

	const opened = await openEnvelope(envelope, options);
	if (opened.deleted || !equalBytes(opened.body, body) || envelope.wraps.length !== 5) {
		throw new Error('the benchmark envelope did not round-trip');
	}
	const logLength = (JSON.parse(log.entries) as unknown[]).length;
	if ((await validate()).headSeq !== logLength - 1)
		throw new Error('the long log did not validate');

	// A file streamed as the composer does: seal and hash each chunk; the reader checks and opens.
	const fileKey = randomBytes(32);
	const file = randomBytes(FILE_BYTES);
	const count = FILE_BYTES / CHUNK_BYTES;
	const parts = Array.from({ length: count }, (_, i) =>
		file.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES)
	);
	const sealFile = () => Promise.all(parts.map((p, i) => sealChunk(fileKey, i, count, p)));
	const sealedFile = await sealFile();
	const fileInfo = {
		size: FILE_BYTES,
		chunkSize: CHUNK_BYTES,
		chunks: sealedFile.map((c) => c.hash)
	};
	const openFile = () =>
		Promise.all(sealedFile.map((c, i) => openChunk(fileKey, fileInfo, i, c.sealed)));
	if (!equalBytes((await openFile())[3]!, parts[3]!))
		throw new Error('the file did not round-trip');

	operations = new Map<string, Operation>([
		['seal-file', sealFile],
		['open-file', openFile],
		['seal', () => sealEnvelope(params)],
		['open', () => openEnvelope(envelope, options)],
		[
			'seal-wire',
			async () => JSON.stringify(envelopeToJson((await sealEnvelope(params)).envelope))
		],
		['open-wire', () => openEnvelope(envelopeFromJson(JSON.parse(wire)), options)],
		['validate-log', validate],
		['safety-number', () => safetyNumber(CONTEXT.deploymentId, readers[0]!, readers[2]!)],
		['circle-code', () => circleCode(CONTEXT.deploymentId, step.membership)]
	]);
	return [...operations.keys()];
}

/** Milliseconds per run, after `warmup` untimed runs; stops early past `capMs` once `minRuns` are in. */
export async function run(name: string, plan: Plan): Promise<number[]> {
	const op = operations?.get(name);
	if (!op) throw new Error(`unknown operation ${name} (call prepare first)`);
	for (let i = 0; i < plan.warmup; i++) await op();
	const times: number[] = [];
	const start = performance.now();
	while (
		times.length < plan.runs &&
		(times.length < plan.minRuns || performance.now() - start < plan.capMs)
	) {
		const t = performance.now();
		await op();
		times.push(performance.now() - t);
	}
	return times;
}

/**
 * Which Ed25519 verification primitives.ts will use here: the same feature test it makes
 * (WebCrypto import + verify), on a fresh key, with tweetnacl as the fallback.
 */
export async function ed25519Path(): Promise<'WebCrypto' | 'tweetnacl'> {
	const id = generateIdentity('probe');
	const message = new Uint8Array([1, 2, 3]);
	try {
		const key = await crypto.subtle.importKey('raw', id.signPk as BufferSource, 'Ed25519', false, [
			'verify'
		]);
		const sig = sign(message, id.signSk) as BufferSource;
		return (await crypto.subtle.verify('Ed25519', key, sig, message)) ? 'WebCrypto' : 'tweetnacl';
	} catch {
		return 'tweetnacl';
	}
}
