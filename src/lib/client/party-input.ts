import { wipe } from '$lib/crypto/bytes';
import type { PreviousVersion } from '$lib/crypto/envelope';
import type { Identity } from '$lib/crypto/identity';
import { randomId } from '$lib/crypto/primitives';
import { allowedReaders, defaultReaders } from '$lib/crypto/reader-rules';
import type { Member } from '$lib/crypto/members';
import { cleanAnswers, itemsFrom, type Answers, type FormTemplate } from '$lib/form-template';
import {
	fromJsonBody,
	getCaseObject,
	jsonBody,
	listCaseObjects,
	putCaseObject,
	readCaseObject,
	type StoredCaseObject
} from './case-objects';
import type { CaseContext } from './case-log';
import { getJson, RequestProblem } from './http';
import { listPersonal, openPersonal, putPersonal } from './personal';
import { isFileRow, readInputFile, removeInputFile, type InputFile } from './input-files';

/**
 * A party's own input (DESIGN §4): their answers and a copy of the questions, sealed here for
 * the readers they chose (never the other side), every version kept until they delete it.
 * While they write, the answers are kept as a draft sealed to themselves only.
 */

export type InputBody = { v: 1; template: FormTemplate; answers: Answers };
export type InputVersion = {
	objectId: string;
	version: number;
	authorId: string;
	createdAt: number;
	readers: string[];
	body: InputBody;
	prev: PreviousVersion;
};

function templateFrom(value: unknown): FormTemplate | null {
	if (!value || typeof value !== 'object') return null;
	const t = value as Record<string, unknown>;
	const items = itemsFrom(t.items);
	if (!items || typeof t.name !== 'string' || typeof t.contentNote !== 'string') return null;
	return { name: t.name, contentNote: t.contentNote, items };
}

/** A body as its reader trusts it: questions checked item by item, answers that fit them. */
export function parseInputBody(bytes: Uint8Array | null): InputBody {
	const value = bytes ? (fromJsonBody(bytes) as Record<string, unknown>) : null;
	const template = templateFrom(value?.template);
	if (!value || value.v !== 1 || !template) throw new Error('input body');
	return { v: 1, template, answers: cleanAnswers(template.items, value.answers) };
}

async function readVersion(ctx: CaseContext, row: StoredCaseObject): Promise<InputVersion> {
	return readCaseObject(ctx, row, (body, opened) => ({
		objectId: row.objectId,
		version: row.version,
		authorId: row.authorId,
		createdAt: row.createdAt,
		readers: row.readers,
		body: parseInputBody(body),
		prev: { header: opened.header, headerHash: opened.headerHash }
	}));
}

/**
 * The newest version of every input wrapped for me (my own, and what others shared with me),
 * and every file added to one, oldest first.
 */
export async function loadInputs(ctx: CaseContext) {
	const rows = await listCaseObjects(ctx.caseId, ['input']);
	const mine: InputVersion[] = [];
	const shared: InputVersion[] = [];
	const files: InputFile[] = [];
	for (const row of rows) {
		if (row.deleted) continue;
		if (isFileRow(row)) {
			files.push(await readInputFile(ctx, row));
			continue;
		}
		const input = await readVersion(ctx, row);
		(row.authorId === ctx.me.userId ? mine : shared).push(input);
	}
	// One input per party; if two devices both started one, the newest is theirs to keep.
	mine.sort((a, b) => b.createdAt - a.createdAt);
	files.sort((a, b) => a.createdAt - b.createdAt);
	return { mine: mine[0] ?? null, shared, files };
}

/** Versions of an input I may open, newest first. */
export async function listInputVersions(caseId: string, objectId: string) {
	const { versions } = await getJson<{ versions: { version: number; createdAt: number }[] }>(
		`/api/cases/${caseId}/envelopes/${objectId}`
	);
	return versions;
}

export async function openInputVersion(ctx: CaseContext, objectId: string, version: number) {
	const row = await getCaseObject(ctx.caseId, objectId, version);
	if (!row || row.deleted) return null;
	return readVersion(ctx, row);
}

