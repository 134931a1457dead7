import type { WireCaseEnvelope } from '$lib/case-envelope-wire';
import { wipe } from '$lib/crypto/bytes';
import {
	addReaders,
	envelopeFromJson,
	envelopeToJson,
	openEnvelope,
	sealEnvelope,
	type Opened,
	type PreviousVersion
} from '$lib/crypto/envelope';
import { toBase64url } from '$lib/crypto/bytes';
import type { AttachmentInfo } from '$lib/crypto/attachment';
import type { PublicIdentity } from '$lib/crypto/identity';
import { getJson, postJson, putJson, RequestProblem } from './http';
import type { CaseContext } from './case-log';
import { ContentTooLong } from './content-errors';

/**
 * Case objects (summary, notes, invite secrets, input): sealed here for the readers the rules
 * allow, opened here after every check the crypto library makes. The server sees ciphertext,
 * sizes and who may read.
 */

export type CaseKind =
	| 'case-summary'
	| 'facilitator-notes'
	| 'invite-secret'
	| 'input'
	| 'interim-summary'
	| 'interim-comment'
	| 'conversation'
	| 'relay'
	| 'meeting'
	| 'agreement'
	| 'check-in';

export type StoredCaseObject = WireCaseEnvelope<CaseKind>;

/** The newest version of each object of these kinds (about `subject`, if given) for me. */
export async function listCaseObjects(caseId: string, kinds: CaseKind[], subject?: string) {
	const about = subject === undefined ? '' : `&subject=${encodeURIComponent(subject)}`;
	const { envelopes } = await getJson<{ envelopes: StoredCaseObject[] }>(
		`/api/cases/${caseId}/envelopes?kind=${kinds.join(',')}${about}`
	);
	return envelopes;
}

export async function getCaseObject(caseId: string, objectId: string, version: number) {
	try {
		const { envelope } = await getJson<{ envelope: StoredCaseObject }>(
			`/api/cases/${caseId}/envelopes/${objectId}?version=${version}`
		);
		return envelope;
	} catch (e) {
		if (e instanceof RequestProblem && e.status === 404) return null;
		throw e;
	}
}

export async function openCaseObject(ctx: CaseContext, row: StoredCaseObject): Promise<Opened> {
	const { v, kind, objectId, version, header, body, wrap } = row;
	return openEnvelope(
		envelopeFromJson({ v, kind, objectId, version, header, body, wraps: [wrap] }),
		{
			me: ctx.me,
			expected: { kind, caseId: ctx.caseId, objectId, version },
			membership: ctx.membership,
			directory: (id) => ctx.directory.get(id)
		}
	);
}

/** Opens, hands the body to `read`, and wipes the content key; the body is the caller's. */
export async function readCaseObject<T>(
	ctx: CaseContext,
	row: StoredCaseObject,
	read: (body: Uint8Array | null, opened: Opened) => T
): Promise<T> {
	const opened = await openCaseObject(ctx, row);
	try {
		return read(opened.body, opened);
	} finally {
		wipe(opened.contentKey);
	}
}

export function keysOf(ctx: CaseContext, userIds: Iterable<string>): PublicIdentity[] {
	const out: PublicIdentity[] = [];
	for (const id of new Set(userIds)) {
		const pub = ctx.directory.get(id);
		if (pub) out.push(pub);
	}
	return out;
}

/** The facilitators the validated log names now. */
export function logFacilitators(ctx: CaseContext): string[] {
	return [...ctx.membership.membersAt().values()]
		.filter((m) => m.role === 'facilitator')
		.map((m) => m.userId);
}

export type SealRequest = {
	kind: CaseKind;
	objectId: string;
	prev: PreviousVersion | null;
	body: Uint8Array;
	readers: string[];
	subject?: string | null;
	deleted?: boolean;
	/** A finished upload (attachments.ts) this version carries, sealed under its content key. */
	file?: { uploadId: string; streamed: { contentKey: Uint8Array; info: AttachmentInfo } };
};

