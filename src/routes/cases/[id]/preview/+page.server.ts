import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { pageProblem, pathId } from '$lib/server/api';
import { otherSideView } from '$lib/server/cases';
import { m } from '$lib/paraglide/messages.js';

// The survivor's preview: the case exactly as the server shows it to the responsible party.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	try {
		const caseId = pathId(event.params.id);
		return {
			caseId,
			preview: await otherSideView(user.id, caseId),
			pageTitle: m.preview_page_title()
		};
	} catch (e) {
		return pageProblem(e);
	}
};
