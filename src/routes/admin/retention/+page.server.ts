import type { Actions, PageServerLoad } from './$types';
import { requireOrgRole } from '$lib/server/auth/guards';
import { CHALLENGE_LIFETIME_MS } from '$lib/server/auth/webauthn';
import { COUNTER_LIFETIME_MS } from '$lib/server/auth/rate-limit';
import { ABANDONED_MS } from '$lib/server/attachments';
import { DEVICE_SHARE_IDLE_MS } from '$lib/server/keys';
import { config } from '$lib/server/config';
import { isFileDb } from '$lib/server/db';
import { programStatistics } from '$lib/server/program-stats';
import { changeRetentionPolicy, previewPurge } from '$lib/server/purge';
import { DAY, retentionPolicy } from '$lib/server/retention';
import { m } from '$lib/paraglide/messages.js';
import { readPolicyForm, toValues } from './form.server';

const ADMIN = ['admin'] as const;
const MINUTE = 60_000;
const HOUR = 3_600_000;

export const load: PageServerLoad = async (event) => {
	requireOrgRole(event, ADMIN);
	const policy = await retentionPolicy();
	const [preview, statistics] = await Promise.all([previewPurge(policy), programStatistics()]);
	const { sessionIdleMs, sessionAbsoluteMs } = config();
	return {
		values: toValues(policy),
		closedCaseDays: policy.closedCaseDays,
		preview,
		statistics,
		fileDb: isFileDb(),
		// What the purge deletes by the clock, from the constants it uses.
		windows: {
			challengeMinutes: CHALLENGE_LIFETIME_MS / MINUTE,
			sessionIdleMinutes: sessionIdleMs / MINUTE,
			sessionAbsoluteHours: sessionAbsoluteMs / HOUR,
			counterHours: COUNTER_LIFETIME_MS / HOUR,
			deviceDays: DEVICE_SHARE_IDLE_MS / DAY,
			uploadHours: ABANDONED_MS / HOUR
		},
		pageTitle: m.retention_title()
	};
};

export const actions: Actions = {
	// What the next purge would delete under the values typed, next to the values in force.
	preview: async (event) => {
		requireOrgRole(event, ADMIN);
		const { values, policy, failure } = await readPolicyForm(event.request, 'policy');
		if (!policy) return failure;
		return { form: 'policy', values, preview: await previewPurge(policy) };
	},
	save: async (event) => {
		const admin = requireOrgRole(event, ADMIN);
		const { values, policy, failure } = await readPolicyForm(event.request, 'policy');
		if (!policy) return failure;
		const purged = await changeRetentionPolicy(admin.id, policy);
		const done = purged
			? m.retention_saved({
					cases: purged.cases,
					invites: purged.invites,
					accounts: purged.accounts,
					audit: purged.auditEvents
				})
			: m.retention_saved_purge_later();
		return { form: 'policy', values, done };
	}
};
