import { describe, expect, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { getDb } from './db';
import { attachmentChunks, attachments, caseEnvelopes, caseWraps } from './db/schema';
import {
	ABANDONED_MS,
	cancelUpload,
	deleteAbandonedUploads,
	MAX_OPEN_UPLOADS,
	putUploadChunk,
	readChunk,
	startUpload,
	uploadStatus
} from './attachments';
import { addCaseWraps, listCaseEnvelopes, putCaseEnvelope } from './case-envelopes';
import { setMyParticipation } from './case-notices';
import { generateId } from './auth/tokens';
import { expectProblem, useTestDb } from './test-db';
import { caseWith, fakeEnvelope, messageTombstone, person, T } from './case-fixtures';
import { ATTACHMENT_MAX_BYTES, CHUNK_MAX_BYTES } from './validation/attachments';
import type { User } from './db/schema';

useTestDb();

const CHUNK = 16_384;
const SIZE = 40_000;
/** 40,000 bytes in 16 KiB chunks: two full ones and 7,232 bytes, each sealed with 40 more. */
const SEALED = [CHUNK + 40, CHUNK + 40, SIZE - 2 * CHUNK + 40];

const bytes = (n: number) => crypto.getRandomValues(new Uint8Array(n));

async function started(owner: User, caseId: string, size = SIZE, now = T) {
	const id = generateId();
	await startUpload(owner.id, caseId, { id, size, chunkSize: CHUNK }, now);
	return id;
}

/** A whole upload, its chunks sent last to first, as a resumed upload might. */
async function uploaded(owner: User, caseId: string) {
	const id = await started(owner, caseId);
	const chunks = SEALED.map(bytes);
	for (const i of [2, 0, 1]) await putUploadChunk(owner.id, caseId, id, i, chunks[i]!);
	return { id, chunks };
}

/** A message in `subject`'s conversation carrying the upload, wrapped for author and lead. */
const message = (objectId: string, author: User, subject: User, lead: User, attachment: string) =>
	fakeEnvelope('conversation', objectId, author, author.id === lead.id ? [subject] : [lead], {
		subject: subject.id,
		attachment
	});

const chunkRows = (id: string) =>
	getDb()
		.select({ idx: attachmentChunks.idx })
		.from(attachmentChunks)
		.where(eq(attachmentChunks.attachmentId, id));

const uploadRow = async (id: string) =>
	(await getDb().select().from(attachments).where(eq(attachments.id, id)))[0];

describe('a whole upload', () => {
	test('chunks in any order, attached by a message, read back exactly by its readers', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const id = await started(survivor!, caseId);
		expect(await uploadStatus(survivor!.id, caseId, id)).toEqual({ chunkCount: 3, received: [] });
		const chunks = SEALED.map(bytes);
		await putUploadChunk(survivor!.id, caseId, id, 2, chunks[2]!);
		await putUploadChunk(survivor!.id, caseId, id, 0, chunks[0]!);
		expect(await uploadStatus(survivor!.id, caseId, id)).toEqual({
			chunkCount: 3,
			received: [0, 2]
		});
		// A retried chunk replaces the earlier copy.
		await putUploadChunk(survivor!.id, caseId, id, 0, bytes(SEALED[0]!));
		await putUploadChunk(survivor!.id, caseId, id, 0, chunks[0]!);
		await putUploadChunk(survivor!.id, caseId, id, 1, chunks[1]!);
		expect(await uploadStatus(survivor!.id, caseId, id)).toEqual({
			chunkCount: 3,
			received: [0, 1, 2]
		});
		// Not attached yet: nobody can read it, not even the uploader.
		await expectProblem(readChunk(survivor!.id, caseId, id, 0), 404, 'not_found');

		await putCaseEnvelope(survivor!.id, caseId, message('m-1', survivor!, survivor!, lead, id));
		const [stored] = await listCaseEnvelopes(lead.id, caseId, ['conversation']);
		expect(stored).toMatchObject({
			objectId: 'm-1',
			subject: survivor!.id,
			attachment: { id, size: SIZE, chunkCount: 3 }
		});
		expect(await uploadRow(id)).toMatchObject({ objectId: 'm-1', version: 1 });
		for (const reader of [survivor!, lead]) {
			for (const [i, chunk] of chunks.entries()) {
				expect(await readChunk(reader.id, caseId, id, i)).toEqual(chunk);
			}
			await expectProblem(readChunk(reader.id, caseId, id, 3), 404, 'not_found');
		}
		// In the case but not a reader of this message; not in the case at all.
		await expectProblem(readChunk(responsible!.id, caseId, id, 0), 404, 'not_found');
		const stranger = await person(null);
		await expectProblem(readChunk(stranger.id, caseId, id, 0), 404, 'case_not_found');
	});

	test('a message without a file has no attachment', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const plain = fakeEnvelope('conversation', 'm-1', survivor!, [lead], { subject: survivor!.id });
		await putCaseEnvelope(survivor!.id, caseId, plain);
		const [stored] = await listCaseEnvelopes(survivor!.id, caseId, ['conversation']);
		expect(stored!.attachment).toBeNull();
	});
});

