import type { PageServerLoad } from './$types';
import { requireOrgRole } from '$lib/server/auth/guards';
import { getDeploymentId } from '$lib/server/org';
import { m } from '$lib/paraglide/messages.js';

export const load: PageServerLoad = async (event) => {
	const user = requireOrgRole(event, ['admin', 'facilitator']);
	return { userId: user.id, deploymentId: await getDeploymentId(), pageTitle: m.case_new_title() };
};
