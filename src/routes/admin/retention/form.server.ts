import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { RETENTION_KEYS, type RetentionPolicy } from '$lib/retention-policy';
import { readForm } from '$lib/server/forms';
import { m } from '$lib/paraglide/messages.js';
import { LABELS, range, type PolicyErrors, type PolicyKey, type PolicyValues } from './fields';

/** Whole days within the field's bounds; anything else is refused with the field's name. */
function days(key: PolicyKey) {
	const { min, max } = range(key);
	const words = () => m.retention_field_invalid({ field: LABELS[key](), min, max });
	return v.pipe(
		v.string(),
		v.trim(),
		v.regex(/^\d{1,6}$/, words),
		v.transform(Number),
		v.minValue(min, words),
		v.maxValue(max, words)
	);
}

const Policy = v.object({
	closedCaseDays: days('closedCaseDays'),
	inviteDays: days('inviteDays'),
	orphanDays: days('orphanDays'),
	auditDays: days('auditDays')
});

export const toValues = (policy: RetentionPolicy): PolicyValues =>
	Object.fromEntries(RETENTION_KEYS.map((k) => [k, String(policy[k])])) as PolicyValues;

/**
 * Reads the four values. What was typed always comes back; a refusal (400) names each field
 * that is not whole days within its bounds, and nothing is saved.
 */
export async function readPolicyForm(request: Request, form: string) {
	const data = await readForm(request);
	const text = (key: PolicyKey) => {
		const value = data?.get(key);
		return typeof value === 'string' ? value : '';
	};
	const values = Object.fromEntries(RETENTION_KEYS.map((k) => [k, text(k)])) as PolicyValues;
	const result = v.safeParse(Policy, values);
	if (result.success) return { values, policy: result.output, failure: null };
	const nested = v.flatten<typeof Policy>(result.issues).nested ?? {};
	const errors: PolicyErrors = {};
	for (const key of RETENTION_KEYS) if (nested[key]) errors[key] = nested[key][0];
	const failure = fail(400, { form, values, errors, problem: m.retention_not_saved() });
	return { values, policy: null, failure };
}
