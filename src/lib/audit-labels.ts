import { m } from '$lib/paraglide/messages.js';
import type { AuditAction } from '$lib/server/audit';

// Plain words for every audit action (server/audit.ts), as a person reads them about themselves
// on "What is kept about you". Who did it is shown beside them, so they name no one.
const LABELS: Record<AuditAction, () => string> = {
	'setup.completed': m.audit_setup_completed,
	signin: m.audit_signin,
	signout: m.audit_signout,
	'signout.everywhere': m.audit_signout_everywhere,
	'passkey.added': m.audit_passkey_added,
	'passkey.removed': m.audit_passkey_removed,
	'passkey.renamed': m.audit_passkey_renamed,
	'invite.created': m.audit_invite_created,
	'invite.used': m.audit_invite_used,
	'invite.revoked': m.audit_invite_revoked,
	'device_link.created': m.audit_device_link_created,
	'recovery_link.created': m.audit_recovery_link_created,
	'keys.created': m.audit_keys_created,
	'recovery_code.replaced': m.audit_recovery_code_replaced,
	'device.remembered': m.audit_device_remembered,
	'device.forgotten': m.audit_device_forgotten,
	'facilitator.deactivated': m.audit_facilitator_deactivated,
	'org.updated': m.audit_org_updated,
	'case.opened': m.audit_case_opened,
	'case.stage_changed': m.audit_case_stage_changed,
	'case.lead_changed': m.audit_case_lead_changed,
	'case.signal_raised': m.audit_case_signal_raised,
	'case.notice_seen': m.audit_case_notice_seen,
	'case.participation_changed': m.audit_case_participation_changed,
	'case.choices_changed': m.audit_case_choices_changed,
	'case.input_deleted': m.audit_case_input_deleted,
	'relay.proposed': m.audit_relay_proposed,
	'relay.approved': m.audit_relay_approved,
	'relay.declined': m.audit_relay_declined,
	'relay.withdrawn': m.audit_relay_withdrawn,
	'relay.shared': m.audit_relay_shared,
	'meeting.scheduled': m.audit_meeting_scheduled,
	'meeting.moved': m.audit_meeting_moved,
	'meeting.cancelled': m.audit_meeting_cancelled,
	'meeting.answered': m.audit_meeting_answered,
	'poll.opened': m.audit_poll_opened,
	'poll.answered': m.audit_poll_answered,
	'poll.closed': m.audit_poll_closed,
	'template.created': m.audit_template_created,
	'template.updated': m.audit_template_updated,
	'template.in_use': m.audit_template_in_use,
	'template.deleted': m.audit_template_deleted,
	'agreement.drafted': m.audit_agreement_drafted,
	'agreement.signed': m.audit_agreement_signed,
	'agreement.item_marked': m.audit_agreement_item_marked,
	'case.closed': m.audit_case_closed,
	'input.created': m.audit_input_created,
	'input.fetched': m.audit_input_fetched,
	'readers.added': m.audit_readers_added,
	'account.deleted': m.audit_account_deleted,
	'retention.changed': m.audit_retention_changed,
	'purge.ran': m.audit_purge_ran,
	'backup.made': m.audit_backup_made
};

/** An action recorded by an older or newer release reads as "something was recorded". */
export const auditLabel = (action: string) =>
	(Object.hasOwn(LABELS, action) ? LABELS[action as AuditAction] : m.audit_other)();

export const AUDIT_ACTIONS = Object.keys(LABELS) as AuditAction[];
