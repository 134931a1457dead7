import { m } from '$lib/paraglide/messages.js';
import { fileSize } from '$lib/file-size';
import { MAX_FILE_BYTES, Upload, UploadInterrupted } from './attachments';
import type { Ready } from './case-files';
import { RequestProblem } from './http';

/**
 * One file chosen in a page, on its way into an envelope: refused in words before any upload
 * if it is too large, uploaded sealed with progress, resumable when the connection drops, and
 * its unsent chunks deleted from the server when it is dropped or refused.
 */
export class FileSender {
	file = $state.raw<File | null>(null);
	phase = $state<'idle' | 'uploading' | 'interrupted' | 'sending'>('idle');
	done = $state(0);
	total = $state(0);
	#upload: Upload | null = null;

	constructor(private readonly caseId: string) {}

	get busy() {
		return this.phase === 'uploading' || this.phase === 'sending';
	}

	get percent() {
		return this.total ? Math.round((this.done / this.total) * 100) : 0;
	}

	/**
	 * A file picked or recorded (or none). Another file makes an unsent upload of the one before
	 * moot: it must not go under the new file's name, so its chunks go from the server now.
	 * Returns a problem in words when the file is refused.
	 */
	choose(f: File | null): string {
		this.drop();
		if (f && f.size > MAX_FILE_BYTES) {
			this.file = null;
			return m.messages_file_too_large({ max: fileSize(MAX_FILE_BYTES), size: fileSize(f.size) });
		}
		this.file = f;
		return '';
	}

	drop() {
		void this.#upload?.cancel();
		this.#upload = null;
		this.file = null;
		this.phase = 'idle';
	}

	/**
	 * Uploads what is missing of the chosen file (if any) and hands it to `store`, which puts it
	 * in its envelope. False when the connection dropped mid-upload: `send` again carries on.
	 * Other failures are thrown; offline, what was uploaded is kept for the next try, anything
	 * else (refused, too long) starts the file afresh.
	 */
	async send(store: (ready: Ready | null) => Promise<void>): Promise<boolean> {
		const file = this.file;
		try {
			if (file && !this.#upload) this.#upload = new Upload(this.caseId, file);
			const upload = this.#upload;
			if (upload) {
				this.phase = 'uploading';
				await upload.run((d, t) => {
					this.done = d;
					this.total = t;
				});
			}
			this.phase = 'sending';
			await store(upload && file ? { upload, meta: { name: file.name, type: file.type } } : null);
			this.#upload = null;
			this.file = null;
			this.phase = 'idle';
			return true;
		} catch (err) {
			if (err instanceof UploadInterrupted) {
				this.phase = 'interrupted';
				return false;
			}
			this.phase = 'idle';
			if (!(err instanceof RequestProblem && err.status === 0)) {
				await this.#upload?.cancel();
				this.#upload = null;
			}
			throw err;
		}
	}
}
