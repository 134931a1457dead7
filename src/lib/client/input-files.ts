import type { PreviousVersion } from '$lib/crypto/envelope';
import { randomId } from '$lib/crypto/primitives';
import type { CaseContext } from './case-log';
import { fileField, fileMetaOf, type FileMeta, type Ready } from './case-files';
import {
	addCaseReaders,
	fromJsonBody,
	jsonBody,
	putCaseObject,
	readCaseObject,
	type StoredCaseObject
} from './case-objects';

/**
 * Files a party adds to their own input (a letter, a picture, a recorded statement). Each file
 * is its own `input` object, so it follows the same reader rules (DESIGN §4: only the author
 * adds readers, never the other side), and names the input it belongs to inside its sealed body.
 * It goes to the input's readers, and to anyone the author gives the input to later.
 */

export type InputFile = {
	objectId: string;
	version: number;
	authorId: string;
	createdAt: number;
	/** The input this file was added to. */
	inputId: string;
	meta: FileMeta;
	size: number;
	readers: string[];
	row: StoredCaseObject;
	prev: PreviousVersion;
};

type Input = { objectId: string; readers: string[] };

/** A file row carries an attachment; an input's answers never do. */
export const isFileRow = (row: StoredCaseObject) => row.attachment !== null;

export function parseFileBody(bytes: Uint8Array | null): { inputId: string; meta: FileMeta } {
	const value = bytes ? (fromJsonBody(bytes) as Record<string, unknown> | null) : null;
	const meta = fileMetaOf(value?.file);
	if (!value || value.v !== 1 || value.type !== 'input-file' || typeof value.input !== 'string') {
		throw new Error('input file body');
	}
	if (!meta) throw new Error('input file body');
	return { inputId: value.input, meta };
}

export async function readInputFile(ctx: CaseContext, row: StoredCaseObject): Promise<InputFile> {
	return readCaseObject(ctx, row, (body, opened) => ({
		objectId: row.objectId,
		version: row.version,
		authorId: row.authorId,
		createdAt: row.createdAt,
		...parseFileBody(body),
		size: row.attachment?.size ?? 0,
		readers: row.readers,
		row,
		prev: { header: opened.header, headerHash: opened.headerHash }
	}));
}

/** Stores a finished upload as a file of `input`, for the input's readers; wipes its key. */
export async function addInputFile(ctx: CaseContext, input: Input, ready: Ready) {
	await putCaseObject(ctx, {
		kind: 'input',
		objectId: randomId(),
		prev: null,
		body: jsonBody({ v: 1, type: 'input-file', input: input.objectId, file: ready.meta }),
		readers: input.readers.filter((id) => id !== ctx.me.userId),
		file: fileField(ready)
	});
	ready.upload.forget();
}

/**
 * After the input goes to more readers, its files follow. Someone no longer chosen keeps what
 * they were given, like the input's earlier versions; removing a file takes it from everyone.
 */
export async function filesFollow(
	ctx: CaseContext,
	input: Input,
	files: InputFile[]
): Promise<InputFile[]> {
	const out: InputFile[] = [];
	for (const f of files) {
		if (f.inputId !== input.objectId) {
			out.push(f);
			continue;
		}
		await addCaseReaders(ctx, f.row, input.readers);
		const readers = [...new Set([...f.readers, ...input.readers])];
		out.push({ ...f, readers, row: { ...f.row, readers } });
	}
	return out;
}

/** A tombstone: the server deletes the file's chunks with its envelope, for everyone. */
export async function removeInputFile(ctx: CaseContext, f: InputFile) {
	await putCaseObject(ctx, {
		kind: 'input',
		objectId: f.objectId,
		prev: f.prev,
		body: new Uint8Array(0),
		readers: [],
		deleted: true
	});
}
