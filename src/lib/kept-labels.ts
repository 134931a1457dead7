import { m } from '$lib/paraglide/messages.js';

// Words for "What is kept about you" and the printable copy: kinds of writing, a person's part
// in a case and their role in the organization.

const KINDS: Record<string, () => string> = {
	input: m.kept_kind_input,
	conversation: m.kept_kind_conversation,
	relay: m.kept_kind_relay,
	'case-summary': m.kept_kind_case_summary,
	'facilitator-notes': m.kept_kind_facilitator_notes,
	'invite-secret': m.kept_kind_invite_secret,
	'interim-summary': m.kept_kind_interim_summary,
	'interim-comment': m.kept_kind_interim_comment,
	meeting: m.kept_kind_meeting,
	agreement: m.kept_kind_agreement,
	'check-in': m.kept_kind_check_in
};
export const kindLabel = (kind: string) =>
	(Object.hasOwn(KINDS, kind) ? KINDS[kind]! : m.kept_kind_other)();

const PLACES = {
	active: m.kept_member_active,
	paused: m.kept_member_paused,
	withdrawn: m.kept_member_withdrawn,
	removed: m.kept_member_removed
};
export const placeLabel = (status: keyof typeof PLACES) => PLACES[status]();

export const orgRoleLabel = (role: 'admin' | 'facilitator' | null) =>
	role === 'admin'
		? m.kept_org_role_admin()
		: role === 'facilitator'
			? m.kept_org_role_facilitator()
			: m.kept_org_role_none();
