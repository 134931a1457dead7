import { m } from '$lib/paraglide/messages.js';
import { LIMITS, type ParseProblem } from '$lib/form-template';
import type { ProblemCode } from './problem';

const MESSAGES: Record<ProblemCode | 'unexpected' | 'unavailable', () => string> = {
	bad_request: m.problem_bad_request,
	signin_required: m.problem_signin_required,
	forbidden: m.problem_forbidden,
	cross_origin: m.problem_cross_origin,
	rate_limited: m.problem_rate_limited,
	link_not_found: m.problem_link_not_found,
	link_expired: m.problem_link_expired,
	link_used: m.problem_link_used,
	link_revoked: m.problem_link_revoked,
	setup_done: m.problem_setup_done,
	challenge_invalid: m.problem_challenge_invalid,
	passkey_unverified: m.problem_passkey_unverified,
	passkey_unknown: m.problem_passkey_unknown,
	passkey_last: m.problem_passkey_last,
	passkey_exists: m.problem_passkey_exists,
	account_inactive: m.problem_account_inactive,
	facilitator_not_found: m.problem_facilitator_not_found,
	cannot_deactivate_self: m.problem_cannot_deactivate_self,
	keys_exist: m.problem_keys_exist,
	keys_missing: m.problem_keys_missing,
	device_forgotten: m.problem_device_forgotten,
	version_conflict: m.problem_version_conflict,
	too_many: m.problem_too_many,
	cannot_recover_self: m.problem_cannot_recover_self,
	person_not_found: m.problem_person_not_found,
	not_found: m.problem_not_found,
	case_not_found: m.problem_case_not_found,
	case_exists: m.problem_case_exists,
	case_closed: m.problem_case_closed,
	reader_not_allowed: m.problem_reader_not_allowed,
	too_large: m.problem_too_large,
	request_too_large: m.problem_request_too_large,
	deleted: m.problem_deleted,
	supports_unknown: m.problem_supports_unknown,
	invite_role: m.problem_invite_role,
	already_member: m.problem_already_member,
	log_conflict: m.problem_log_conflict,
	lead_not_facilitator: m.problem_lead_not_facilitator,
	invite_exists: m.problem_invite_exists,
	template_not_found: m.problem_template_not_found,
	template_invalid: m.problem_template_invalid,
	template_empty: m.problem_template_empty,
	template_in_use: m.problem_template_in_use,
	file_too_large: m.problem_file_too_large,
	too_many_uploads: m.problem_too_many_uploads,
	upload_not_found: m.problem_upload_not_found,
	upload_incomplete: m.problem_upload_incomplete,
	upload_finished: m.problem_upload_finished,
	chunk_invalid: m.problem_chunk_invalid,
	relay_not_found: m.problem_relay_not_found,
	relay_decided: m.problem_relay_decided,
	relay_target: m.problem_relay_target,
	time_zone_unknown: m.problem_time_zone_unknown,
	meeting_end_before_start: m.problem_meeting_end_before_start,
	meeting_duration: m.problem_meeting_duration,
	meeting_in_past: m.problem_meeting_in_past,
	meeting_too_far: m.problem_meeting_too_far,
	meeting_stagger: m.problem_meeting_stagger,
	meeting_needs_facilitator: m.problem_meeting_needs_facilitator,
	invitee_not_in_case: m.problem_invitee_not_in_case,
	readiness_facilitators_only: m.problem_readiness_facilitators_only,
	preparation_one_party: m.problem_preparation_one_party,
	survivor_not_decided: m.problem_survivor_not_decided,
	joint_needs_direct: m.problem_joint_needs_direct,
	joint_needs_consent: m.problem_joint_needs_consent,
	meeting_not_found: m.problem_meeting_not_found,
	meeting_cancelled: m.problem_meeting_cancelled,
	meeting_over: m.problem_meeting_over,
	poll_not_found: m.problem_poll_not_found,
	poll_closed: m.problem_poll_closed,
	poll_slots: m.problem_poll_slots,
	close_with_outcome: m.problem_close_with_outcome,
	agreement_exists: m.problem_agreement_exists,
	agreement_not_found: m.problem_agreement_not_found,
	agreement_no_items: m.problem_agreement_no_items,
	item_no_owner: m.problem_item_no_owner,
	item_owner_not_allowed: m.problem_item_owner_not_allowed,
	item_repeat_needs_day: m.problem_item_repeat_needs_day,
	item_due_in_past: m.problem_item_due_in_past,
	agreement_no_signers: m.problem_agreement_no_signers,
	agreement_signers_changed: m.problem_agreement_signers_changed,
	agreement_old_version: m.problem_agreement_old_version,
	agreement_not_signer: m.problem_agreement_not_signer,
	agreement_awaiting_survivor: m.problem_agreement_awaiting_survivor,
	agreement_already_decided: m.problem_agreement_already_decided,
	agreement_not_in_force: m.problem_agreement_not_in_force,
	agreement_item_not_found: m.problem_agreement_item_not_found,
	agreement_not_your_item: m.problem_agreement_not_your_item,
	agreement_items_first: m.problem_agreement_items_first,
	account_deleted_by_admin: m.problem_account_deleted_by_admin,
	facilitator_still_leads: m.problem_facilitator_still_leads,
	cannot_delete_self: m.problem_cannot_delete_self,
	facilitator_still_active: m.problem_facilitator_still_active,
	unexpected: m.problem_unexpected,
	unavailable: m.problem_unavailable
};

/** The words shown to a person for a refusal. */
export function problemMessage(code: keyof typeof MESSAGES): string {
	return MESSAGES[code]();
}

/** The words for a line of a form template that could not be read, with its line number. */
export function parseProblemMessage({ code, line }: ParseProblem): string {
	switch (code) {
		case 'unknown_line':
			return m.templates_line_unknown({ line });
		case 'too_long':
			return m.templates_line_too_long({
				line,
				text: LIMITS.text,
				option: LIMITS.option,
				source: LIMITS.source.toLocaleString('en')
			});
		case 'option_without_question':
			return m.templates_line_option_alone({ line });
		case 'hint_without_question':
			return m.templates_line_hint_alone({ line });
		case 'too_few_options':
			return m.templates_line_too_few_options({ line });
		case 'too_many_options':
			return m.templates_line_too_many_options({ line, max: LIMITS.options });
		case 'scale_options':
			return m.templates_line_scale_options({ line });
		case 'too_many_items':
			return m.templates_line_too_many_items({ line, max: LIMITS.items });
		case 'no_questions':
			return m.problem_template_empty();
	}
}