describe('chunk lengths', () => {
	test('only the exact sealed length is stored, for an index the upload has', async () => {
		const { caseId, survivor } = await caseWith(['survivor']);
		const id = await started(survivor!, caseId);
		const bad: [number, number][] = [
			[0, SEALED[0]! - 1],
			[0, SEALED[0]! + 1],
			[2, SEALED[2]! - 1],
			// A full chunk where the short last one belongs.
			[2, SEALED[0]!],
			[0, 0],
			[3, SEALED[2]!],
			[99, SEALED[0]!]
		];
		for (const [index, length] of bad) {
			await expectProblem(
				putUploadChunk(survivor!.id, caseId, id, index, bytes(length)),
				400,
				'chunk_invalid'
			);
		}
		// Longer than any chunk may be: refused before the upload is even looked up.
		await expectProblem(
			putUploadChunk(survivor!.id, caseId, id, 0, new Uint8Array(CHUNK_MAX_BYTES + 41)),
			413,
			'chunk_invalid'
		);
		expect(await chunkRows(id)).toEqual([]);
		expect((await uploadStatus(survivor!.id, caseId, id)).received).toEqual([]);
	});

	test('an empty file is one chunk of nonce and tag', async () => {
		const { caseId, survivor } = await caseWith(['survivor']);
		const id = await started(survivor!, caseId, 0);
		await expectProblem(
			putUploadChunk(survivor!.id, caseId, id, 0, bytes(41)),
			400,
			'chunk_invalid'
		);
		await putUploadChunk(survivor!.id, caseId, id, 0, bytes(40));
		expect(await uploadStatus(survivor!.id, caseId, id)).toEqual({ chunkCount: 1, received: [0] });
	});
});

describe('starting an upload', () => {
	test('refuses a file over 200 MB, a fifth open upload and an id already taken', async () => {
		const { caseId, survivor } = await caseWith(['survivor']);
		const tooBig = { id: generateId(), size: ATTACHMENT_MAX_BYTES + 1, chunkSize: CHUNK };
		await expectProblem(startUpload(survivor!.id, caseId, tooBig, T), 413, 'file_too_large');
		expect(await uploadRow(tooBig.id)).toBeUndefined();
		// Exactly 200 MB is allowed.
		const ids = [await started(survivor!, caseId, ATTACHMENT_MAX_BYTES)];
		while (ids.length < MAX_OPEN_UPLOADS) ids.push(await started(survivor!, caseId));
		const fifth = { id: generateId(), size: SIZE, chunkSize: CHUNK };
		await expectProblem(startUpload(survivor!.id, caseId, fifth, T), 429, 'too_many_uploads');
		expect(await uploadRow(fifth.id)).toBeUndefined();
		// Finishing one frees a place.
		await cancelUpload(survivor!.id, caseId, ids[0]!);
		await startUpload(survivor!.id, caseId, fifth, T);
		await cancelUpload(survivor!.id, caseId, ids[1]!);
		await expectProblem(startUpload(survivor!.id, caseId, fifth, T), 409, 'bad_request');
		expect(await uploadRow(fifth.id)).toMatchObject({ ownerId: survivor!.id, size: SIZE });
	});

	test('is for members of the case only', async () => {
		const { caseId } = await caseWith(['survivor']);
		const stranger = await person(null);
		const input = { id: generateId(), size: SIZE, chunkSize: CHUNK };
		await expectProblem(startUpload(stranger.id, caseId, input, T), 404, 'case_not_found');
		expect(await uploadRow(input.id)).toBeUndefined();
	});
});

