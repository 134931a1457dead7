import { openChunk, sealChunk, type AttachmentInfo } from '$lib/crypto/attachment';
import { wipe } from '$lib/crypto/bytes';
import { randomBytes, randomId } from '$lib/crypto/primitives';
import { ATTACHMENT_MAX_BYTES, CHUNK_BYTES } from '$lib/attachment-limits';
import { deleteJson, getJson, postJson, RequestProblem } from './http';

/**
 * Files (letters, recordings) sealed here chunk by chunk under a fresh content key, uploaded
 * as they are sealed, and opened here chunk by chunk on the way back (DESIGN §4). Only the
 * chunk hashes and the key stay in memory while uploading: a 200 MB file is never held whole
 * before it is sealed. The key goes into the envelope that names the file, then is wiped.
 */

export { ATTACHMENT_MAX_BYTES as MAX_FILE_BYTES };
/** Chunks in flight at once: enough to fill the line, few enough to stay gentle. */
const PARALLEL = 3;
const RETRIES = [500, 1500, 4000];

/** The connection dropped for good mid-upload: `resume()` sends only what is missing. */
export class UploadInterrupted extends Error {
	constructor(public upload: Upload) {
		super('upload interrupted');
	}
}

export type Progress = (done: number, total: number) => void;

/** An upload in progress or finished, with what the envelope needs once it is complete. */
export class Upload {
	readonly id = randomId();
	readonly contentKey = randomBytes(32);
	readonly count: number;
	private readonly hashes: (Uint8Array | undefined)[];
	/** Chunks the server acknowledged in this page. */
	private readonly confirmed = new Set<number>();
	private started = false;

	constructor(
		readonly caseId: string,
		readonly file: Blob,
		readonly chunkSize = CHUNK_BYTES
	) {
		// Pages refuse a larger file in words before it gets here.
		if (file.size > ATTACHMENT_MAX_BYTES) throw new RangeError('file over the limit');
		this.count = Math.max(1, Math.ceil(file.size / chunkSize));
		this.hashes = new Array(this.count);
	}

	private get base() {
		return `/api/cases/${this.caseId}/attachments/${this.id}`;
	}

	/** Uploads every chunk not yet acknowledged; throws UploadInterrupted to be resumed. */
	async run(onProgress: Progress = () => {}): Promise<void> {
		if (!this.started) {
			await postJson(`/api/cases/${this.caseId}/attachments`, {
				id: this.id,
				size: this.file.size,
				chunkSize: this.chunkSize
			});
			this.started = true;
		} else {
			// Resuming: a chunk the server lost (or never kept) is sent again.
			const { received } = await getJson<{ received: number[] }>(this.base);
			const there = new Set(received);
			for (const i of [...this.confirmed]) if (!there.has(i)) this.confirmed.delete(i);
		}
		const todo = [...Array(this.count).keys()].filter((i) => !this.confirmed.has(i));
		const report = () => onProgress(this.confirmed.size, this.count);
		report();
		let failed: unknown = null;
		const worker = async () => {
			while (todo.length > 0 && !failed) {
				const i = todo.shift()!;
				try {
					await this.send(i);
					this.confirmed.add(i);
					report();
				} catch (e) {
					failed = e;
				}
			}
		};
		await Promise.all(Array.from({ length: PARALLEL }, worker));
		if (failed) {
			if (failed instanceof RequestProblem && failed.status !== 0) throw failed;
			throw new UploadInterrupted(this);
		}
	}

	/** Seals chunk i afresh (a new nonce each try) and sends it, retrying a dropped line. */
	private async send(i: number) {
		const start = i * this.chunkSize;
		const plain = new Uint8Array(
			await this.file.slice(start, start + this.chunkSize).arrayBuffer()
		);
		for (let attempt = 0; ; attempt++) {
			const { sealed, hash } = await sealChunk(this.contentKey, i, this.count, plain);
			// The hash of whatever was last sent for i: what the server holds if it arrived.
			this.hashes[i] = hash;
			const res = await fetch(`${this.base}/chunks/${i}`, {
				method: 'PUT',
				headers: { 'Content-Type': 'application/octet-stream' },
				body: sealed as Uint8Array<ArrayBuffer>,
				credentials: 'same-origin'
			}).catch(() => null);
			if (res?.ok) return;
			if (res && res.status !== 429 && res.status < 500) {
				const data = await res.json().catch(() => ({}));
				throw new RequestProblem(
					res.status,
					String(data.code ?? 'error'),
					String(data.message ?? '')
				);
			}
			if (attempt >= RETRIES.length) throw new RequestProblem(0, 'offline', '');
			await new Promise((r) => setTimeout(r, RETRIES[attempt]));
		}
	}

	/** What the envelope's header lists: valid once `run` has finished. */
	info(): AttachmentInfo {
		if (this.confirmed.size !== this.count) throw new Error('upload not finished');
		return { size: this.file.size, chunkSize: this.chunkSize, chunks: this.hashes as Uint8Array[] };
	}

	/** Sent, or given up: the key is no longer needed here. */
	forget() {
		wipe(this.contentKey);
	}

	/** Not sending after all: the chunks go from the server at once. */
	async cancel() {
		this.forget();
		if (this.started) await deleteJson(this.base).catch(() => {});
	}
}

/**
 * Fetches and opens every chunk of an attached file, each checked against the header (order,
 * count, last flag, content): anything altered or missing fails closed, nothing partial shown.
 */
export async function downloadFile(
	caseId: string,
	attachmentId: string,
	contentKey: Uint8Array,
	info: AttachmentInfo,
	onProgress: Progress = () => {}
): Promise<Uint8Array> {
	const out = new Uint8Array(info.size);
	const count = info.chunks.length;
	let next = 0;
	let done = 0;
	onProgress(0, count);
	const worker = async () => {
		while (next < count) {
			const i = next++;
			const res = await fetch(`/api/cases/${caseId}/attachments/${attachmentId}/chunks/${i}`, {
				credentials: 'same-origin'
			}).catch(() => null);
			if (!res) throw new RequestProblem(0, 'offline', '');
			if (!res.ok) {
				const data = await res.json().catch(() => ({}));
				throw new RequestProblem(
					res.status,
					String(data.code ?? 'error'),
					String(data.message ?? '')
				);
			}
			const sealed = new Uint8Array(await res.arrayBuffer());
			out.set(await openChunk(contentKey, info, i, sealed), i * info.chunkSize);
			onProgress(++done, count);
		}
	};
	await Promise.all(Array.from({ length: Math.min(PARALLEL, count) }, worker));
	return out;
}
