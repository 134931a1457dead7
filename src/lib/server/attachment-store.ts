import { and, count, eq } from 'drizzle-orm';
import { getDb, type Tx } from './db';
import { attachmentChunks } from './db/schema';

/**
 * Where sealed attachment chunks live. By default in the database, so several app instances
 * share them and a purge or tombstone takes them in the same transaction (the rows cascade
 * from `attachments`). Everything that touches chunk bytes goes through here, so an object
 * store can replace it later; that store would also need deleting when `attachments` rows go.
 */

type Reader = ReturnType<typeof getDb> | Tx;

/** Stores chunk `index`; a retry of the same chunk replaces the earlier copy. */
export async function putChunk(tx: Tx, attachmentId: string, index: number, data: Uint8Array) {
	const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
	await tx
		.insert(attachmentChunks)
		.values({ attachmentId, idx: index, data: buffer })
		.onConflictDoUpdate({
			target: [attachmentChunks.attachmentId, attachmentChunks.idx],
			set: { data: buffer }
		});
}

export async function getChunk(
	attachmentId: string,
	index: number
): Promise<Uint8Array<ArrayBuffer> | null> {
	const [row] = await getDb()
		.select({ data: attachmentChunks.data })
		.from(attachmentChunks)
		.where(and(eq(attachmentChunks.attachmentId, attachmentId), eq(attachmentChunks.idx, index)));
	return row ? new Uint8Array(row.data) : null;
}

/** Which chunks have arrived, in order: an interrupted upload sends only the rest. */
export async function receivedChunks(attachmentId: string, db: Reader = getDb()) {
	const rows = await db
		.select({ idx: attachmentChunks.idx })
		.from(attachmentChunks)
		.where(eq(attachmentChunks.attachmentId, attachmentId))
		.orderBy(attachmentChunks.idx);
	return rows.map((r) => r.idx);
}

export async function chunkCountOf(tx: Tx, attachmentId: string): Promise<number> {
	const [row] = await tx
		.select({ n: count() })
		.from(attachmentChunks)
		.where(eq(attachmentChunks.attachmentId, attachmentId));
	return row?.n ?? 0;
}