describe("someone else's upload", () => {
	test('does not exist for another member, who can neither add to it nor see or end it', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const id = await started(survivor!, caseId);
		await putUploadChunk(survivor!.id, caseId, id, 0, bytes(SEALED[0]!));
		for (const other of [lead, responsible!]) {
			await expectProblem(
				putUploadChunk(other.id, caseId, id, 1, bytes(SEALED[1]!)),
				404,
				'upload_not_found'
			);
			await expectProblem(uploadStatus(other.id, caseId, id), 404, 'upload_not_found');
			await expectProblem(cancelUpload(other.id, caseId, id), 404, 'upload_not_found');
		}
		const stranger = await person(null);
		await expectProblem(
			putUploadChunk(stranger.id, caseId, id, 1, bytes(SEALED[1]!)),
			404,
			'case_not_found'
		);
		// The same upload asked for in another case the uploader is not in.
		const other = await caseWith(['survivor']);
		await expectProblem(
			uploadStatus(other.survivor!.id, other.caseId, id),
			404,
			'upload_not_found'
		);
		expect(await chunkRows(id)).toEqual([{ idx: 0 }]);
		expect(await uploadRow(id)).toMatchObject({ ownerId: survivor!.id, objectId: null });
	});

	test('cannot be attached to a message by anyone but its uploader', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const { id } = await uploaded(survivor!, caseId);
		await expectProblem(
			putCaseEnvelope(lead.id, caseId, message('m-1', lead, survivor!, lead, id)),
			404,
			'upload_not_found'
		);
		expect(await listCaseEnvelopes(lead.id, caseId, ['conversation'])).toEqual([]);
		expect(await uploadRow(id)).toMatchObject({ objectId: null });
	});
});

