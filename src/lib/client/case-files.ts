import { wipe } from '$lib/crypto/bytes';
import type { Progress, Upload } from './attachments';
import type { CaseContext } from './case-log';
import { openCaseObject, type SealRequest, type StoredCaseObject } from './case-objects';

/**
 * A file carried by a case object (a message, a relay, a party's input): its name and type are
 * sealed inside the envelope's body, its chunks under the envelope's content key (DESIGN §4).
 */

export type FileMeta = { name: string; type: string };

const MAX_NAME = 200;

const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

/** A file's name and type as a reader trusts them: strings, cut to size, never empty names. */
export function fileMetaOf(v: unknown): FileMeta | null {
	if (!v || typeof v !== 'object') return null;
	const f = v as Record<string, unknown>;
	return { name: str(f.name, MAX_NAME) || 'file', type: str(f.type, 100) };
}

/** A file uploaded and ready to go into the envelope that names it. */
export type Ready = { upload: Upload; meta: FileMeta };

/** What `sealCaseObject` needs to seal a finished upload into the envelope. */
export const fileField = (ready: Ready | null): SealRequest['file'] =>
	ready
		? {
				uploadId: ready.upload.id,
				streamed: { contentKey: ready.upload.contentKey, info: ready.upload.info() }
			}
		: undefined;

/**
 * Opens the file a version carries: the envelope again (for its content key and chunk list),
 * then every chunk, checked. The key is wiped as soon as the last chunk is open.
 */
export async function openAttached(
	ctx: CaseContext,
	row: StoredCaseObject,
	type: string,
	onProgress?: Progress
): Promise<Blob> {
	if (!row.attachment) throw new Error('no file');
	const opened = await openCaseObject(ctx, row);
	try {
		const info = opened.header.attachment;
		if (!info) throw new Error('no file in header');
		// The chunk code loads when a file is opened, not with every page that lists files.
		const { downloadFile } = await import('./attachments');
		const bytes = await downloadFile(
			ctx.caseId,
			row.attachment.id,
			opened.contentKey,
			info,
			onProgress
		);
		return new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
	} finally {
		wipe(opened.contentKey);
	}
}