/** What one case object may hold: the server refuses more than 256 KiB of ciphertext. */
export const CASE_BODY_MAX_BYTES = 255 * 1024;

/** Seals the next version for these readers and stores it; a 409 means someone wrote first. */
export async function sealCaseObject(ctx: CaseContext, r: SealRequest) {
	if (r.body.length > CASE_BODY_MAX_BYTES) throw new ContentTooLong();
	const sealed = await sealEnvelope({
		kind: r.kind,
		scope: ctx.caseId,
		objectId: r.objectId,
		prev: r.prev,
		author: ctx.me,
		membership: ctx.membership,
		subject: r.subject ?? null,
		body: r.body,
		readers: keysOf(ctx, [ctx.me.userId, ...r.readers]),
		createdAt: Date.now(),
		deleted: r.deleted,
		streamed: r.file?.streamed
	});
	return { sealed, json: toStored(sealed.envelope, r) };
}

function toStored(envelope: Parameters<typeof envelopeToJson>[0], r: SealRequest) {
	const json = envelopeToJson(envelope);
	return {
		v: 1 as const,
		kind: r.kind,
		objectId: r.objectId,
		version: json.version,
		subject: r.subject ?? null,
		deleted: !!r.deleted,
		header: json.header,
		body: json.body,
		wraps: json.wraps,
		attachment: r.file?.uploadId ?? null
	};
}

export async function putCaseObject(ctx: CaseContext, r: SealRequest) {
	const { sealed, json } = await sealCaseObject(ctx, r);
	await putJson(`/api/cases/${ctx.caseId}/envelopes/${r.objectId}`, json);
	return sealed;
}

/**
 * Kinds every facilitator reads and any facilitator may share further (DESIGN §4): they follow
 * the facilitators. A party's own input is not among them: only its author adds readers.
 */
const FOLLOW_FACILITATORS: CaseKind[] = [
	'case-summary',
	'facilitator-notes',
	'invite-secret',
	'interim-summary',
	'interim-comment',
	'conversation',
	'relay',
	'meeting',
	'agreement',
	'check-in'
];

/**
 * Whoever the log names as a facilitator but has no wrap yet (a new co-facilitator) is given
 * one, for every object of those kinds, by the first facilitator browser to notice.
 */
export async function shareWithFacilitators(ctx: CaseContext): Promise<number> {
	const facilitators = logFacilitators(ctx);
	if (!facilitators.includes(ctx.me.userId)) return 0;
	const rows = await listCaseObjects(ctx.caseId, FOLLOW_FACILITATORS);
	let shared = 0;
	for (const row of rows) {
		if (row.deleted) continue;
		shared += await addCaseReaders(ctx, row, facilitators);
	}
	return shared;
}

/**
 * Gives this version to whichever of `readers` it is not wrapped for yet (the rules are checked
 * again when the envelope is opened, and by the server). Returns how many were added.
 */
export async function addCaseReaders(
	ctx: CaseContext,
	row: StoredCaseObject,
	readers: string[],
	/** Where the wraps go: the object's own endpoint unless a workflow has one (a check-in). */
	url = `/api/cases/${ctx.caseId}/envelopes/${row.objectId}/wraps`
): Promise<number> {
	const missing = readers.filter((id) => !row.readers.includes(id));
	if (missing.length === 0) return 0;
	const opened = await openCaseObject(ctx, row);
	try {
		const wraps = addReaders(opened, ctx.me, ctx.membership, keysOf(ctx, missing));
		if (wraps.length === 0) return 0;
		await postJson(url, {
			version: row.version,
			wraps: wraps.map((w) => ({ reader: w.reader, wrapper: w.wrapper, box: toBase64url(w.box) }))
		});
		return wraps.length;
	} finally {
		wipe(opened.contentKey);
	}
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Content bodies are JSON in UTF-8: JSON is never signed, only sealed and hashed. */
export const jsonBody = (value: unknown) => encoder.encode(JSON.stringify(value));
export const fromJsonBody = (bytes: Uint8Array): unknown => JSON.parse(decoder.decode(bytes));
