import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { pageProblem, pathId } from '$lib/server/api';
import { caseView } from '$lib/server/cases';
import { getDeploymentId } from '$lib/server/org';
import { m } from '$lib/paraglide/messages.js';

// The interim summary is for the facilitators and the survivor only (DESIGN §4); everyone else
// in the case is refused here as they would be by the reader rules.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	try {
		const caseId = pathId(event.params.id);
		const view = await caseView(user.id, caseId, ['facilitator', 'survivor']);
		return {
			userId: user.id,
			view: { id: view.id, ref: view.ref, me: view.me, people: view.people },
			deploymentId: await getDeploymentId(),
			pageTitle: m.summary_page_title()
		};
	} catch (e) {
		return pageProblem(e);
	}
};
