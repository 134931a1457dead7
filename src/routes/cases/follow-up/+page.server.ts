import type { PageServerLoad } from './$types';
import { requireOrgRole } from '$lib/server/auth/guards';
import { followUpDashboard } from '$lib/server/agreement-views';
import { m } from '$lib/paraglide/messages.js';

// How each agreement in force is going, in the cases this person facilitates (and only
// those): structure only (kinds, owners, days). Its own page, so the cases list stays a page.
export const load: PageServerLoad = async (event) => {
	const user = requireOrgRole(event, ['admin', 'facilitator']);
	return { rows: await followUpDashboard(user.id), pageTitle: m.follow_up_title() };
};
