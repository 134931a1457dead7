import type { PageServerLoad } from './$types';
import { findLink } from '$lib/server/links';
import { pageProblem } from '$lib/server/api';
import { m } from '$lib/paraglide/messages.js';

// The link is the authorization here: the invited person has no account yet.
export const load: PageServerLoad = async ({ params, locals }) => {
	try {
		await findLink('facilitator', params.token);
		return { token: params.token, signedIn: locals.user !== null, pageTitle: m.join_title() };
	} catch (e) {
		pageProblem(e);
	}
};
