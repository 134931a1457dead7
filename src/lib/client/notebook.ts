import { wipe } from '$lib/crypto/bytes';
import { decoder, encode, text } from '$lib/crypto/encoding';
import type { PreviousVersion } from '$lib/crypto/envelope';
import type { Identity } from '$lib/crypto/identity';
import { randomId } from '$lib/crypto/primitives';
import { markKey, raiseMark } from '$lib/crypto/personal-state';
import { listPersonal, openPersonal, putPersonal } from './personal';
import { loadPersonalState, updatePersonalState } from './personal-state';
import { PageTooLong, Withheld } from './content-errors';

/**
 * The private notebook: pages only their writer can read. Each page is an envelope to self;
 * personal state remembers the newest version seen of each, so an older copy served later is
 * refused instead of shown.
 */

export type NotebookPage = {
	objectId: string;
	text: string;
	updatedAt: number;
	prev: PreviousVersion;
};

const PURPOSE = 'notebook/page/v1';
/** The server takes bodies up to 256 KB (validation/keys.ts); say so before sealing. */
export const PAGE_MAX_BYTES = 255 * 1024;

const mark = (objectId: string) => markKey(null, 'notebook', objectId);

function encodePage(content: string) {
	return encode(PURPOSE, text(content));
}

export function decodePage(bytes: Uint8Array): string {
	const d = decoder(PURPOSE, bytes);
	const content = d.text();
	d.end();
	return content;
}

export async function loadNotebook(me: Identity): Promise<NotebookPage[]> {
	const [rows, state] = await Promise.all([listPersonal('notebook'), loadPersonalState(me)]);
	const pages: NotebookPage[] = [];
	const seen: [string, number][] = [];
	for (const row of rows) {
		const opened = await openPersonal(row, me, state.marks.get(mark(row.objectId)));
		wipe(opened.contentKey);
		seen.push([row.objectId, opened.header.version]);
		if (opened.deleted) continue;
		pages.push({
			objectId: row.objectId,
			text: decodePage(opened.body),
			updatedAt: opened.header.createdAt,
			prev: { header: opened.header, headerHash: opened.headerHash }
		});
	}
	// A page that vanished from the list after being seen is reported, not silently dropped.
	const listed = new Set(rows.map((r) => r.objectId));
	const missing = [...state.marks.keys()].filter((k) => {
		const [, kind, id] = JSON.parse(k) as [null, string, string];
		return kind === 'notebook' && !listed.has(id);
	});
	if (missing.length > 0) throw new Withheld();
	await rememberVersions(me, seen);
	return pages.sort((a, b) => b.updatedAt - a.updatedAt);
}

async function rememberVersions(me: Identity, seen: [string, number][]) {
	await updatePersonalState(me, (s) =>
		seen.reduce((acc, [id, version]) => raiseMark(acc, mark(id), version), s)
	);
}

export async function savePage(me: Identity, content: string, page: NotebookPage | null) {
	if (new TextEncoder().encode(content).length > PAGE_MAX_BYTES) throw new PageTooLong();
	const objectId = page?.objectId ?? randomId();
	const sealed = await putPersonal(
		me,
		'notebook',
		objectId,
		page?.prev ?? null,
		encodePage(content)
	);
	await rememberVersions(me, [[objectId, sealed.header.version]]);
}

/** Deleting writes a tombstone: an empty next version, so the text is gone for good. */
export async function deletePage(me: Identity, page: NotebookPage) {
	const sealed = await putPersonal(
		me,
		'notebook',
		page.objectId,
		page.prev,
		new Uint8Array(0),
		true
	);
	await rememberVersions(me, [[page.objectId, sealed.header.version]]);
}
