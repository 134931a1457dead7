import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { pageProblem } from '$lib/server/api';
import { dashboardFor, PAGE_SIZE } from '$lib/server/dashboard';
import { getDeploymentId } from '$lib/server/org';
import { Problem } from '$lib/server/problem';
import { m } from '$lib/paraglide/messages.js';

// ?page=N, from 1; absent: the first page.
const PageNumber = v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,5}$/), v.transform(Number));

// References, stages and counts only, a page of cases at a time, those that need the person
// first; the titles are opened by the facilitator's browser.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const asked = event.url.searchParams.get('page') ?? '1';
	const parsed = v.safeParse(PageNumber, asked);
	if (!parsed.success) return pageProblem(new Problem(400, 'bad_request'));
	const dashboard = await dashboardFor(user.id, parsed.output);
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
