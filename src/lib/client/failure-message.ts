import { m } from '$lib/paraglide/messages.js';
import { PasskeyError } from './webauthn';
import { RequestProblem } from './http';
import { CryptoError } from '$lib/crypto/errors';
import { ContentTooLong, PageTooLong, Withheld } from './content-errors';

/** Plain words for why a passkey ceremony or unlocking did not finish, and what to do next. */
export function failureMessage(e: unknown): string {
	if (e instanceof PasskeyError) {
		const byReason = {
			unsupported: m.passkey_unsupported,
			cancelled: m.passkey_cancelled,
			already_registered: m.passkey_already_registered,
			wrong_site: m.passkey_wrong_site,
			failed: m.passkey_failed
		};
		return byReason[e.reason]();
	}
	if (e instanceof CryptoError) {
		if (e.code === 'bad_recovery_code') return m.recovery_code_mistyped();
		if (e.code === 'decrypt_failed') return m.recovery_code_wrong();
		return m.keys_failed();
	}
	if (e instanceof RequestProblem) return e.code === 'offline' ? m.offline() : e.message;
	return m.passkey_failed();
}

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
