import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { pageProblem } from '$lib/server/api';
import { dashboardFor, PAGE_SIZE } from '$lib/server/dashboard';
import { getDeploymentId } from '$lib/server/org';
import { Problem } from '$lib/server/problem';
import { pageAsked } from '$lib/server/validation/page-number';
import { m } from '$lib/paraglide/messages.js';

// References, stages and counts only, a page of cases at a time, those that need the person
// first; the titles are opened by the facilitator's browser.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const asked = pageAsked(event.url);
	if (asked === undefined) return pageProblem(new Problem(400, 'bad_request'));
	const dashboard = await dashboardFor(user.id, asked);
	// A page past the end (cases closed or left since the link was made): the last one.
	if (dashboard.cases.length === 0 && dashboard.page > 1) {
		redirect(303, dashboard.pages > 1 ? `/cases?page=${dashboard.pages}` : '/cases');
	}
	return {
		userId: user.id,
		canOpen: user.orgRole !== null,
		...dashboard,
		pageSize: PAGE_SIZE,
		deploymentId: dashboard.facilitating ? await getDeploymentId() : '',
		pageTitle: m.cases_title()
	};
};
