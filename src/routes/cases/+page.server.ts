import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { listCasesFor } from '$lib/server/cases';
import { getDeploymentId } from '$lib/server/org';
import { m } from '$lib/paraglide/messages.js';

// References, stages and counts only; the titles are opened by the facilitator's browser.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return {
		userId: user.id,
		canOpen: user.orgRole !== null,
		cases: await listCasesFor(user.id),
		deploymentId: await getDeploymentId(),
		pageTitle: m.cases_title()
	};
};
