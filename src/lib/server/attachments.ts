import { and, count, eq, isNull, lt } from 'drizzle-orm';
import { getDb, write, type Tx } from './db';
import { attachments, caseWraps } from './db/schema';
import { caseAccess } from './case-access';
import { chunkCountOf, getChunk, putChunk, receivedChunks } from './attachment-store';
import { Problem } from './problem';
import {
	ATTACHMENT_MAX_BYTES,
	CHUNK_MAX_BYTES,
	SEAL_OVERHEAD,
	type NewUpload
} from './validation/attachments';

/**
 * Encrypted files beside envelopes (DESIGN §4, chunked attachments). The browser uploads the
 * sealed chunks first; the envelope naming them (its header lists every chunk's hash) then
 * attaches the upload in the same transaction that stores it. Until then nobody but the
 * uploader can see it exists, and the cleanup takes it after a day. The server checks shapes
 * and sizes only: each reader's browser checks every chunk against the header.
 */

/** Unattached uploads one person may have open in a case at once. */
export const MAX_OPEN_UPLOADS = 4;
/** An upload not attached to a message or input within this long is abandoned. */
export const ABANDONED_MS = 24 * 60 * 60 * 1000;

const countFor = (size: number, chunkSize: number) => Math.max(1, Math.ceil(size / chunkSize));

/** The exact sealed length of chunk `index`: nonce and tag around its share of the bytes. */
export function sealedLength(
	a: { size: number; chunkSize: number; chunkCount: number },
	index: number
) {
	const plain = index < a.chunkCount - 1 ? a.chunkSize : a.size - (a.chunkCount - 1) * a.chunkSize;
	return plain + SEAL_OVERHEAD;
}

export async function startUpload(userId: string, caseId: string, input: NewUpload, now: number) {
	if (input.size > ATTACHMENT_MAX_BYTES) throw new Problem(413, 'file_too_large');
	await write(async (tx) => {
		await caseAccess(userId, caseId, undefined, tx);
		const [open] = await tx
			.select({ n: count() })
			.from(attachments)
			.where(
				and(
					eq(attachments.ownerId, userId),
					eq(attachments.caseId, caseId),
					isNull(attachments.objectId)
				)
			);
		if ((open?.n ?? 0) >= MAX_OPEN_UPLOADS) throw new Problem(429, 'too_many_uploads');
		const [taken] = await tx
			.select({ id: attachments.id })
			.from(attachments)
			.where(eq(attachments.id, input.id));
		if (taken) throw new Problem(409, 'bad_request');
		await tx.insert(attachments).values({
			id: input.id,
			caseId,
			ownerId: userId,
			size: input.size,
			chunkSize: input.chunkSize,
			chunkCount: countFor(input.size, input.chunkSize),
			createdAt: now
		});
	});
}

/** My own upload in this case that is not attached yet; anything else is "not found". */
async function openUpload(
	tx: Tx | ReturnType<typeof getDb>,
	userId: string,
	caseId: string,
	id: string
) {
	const [row] = await tx
		.select()
		.from(attachments)
		.where(
			and(eq(attachments.id, id), eq(attachments.caseId, caseId), eq(attachments.ownerId, userId))
		);
	if (!row) throw new Problem(404, 'upload_not_found');
	if (row.objectId !== null) throw new Problem(409, 'upload_finished');
	return row;
}

export async function putUploadChunk(
	userId: string,
	caseId: string,
	id: string,
	index: number,
	data: Uint8Array
) {
	if (data.length > CHUNK_MAX_BYTES + SEAL_OVERHEAD) throw new Problem(413, 'chunk_invalid');
	await write(async (tx) => {
		await caseAccess(userId, caseId, undefined, tx);
		const row = await openUpload(tx, userId, caseId, id);
		if (!Number.isSafeInteger(index) || index < 0 || index >= row.chunkCount) {
			throw new Problem(400, 'chunk_invalid');
		}
		// Exact lengths: a truncated or padded chunk is refused here, before any reader sees it.
		if (data.length !== sealedLength(row, index)) throw new Problem(400, 'chunk_invalid');
		await putChunk(tx, id, index, data);
	});
}

export async function uploadStatus(userId: string, caseId: string, id: string) {
	await caseAccess(userId, caseId);
	const row = await openUpload(getDb(), userId, caseId, id);
	return { chunkCount: row.chunkCount, received: await receivedChunks(id) };
}

/** The uploader changed their mind before sending: the chunks go at once. */
export async function cancelUpload(userId: string, caseId: string, id: string) {
	await write(async (tx) => {
		await caseAccess(userId, caseId, undefined, tx);
		await openUpload(tx, userId, caseId, id);
		await tx.delete(attachments).where(eq(attachments.id, id));
	});
}

/**
 * Called in the transaction storing an envelope that names an upload: it must be the writer's
 * own and complete. Only then is it attached. The server cannot read the header, so whether it
 * lists these very chunks is for each reader's browser to check (chunk by chunk, fail closed).
 */
export async function attachIn(
	tx: Tx,
	actorId: string,
	caseId: string,
	id: string,
	envelope: { objectId: string; version: number }
) {
	const row = await openUpload(tx, actorId, caseId, id);
	if ((await chunkCountOf(tx, id)) !== row.chunkCount) throw new Problem(409, 'upload_incomplete');
	await tx
		.update(attachments)
		.set({ objectId: envelope.objectId, version: envelope.version })
		.where(eq(attachments.id, id));
}

/** A chunk of an attached file, for someone the envelope version it belongs to is wrapped for. */
export async function readChunk(userId: string, caseId: string, id: string, index: number) {
	await caseAccess(userId, caseId);
	const db = getDb();
	const [row] = await db
		.select({ objectId: attachments.objectId, version: attachments.version })
		.from(attachments)
		.innerJoin(
			caseWraps,
			and(
				eq(caseWraps.caseId, attachments.caseId),
				eq(caseWraps.objectId, attachments.objectId),
				eq(caseWraps.version, attachments.version),
				eq(caseWraps.readerId, userId)
			)
		)
		.where(and(eq(attachments.id, id), eq(attachments.caseId, caseId)));
	if (!row) throw new Problem(404, 'not_found');
	const data = await getChunk(id, index);
	if (!data) throw new Problem(404, 'not_found');
	return data;
}

/** Uploads never attached (a closed tab, a cancelled send) go after a day, chunks and all. */
export async function deleteAbandonedUploads(now = Date.now()) {
	await write((tx) =>
		tx
			.delete(attachments)
			.where(and(isNull(attachments.objectId), lt(attachments.createdAt, now - ABANDONED_MS)))
	);
}
