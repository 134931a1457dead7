import type { PageServerLoad } from './$types';
import { findLink } from '$lib/server/links';
import { pageProblem } from '$lib/server/api';
import { m } from '$lib/paraglide/messages.js';

// The link is the authorization here: nobody has an account yet.
export const load: PageServerLoad = async ({ params, locals }) => {
	try {
		await findLink('setup', params.token);
		return { token: params.token, signedIn: locals.user !== null, pageTitle: m.setup_title() };
	} catch (e) {
		pageProblem(e);
	}
};