/** Who the author may choose (never the other side), and who is chosen unless they say. */
export function readerChoices(ctx: CaseContext): { member: Member; byDefault: boolean }[] {
	const me = ctx.me.userId;
	const byDefault = new Set(defaultReaders('input', ctx.membership, me).map((m) => m.userId));
	return allowedReaders('input', ctx.membership, me)
		.filter((m) => m.userId !== me)
		.map((member) => ({ member, byDefault: byDefault.has(member.userId) }));
}

/** Sends a new input, or the next version of mine, to exactly these readers. */
export async function submitInput(
	ctx: CaseContext,
	body: InputBody,
	readers: string[],
	previous: InputVersion | null
) {
	const allowed = new Set(readerChoices(ctx).map((c) => c.member.userId));
	const chosen = readers.filter((id) => allowed.has(id));
	if (chosen.length === 0) throw new NoReaders();
	const clean: InputBody = {
		v: 1,
		template: body.template,
		answers: cleanAnswers(body.template.items, body.answers)
	};
	await putCaseObject(ctx, {
		kind: 'input',
		objectId: previous?.objectId ?? randomId(),
		prev: previous?.prev ?? null,
		body: jsonBody(clean),
		readers: chosen
	});
}

/**
 * A tombstone: the server then deletes every earlier version's body and every wrap. Its files
 * go first, so a deletion cut short leaves the input (to delete again), never a lone file.
 */
export async function deleteInput(ctx: CaseContext, input: InputVersion, files: InputFile[]) {
	for (const f of files) {
		if (f.authorId === ctx.me.userId) await removeInputFile(ctx, f);
	}
	await putCaseObject(ctx, {
		kind: 'input',
		objectId: input.objectId,
		prev: input.prev,
		body: new Uint8Array(0),
		readers: [],
		deleted: true
	});
}

export class NoReaders extends Error {
	constructor() {
		super('no readers');
		this.name = 'NoReaders';
	}
}

// Drafts: one per case and purpose, sealed to myself. Sending empties it (a next version with
// no answers) rather than deleting it, so the same object serves the next revision.

export type DraftBody = {
	v: 1;
	caseId: string;
	for: 'input';
	template: FormTemplate | null;
	answers: Answers;
	/** The input version this draft revises, if any. */
	basedOn: { objectId: string; version: number } | null;
};
export type Draft = { objectId: string; prev: PreviousVersion | null; body: DraftBody };

export function draftFrom(value: unknown, caseId: string): DraftBody | null {
	if (!value || typeof value !== 'object') return null;
	const d = value as Record<string, unknown>;
	if (d.v !== 1 || d.caseId !== caseId || d.for !== 'input') return null;
	const template = d.template === null ? null : templateFrom(d.template);
	const based = d.basedOn as { objectId?: unknown; version?: unknown } | null;
	return {
		v: 1,
		caseId,
		for: 'input',
		template,
		answers: template ? cleanAnswers(template.items, d.answers) : {},
		basedOn:
			based && typeof based.objectId === 'string' && typeof based.version === 'number'
				? { objectId: based.objectId, version: based.version }
				: null
	};
}

export async function loadDraft(me: Identity, caseId: string): Promise<Draft | null> {
	for (const row of await listPersonal('draft', caseId)) {
		if (row.deleted) continue;
		const opened = await openPersonal(row, me);
		try {
			const body = draftFrom(opened.body ? fromJsonBody(opened.body) : null, caseId);
			if (body) {
				return {
					objectId: row.objectId,
					prev: { header: opened.header, headerHash: opened.headerHash },
					body
				};
			}
		} finally {
			wipe(opened.contentKey);
		}
	}
	return null;
}

/** Seals and stores the draft's next version; returns it for the one after. */
export async function saveDraft(
	me: Identity,
	caseId: string,
	draft: Draft | null,
	body: Omit<DraftBody, 'v' | 'caseId' | 'for'>
): Promise<Draft> {
	const objectId = draft?.objectId ?? randomId();
	const full: DraftBody = { v: 1, caseId, for: 'input', ...body };
	const sealed = await putPersonal(
		me,
		'draft',
		objectId,
		draft?.prev ?? null,
		jsonBody(full),
		false,
		caseId
	);
	return { objectId, prev: { header: sealed.header, headerHash: sealed.headerHash }, body: full };
}

export const emptyDraft = { template: null, answers: {}, basedOn: null };

export const isConflict = (e: unknown) => e instanceof RequestProblem && e.status === 409;
