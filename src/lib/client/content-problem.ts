import { m } from '$lib/paraglide/messages.js';
import { RequestProblem } from './http';
import { CryptoError } from '$lib/crypto/errors';
import { ContentTooLong, PageTooLong, Withheld } from './content-errors';

// Apart from failureMessage (failure-message.ts), which carries the passkey library with it:
// pages that only open and save content do not load WebAuthn code for their error words.
/** Plain words for content that could not be opened or saved; no blame, nothing technical. */
export function contentProblem(e: unknown): string {
	if (e instanceof CryptoError) {
		if (e.code === 'rolled_back') return m.content_rolled_back();
		return m.content_unreadable();
	}
	if (e instanceof PageTooLong) return m.notebook_too_long();
	if (e instanceof ContentTooLong) return m.content_too_long();
	if (e instanceof Withheld) return m.content_withheld();
	if (e instanceof RequestProblem) return e.code === 'offline' ? m.offline() : e.message;
	return m.content_unreadable();
}
