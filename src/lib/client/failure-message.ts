import { m } from '$lib/paraglide/messages.js';
import { PasskeyError } from './webauthn';
import { RequestProblem } from './http';
import { CryptoError } from '$lib/crypto/errors';

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
