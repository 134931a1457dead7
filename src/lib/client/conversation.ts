import { wipe } from '$lib/crypto/bytes';
import type { PreviousVersion } from '$lib/crypto/envelope';
import { randomId } from '$lib/crypto/primitives';
import { defaultReaders } from '$lib/crypto/reader-rules';
import { Upload, type Progress } from './attachments';
import type { CaseContext } from './case-log';
import { fileField, fileMetaOf, openAttached, type FileMeta, type Ready } from './case-files';
import {
	fromJsonBody,
	getCaseObject,
	jsonBody,
	listCaseObjects,
	openCaseObject,
	putCaseObject,
	sealCaseObject,
	type StoredCaseObject
} from './case-objects';
import { getJson, postJson } from './http';

/**
 * A participant's private conversation with the case's facilitators (DESIGN §4): every message
 * is its own envelope for the facilitators and that participant, with at most one file. Relays
 * pass a participant's words to someone else only once the author approves (relays.ts on the
 * server); the relay is sealed here, by the author's own browser, from what they were shown.
 */

export type { FileMeta, Ready };

export type RelayView = {
	id: string;
	fromId: string;
	toId: string;
	proposedBy: string | null;
	proposalObjectId: string | null;
	status: 'proposed' | 'approved' | 'declined' | 'withdrawn';
	relayObjectId: string | null;
	createdAt: number;
	decidedAt: number | null;
};

export type Proposal = {
	relayId: string;
	to: string;
	/** The message whose file goes with it, in the author's conversation. */
	source: { objectId: string; version: number } | null;
};

export type Message = {
	kind: 'conversation' | 'relay';
	objectId: string;
	version: number;
	authorId: string;
	createdAt: number;
	text: string;
	file: FileMeta | null;
	/** A facilitator asking the author whether to pass `text` (and the source's file) on. */
	proposal: Proposal | null;
	/** For a relay: the request it answered. */
	relayId: string | null;
	row: StoredCaseObject;
	prev: PreviousVersion;
};

/** A message this browser could not open: shown as such, never silently dropped. */
export type Unreadable = { kind: 'unreadable'; objectId: string; createdAt: number };

function str(v: unknown, max = 100_000): string {
	return typeof v === 'string' ? v.slice(0, max) : '';
}

export function parse(row: StoredCaseObject, body: Uint8Array) {
	const v = fromJsonBody(body) as Record<string, unknown> | null;
	if (!v || typeof v !== 'object') throw new Error('message body');
	const source = v.source as Record<string, unknown> | null | undefined;
	const proposal: Proposal | null =
		row.kind === 'conversation' && v.type === 'relay-proposal'
			? {
					relayId: str(v.relayId, 64),
					to: str(v.to, 64),
					source:
						source && typeof source.objectId === 'string' && typeof source.version === 'number'
							? { objectId: source.objectId, version: source.version }
							: null
				}
			: null;
	return {
		text: str(v.text),
		file: fileMetaOf(v.file),
		proposal,
		relayId: row.kind === 'relay' ? str(v.relayId, 64) : null
	};
}

/** Every message about `subject` I can read, oldest first; tombstones are left out. */
export async function loadConversation(
	ctx: CaseContext,
	subject: string
): Promise<(Message | Unreadable)[]> {
	const rows = await listCaseObjects(ctx.caseId, ['conversation', 'relay'], subject);
	const out: (Message | Unreadable)[] = [];
	for (const row of rows) {
		if (row.deleted) continue;
		try {
			out.push(await loadOne(ctx, row));
		} catch {
			out.push({ kind: 'unreadable', objectId: row.objectId, createdAt: row.createdAt });
		}
	}
	return out.sort((a, b) => a.createdAt - b.createdAt);
}

export async function loadRelays(caseId: string): Promise<RelayView[]> {
	return (await getJson<{ relays: RelayView[] }>(`/api/cases/${caseId}/relays`)).relays;
}

const readersFor = (ctx: CaseContext, kind: 'conversation' | 'relay', subject: string) =>
	defaultReaders(kind, ctx.membership, ctx.me.userId, subject).map((m) => m.userId);

/**
 * Sends a message (and a finished upload, if any) in `subject`'s conversation. The upload's key
 * is wiped once the message is stored; if storing fails it is kept, so sending can be retried.
 */
export async function sendMessage(
	ctx: CaseContext,
	subject: string,
	text: string,
	ready: Ready | null
) {
	await putCaseObject(ctx, {
		kind: 'conversation',
		objectId: randomId(),
		prev: null,
		subject,
		body: jsonBody({ type: 'message', text, file: ready?.meta ?? null }),
		readers: readersFor(ctx, 'conversation', subject),
		file: fileField(ready)
	});
	ready?.upload.forget();
}

/** The author takes a message back: body, wraps and file go from the server at once. */
export async function deleteMessage(ctx: CaseContext, m: Message) {
	await putCaseObject(ctx, {
		kind: m.kind,
		objectId: m.objectId,
		prev: m.prev,
		subject: m.row.subject,
		body: new Uint8Array(0),
		readers: [],
		deleted: true
	});
}

