import type { PreviousVersion } from '$lib/crypto/envelope';
import { randomId } from '$lib/crypto/primitives';
import type { CaseContext } from './case-log';
import {
	fromJsonBody,
	jsonBody,
	listCaseObjects,
	logFacilitators,
	putCaseObject,
	readCaseObject
} from './case-objects';

/**
 * The interim summary (DESIGN §4): facilitators write one per survivor, and share it with that
 * survivor only when they choose (a version sealed for the facilitators alone is their draft).
 * The survivor comments on it; comments are for the facilitators and the survivor only.
 */

export type Summary = {
	objectId: string;
	version: number;
	authorId: string;
	createdAt: number;
	readers: string[];
	/** The survivor this summary is for. */
	for: string;
	text: string;
	prev: PreviousVersion;
};
export type Comment = {
	objectId: string;
	version: number;
	authorId: string;
	createdAt: number;
	text: string;
	prev: PreviousVersion;
};

export function textOf(body: Uint8Array | null): Record<string, unknown> {
	const value = body ? fromJsonBody(body) : null;
	if (!value || typeof value !== 'object') throw new Error('interim body');
	const v = value as Record<string, unknown>;
	if (typeof v.text !== 'string') throw new Error('interim body');
	return v;
}

/** Every live object of a kind wrapped for me, opened, with what all interim objects share. */
async function readAll(ctx: CaseContext, kind: 'interim-summary' | 'interim-comment') {
	const out: (Comment & { readers: string[]; for: string })[] = [];
	for (const row of await listCaseObjects(ctx.caseId, [kind])) {
		if (row.deleted) continue;
		const read = await readCaseObject(ctx, row, (body, opened) => {
			const v = textOf(body);
			return {
				objectId: row.objectId,
				version: row.version,
				authorId: row.authorId,
				createdAt: row.createdAt,
				readers: row.readers,
				for: typeof v.for === 'string' ? v.for : '',
				text: v.text as string,
				prev: { header: opened.header, headerHash: opened.headerHash }
			};
		});
		out.push(read);
	}
	return out.sort((a, b) => a.createdAt - b.createdAt);
}

export const loadSummaries = (ctx: CaseContext): Promise<Summary[]> =>
	readAll(ctx, 'interim-summary');

/** The next version, for the facilitators and — if `share` — the survivor it is for. */
export async function saveSummary(
	ctx: CaseContext,
	previous: Summary | null,
	forId: string,
	text: string,
	share: boolean
) {
	await putCaseObject(ctx, {
		kind: 'interim-summary',
		objectId: previous?.objectId ?? randomId(),
		prev: previous?.prev ?? null,
		body: jsonBody({ text, for: forId }),
		readers: share ? [...logFacilitators(ctx), forId] : logFacilitators(ctx)
	});
}

export const loadComments = (ctx: CaseContext): Promise<Comment[]> =>
	readAll(ctx, 'interim-comment');

/** A comment goes to the facilitators (and its author) only. */
export async function addComment(ctx: CaseContext, text: string) {
	await putCaseObject(ctx, {
		kind: 'interim-comment',
		objectId: randomId(),
		prev: null,
		body: jsonBody({ text }),
		readers: logFacilitators(ctx)
	});
}

export async function deleteComment(ctx: CaseContext, comment: Comment) {
	await putCaseObject(ctx, {
		kind: 'interim-comment',
		objectId: comment.objectId,
		prev: comment.prev,
		body: new Uint8Array(0),
		readers: [],
		deleted: true
	});
}
