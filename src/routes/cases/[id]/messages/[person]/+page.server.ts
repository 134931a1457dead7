import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { pageProblem, pathId } from '$lib/server/api';
import { conversationView } from '$lib/server/conversations';
import { getDeploymentId } from '$lib/server/org';
import { m } from '$lib/paraglide/messages.js';

// One participant's private conversation with the facilitators: theirs, or any for a
// facilitator of the case. Messages are fetched and opened in the browser only.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	try {
		const caseId = pathId(event.params.id);
		const subject = pathId(event.params.person);
		const c = await conversationView(user.id, caseId, subject);
		const { id, ref, me, people } = c.view;
		return {
			userId: user.id,
			view: { id, ref, me, people },
			person: c.person,
			relayTargets: c.relayTargets,
			supporters: c.supporters,
			deploymentId: await getDeploymentId(),
			pageTitle: m.messages_page_title()
		};
	} catch (e) {
		return pageProblem(e);
	}
};
