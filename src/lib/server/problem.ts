/**
 * A refusal a person can act on: an HTTP status and a message code. Domain modules throw
 * these; routes turn them into a 4xx with words from the message catalogue.
 */
export class Problem extends Error {
	constructor(
		public status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 429,
		public code: ProblemCode,
		public retryAfterSeconds?: number
	) {
		super(code);
	}
}

export type ProblemCode =
	| 'bad_request'
	| 'signin_required'
	| 'forbidden'
	| 'cross_origin'
	| 'rate_limited'
	| 'link_not_found'
	| 'link_expired'
	| 'link_used'
	| 'link_revoked'
	| 'setup_done'
	| 'challenge_invalid'
	| 'passkey_unverified'
	| 'passkey_unknown'
	| 'passkey_last'
	| 'passkey_exists'
	| 'account_inactive'
	| 'facilitator_not_found'
	| 'cannot_deactivate_self'
	| 'keys_exist'
	| 'keys_missing'
	| 'device_forgotten'
	| 'version_conflict'
	| 'too_many'
	| 'cannot_recover_self'
	| 'person_not_found'
	| 'not_found'
	| 'case_not_found'
	| 'case_exists'
	| 'case_closed'
	| 'reader_not_allowed'
	| 'too_large'
	| 'deleted'
	| 'supports_unknown'
	| 'invite_role'
	| 'already_member'
	| 'log_conflict'
	| 'lead_not_facilitator'
	| 'invite_exists'
	| 'template_not_found'
	| 'template_invalid'
	| 'template_empty'
	| 'template_in_use'
	| 'file_too_large'
	| 'too_many_uploads'
	| 'upload_not_found'
	| 'upload_incomplete'
	| 'upload_finished'
	| 'chunk_invalid'
	| 'relay_not_found'
	| 'relay_decided'
	| 'relay_target';
