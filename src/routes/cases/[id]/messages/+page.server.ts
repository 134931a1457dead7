import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { pageProblem, pathId } from '$lib/server/api';
import { caseView } from '$lib/server/cases';

// A participant's conversation is their own; a facilitator picks one from the case's list.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	let target: string;
	try {
		const caseId = pathId(event.params.id);
		const view = await caseView(user.id, caseId);
		target =
			view.me.role === 'facilitator'
				? `/messages#case-${view.id}`
				: `/cases/${view.id}/messages/${user.id}`;
	} catch (e) {
		return pageProblem(e);
	}
	redirect(303, target);
};
