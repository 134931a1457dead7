import * as v from 'valibot';
import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { pageProblem } from '$lib/server/api';
import { Problem } from '$lib/server/problem';
import { getPersonFor } from '$lib/server/people';
import { getDeploymentId } from '$lib/server/org';
import { id as Id } from '$lib/server/validation/keys';
import { m } from '$lib/paraglide/messages.js';

// The server hands out public keys; the browser checks them against what it pinned before.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	try {
		if (!v.is(Id, event.params.id)) throw new Problem(404, 'person_not_found');
		const person = await getPersonFor(user, event.params.id);
		return {
			userId: user.id,
			person,
			deploymentId: await getDeploymentId(),
			pageTitle: m.safety_page_title()
		};
	} catch (e) {
		return pageProblem(e);
	}
};