/**
 * A facilitator asks `from` whether to pass `text` (and the source message's file) to `to`.
 * The request is itself a message in `from`'s conversation, so they read exactly what would go.
 */
export async function proposeRelay(
	ctx: CaseContext,
	from: string,
	to: string,
	text: string,
	source: Message | null
) {
	const relayId = randomId();
	const objectId = randomId();
	const { json } = await sealCaseObject(ctx, {
		kind: 'conversation',
		objectId,
		prev: null,
		subject: from,
		body: jsonBody({
			type: 'relay-proposal',
			relayId,
			to,
			text,
			source: source?.file ? { objectId: source.objectId, version: source.version } : null,
			file: source?.file ?? null
		}),
		readers: readersFor(ctx, 'conversation', from)
	});
	await postJson(`/api/cases/${ctx.caseId}/relays`, { id: relayId, from, to, proposal: json });
}

/**
 * The author's yes: their browser seals exactly the proposed words (and the source file, opened
 * and sealed again under the relay's own key) for the recipient and the facilitators.
 */
export async function approveRelay(ctx: CaseContext, proposal: Message, onProgress?: Progress) {
	const p = proposal.proposal;
	if (!p) throw new Error('not a proposal');
	let source: { row: StoredCaseObject; meta: FileMeta } | null = null;
	if (p.source && proposal.file) {
		const row = await getCaseObject(ctx.caseId, p.source.objectId, p.source.version);
		if (!row) throw new Error('source gone');
		source = { row, meta: proposal.file };
	}
	await sealRelay(ctx, p.relayId, p.to, proposal.text, source, onProgress, (relay) =>
		postJson(`/api/cases/${ctx.caseId}/relays/${p.relayId}`, { decision: 'approve', relay })
	);
}

/**
 * Seals a relay of `text` (and a copy of the source's file) for `to` and the facilitators, and
 * hands it to `send`. The copy is deleted again if sending fails: it was for this relay only.
 */
async function sealRelay(
	ctx: CaseContext,
	relayId: string,
	to: string,
	text: string,
	source: { row: StoredCaseObject; meta: FileMeta } | null,
	onProgress: Progress | undefined,
	send: (relay: unknown) => Promise<unknown>
) {
	const ready = source ? await copyFile(ctx, source.row, source.meta, onProgress) : null;
	try {
		const { json } = await sealCaseObject(ctx, {
			kind: 'relay',
			objectId: randomId(),
			prev: null,
			subject: to,
			body: jsonBody({ type: 'relay', relayId, text, file: ready?.meta ?? null }),
			readers: readersFor(ctx, 'relay', to),
			file: fileField(ready)
		});
		await send(json);
		ready?.upload.forget();
	} catch (e) {
		await ready?.upload.cancel();
		throw e;
	}
}

/** A message's file, opened here and sealed again under a new key for a relay. */
async function copyFile(
	ctx: CaseContext,
	row: StoredCaseObject,
	meta: FileMeta,
	onProgress?: Progress
): Promise<Ready> {
	// Half the bar for fetching the original, half for sending the copy.
	const half = (base: number) => (done: number, total: number) =>
		onProgress?.(base * total + done, 2 * total);
	const blob = await openAttached(ctx, row, meta.type, half(0));
	const upload = new Upload(ctx.caseId, blob);
	try {
		await upload.run(half(1));
	} catch (e) {
		await upload.cancel();
		throw e;
	}
	return { upload, meta };
}

async function loadOne(ctx: CaseContext, row: StoredCaseObject): Promise<Message> {
	const opened = await openCaseObject(ctx, row);
	try {
		if (opened.deleted) throw new Error('deleted');
		return {
			kind: row.kind as Message['kind'],
			objectId: row.objectId,
			version: row.version,
			authorId: row.authorId,
			createdAt: row.createdAt,
			...parse(row, opened.body),
			row,
			prev: { header: opened.header, headerHash: opened.headerHash }
		};
	} finally {
		wipe(opened.contentKey);
	}
}

export const declineRelay = (caseId: string, relayId: string) =>
	postJson(`/api/cases/${caseId}/relays/${relayId}`, { decision: 'decline' });

export const withdrawRelay = (caseId: string, relayId: string) =>
	postJson(`/api/cases/${caseId}/relays/${relayId}`, { decision: 'withdraw' });

/** A participant shares one of their own messages with someone to speak for them. */
export async function shareWithSupporter(
	ctx: CaseContext,
	m: Message,
	to: string,
	onProgress?: Progress
) {
	const relayId = randomId();
	const source = m.file ? { row: m.row, meta: m.file } : null;
	await sealRelay(ctx, relayId, to, m.text, source, onProgress, (relay) =>
		postJson(`/api/cases/${ctx.caseId}/relays`, { id: relayId, to, relay })
	);
}