describe('attaching', () => {
	test('an incomplete upload is refused and the message is not stored at all', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const id = await started(survivor!, caseId);
		await putUploadChunk(survivor!.id, caseId, id, 0, bytes(SEALED[0]!));
		await putUploadChunk(survivor!.id, caseId, id, 2, bytes(SEALED[2]!));
		await expectProblem(
			putCaseEnvelope(survivor!.id, caseId, message('m-1', survivor!, survivor!, lead, id)),
			409,
			'upload_incomplete'
		);
		const inCase = (table: typeof caseEnvelopes | typeof caseWraps) =>
			getDb()
				.select()
				.from(table)
				.where(and(eq(table.caseId, caseId), eq(table.objectId, 'm-1')));
		expect(await inCase(caseEnvelopes)).toEqual([]);
		expect(await inCase(caseWraps)).toEqual([]);
		expect(await uploadRow(id)).toMatchObject({ objectId: null, version: null });
		// Once the last chunk is in, the same message goes through.
		await putUploadChunk(survivor!.id, caseId, id, 1, bytes(SEALED[1]!));
		await putCaseEnvelope(survivor!.id, caseId, message('m-1', survivor!, survivor!, lead, id));
		expect(await uploadRow(id)).toMatchObject({ objectId: 'm-1', version: 1 });
	});

	test('an attached upload is finished: no more chunks, no second message, no cancelling', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const { id, chunks } = await uploaded(survivor!, caseId);
		await putCaseEnvelope(survivor!.id, caseId, message('m-1', survivor!, survivor!, lead, id));
		await expectProblem(
			putUploadChunk(survivor!.id, caseId, id, 0, bytes(SEALED[0]!)),
			409,
			'upload_finished'
		);
		await expectProblem(uploadStatus(survivor!.id, caseId, id), 409, 'upload_finished');
		await expectProblem(cancelUpload(survivor!.id, caseId, id), 409, 'upload_finished');
		await expectProblem(
			putCaseEnvelope(survivor!.id, caseId, message('m-2', survivor!, survivor!, lead, id)),
			409,
			'upload_finished'
		);
		expect(await listCaseEnvelopes(survivor!.id, caseId, ['conversation'])).toHaveLength(1);
		expect(await readChunk(lead.id, caseId, id, 0)).toEqual(chunks[0]);
	});

	test('a tombstone never carries a file', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const { id } = await uploaded(survivor!, caseId);
		await putCaseEnvelope(
			survivor!.id,
			caseId,
			fakeEnvelope('conversation', 'm-1', survivor!, [lead], { subject: survivor!.id })
		);
		await expectProblem(
			putCaseEnvelope(survivor!.id, caseId, {
				...messageTombstone('m-1', survivor!, survivor!, 2),
				attachment: id
			}),
			400,
			'bad_request'
		);
		expect(await uploadRow(id)).toMatchObject({ objectId: null });
	});
});

describe('a file added to input', () => {
	test('reaches the readers its author adds later, and never the other side', async () => {
		const { lead, caseId, survivor, responsible, supporter } = await caseWith([
			'survivor',
			'responsible',
			'supporter'
		]);
		const { id, chunks } = await uploaded(survivor!, caseId);
		await putCaseEnvelope(
			survivor!.id,
			caseId,
			fakeEnvelope('input', 'file-1', survivor!, [lead], { attachment: id })
		);
		expect(await readChunk(lead.id, caseId, id, 1)).toEqual(chunks[1]);
		// Her supporter was not chosen at first: nothing for them yet.
		await expectProblem(readChunk(supporter!.id, caseId, id, 1), 404, 'not_found');
		// Only she gives it to more readers, and only on her own side.
		const wrap = (reader: User, wrapper: User) => ({
			version: 1,
			wraps: [{ reader: reader.id, wrapper: wrapper.id, box: 'A'.repeat(100) }]
		});
		await expectProblem(
			addCaseWraps(lead.id, caseId, 'file-1', wrap(supporter!, lead)),
			403,
			'forbidden'
		);
		await expectProblem(
			addCaseWraps(survivor!.id, caseId, 'file-1', wrap(responsible!, survivor!)),
			403,
			'reader_not_allowed'
		);
		await addCaseWraps(survivor!.id, caseId, 'file-1', wrap(supporter!, survivor!));
		expect(await readChunk(supporter!.id, caseId, id, 1)).toEqual(chunks[1]);
		await expectProblem(readChunk(responsible!.id, caseId, id, 1), 404, 'not_found');
	});
});

