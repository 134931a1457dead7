import { RETENTION_BOUNDS, type RetentionPolicy } from '$lib/retention-policy';
import { m } from '$lib/paraglide/messages.js';

// The policy form's fields, for the page (labels, hints, bounds) and its actions (a refusal
// names the field by its label).

export type PolicyKey = keyof RetentionPolicy;
export type PolicyValues = Record<PolicyKey, string>;
export type PolicyErrors = Partial<Record<PolicyKey, string>>;

export const LABELS: Record<PolicyKey, () => string> = {
	closedCaseDays: m.retention_closed_label,
	inviteDays: m.retention_invite_label,
	orphanDays: m.retention_orphan_label,
	auditDays: m.retention_audit_label
};

const HINTS: Record<PolicyKey, (range: { min: number; max: number }) => string> = {
	closedCaseDays: m.retention_closed_hint,
	inviteDays: m.retention_invite_hint,
	orphanDays: m.retention_orphan_hint,
	auditDays: m.retention_audit_hint
};

export const range = (key: PolicyKey) => {
	const [min, max] = RETENTION_BOUNDS[key];
	return { min, max };
};

export const hint = (key: PolicyKey) => HINTS[key](range(key));
