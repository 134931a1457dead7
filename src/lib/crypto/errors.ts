/**
 * Every check in this library fails closed with one of these codes, so callers can tell a
 * tampered object from a wrong key without parsing messages. Messages never carry content.
 */
export type CryptoErrorCode =
	| 'bad_encoding'
	| 'unknown_version'
	| 'bad_length'
	| 'weak_key'
	| 'bad_signature'
	| 'bad_mac'
	| 'decrypt_failed'
	| 'fingerprint_mismatch'
	| 'wrong_reader'
	| 'wrapper_not_allowed'
	| 'author_not_allowed'
	| 'reader_not_allowed'
	| 'header_mismatch'
	| 'body_mismatch'
	| 'rolled_back'
	| 'log_behind'
	| 'bad_log'
	| 'not_a_member'
	| 'bad_invite'
	| 'bad_recovery_code'
	| 'key_changed';

export class CryptoError extends Error {
	constructor(
		public code: CryptoErrorCode,
		detail?: string
	) {
		super(detail ? `${code}: ${detail}` : code);
		this.name = 'CryptoError';
	}
}

export function fail(code: CryptoErrorCode, detail?: string): never {
	throw new CryptoError(code, detail);
}