describe('deleting', () => {
	test("a message's tombstone takes its file and every chunk with it", async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const { id } = await uploaded(survivor!, caseId);
		await putCaseEnvelope(survivor!.id, caseId, message('m-1', survivor!, survivor!, lead, id));
		expect(await chunkRows(id)).toHaveLength(3);
		await putCaseEnvelope(survivor!.id, caseId, messageTombstone('m-1', survivor!, survivor!, 2));
		expect(await uploadRow(id)).toBeUndefined();
		expect(await chunkRows(id)).toEqual([]);
		await expectProblem(readChunk(lead.id, caseId, id, 0), 404, 'not_found');
		// An upload after the message was deleted finds nothing to add to.
		await expectProblem(
			putUploadChunk(survivor!.id, caseId, id, 0, bytes(SEALED[0]!)),
			404,
			'upload_not_found'
		);
		expect(await chunkRows(id)).toEqual([]);
	});

	test('cancelling takes the chunks at once', async () => {
		const { caseId, survivor } = await caseWith(['survivor']);
		const { id } = await uploaded(survivor!, caseId);
		await cancelUpload(survivor!.id, caseId, id);
		expect(await uploadRow(id)).toBeUndefined();
		expect(await chunkRows(id)).toEqual([]);
		await expectProblem(uploadStatus(survivor!.id, caseId, id), 404, 'upload_not_found');
	});

	test('the cleanup takes uploads left unattached for a day, and only those', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const old = await uploaded(survivor!, caseId);
		const attached = await uploaded(survivor!, caseId);
		await putCaseEnvelope(
			survivor!.id,
			caseId,
			message('m-1', survivor!, survivor!, lead, attached.id)
		);
		const fresh = await started(survivor!, caseId, SIZE, T + ABANDONED_MS);
		await putUploadChunk(survivor!.id, caseId, fresh, 0, bytes(SEALED[0]!));

		await deleteAbandonedUploads(T + ABANDONED_MS);
		expect(await uploadRow(old.id)).toBeDefined();
		await deleteAbandonedUploads(T + ABANDONED_MS + 1);
		expect(await uploadRow(old.id)).toBeUndefined();
		expect(await chunkRows(old.id)).toEqual([]);
		expect(await chunkRows(attached.id)).toHaveLength(3);
		expect(await readChunk(lead.id, caseId, attached.id, 2)).toEqual(attached.chunks[2]);
		expect(await uploadStatus(survivor!.id, caseId, fresh)).toEqual({
			chunkCount: 3,
			received: [0]
		});
	});

	test('withdrawing and taking back their words takes the files of their input too', async () => {
		const { lead, caseId, survivor } = await caseWith(['survivor']);
		const { id } = await uploaded(survivor!, caseId);
		await putCaseEnvelope(
			survivor!.id,
			caseId,
			fakeEnvelope('input', 'in-1', survivor!, [lead], { attachment: id })
		);
		expect(await chunkRows(id)).toHaveLength(3);
		await setMyParticipation(survivor!.id, caseId, 'withdrawn', T + 5, false);
		expect(await listCaseEnvelopes(lead.id, caseId, ['input'])).toEqual([]);
		expect(await uploadRow(id)).toBeUndefined();
		expect(await chunkRows(id)).toEqual([]);
	});

	test('withdrawing takes unsent uploads either way, and messages with files when asked', async () => {
		const { lead, caseId, survivor, responsible } = await caseWith(['survivor', 'responsible']);
		const sent = await uploaded(survivor!, caseId);
		await putCaseEnvelope(
			survivor!.id,
			caseId,
			message('msg-1', survivor!, survivor!, lead, sent.id)
		);
		const unsent = await started(survivor!, caseId);
		await setMyParticipation(survivor!.id, caseId, 'withdrawn', T + 5, false);
		expect(await uploadRow(unsent)).toBeUndefined();
		expect(await listCaseEnvelopes(lead.id, caseId, ['conversation'])).toEqual([]);
		expect(await uploadRow(sent.id)).toBeUndefined();
		expect(await chunkRows(sent.id)).toEqual([]);

		// Keeping their words keeps what was sent; what was never sent goes all the same.
		const kept = await uploaded(responsible!, caseId);
		await putCaseEnvelope(
			responsible!.id,
			caseId,
			message('msg-2', responsible!, responsible!, lead, kept.id)
		);
		const half = await started(responsible!, caseId);
		await setMyParticipation(responsible!.id, caseId, 'withdrawn', T + 6, true);
		expect(await uploadRow(half)).toBeUndefined();
		expect(await listCaseEnvelopes(lead.id, caseId, ['conversation'])).toHaveLength(1);
		expect(await chunkRows(kept.id)).toHaveLength(3);
	});
});
