import * as v from 'valibot';
import type { PageServerLoad } from './$types';
import { findLink } from '$lib/server/links';
import { pageProblem } from '$lib/server/api';
import { Problem } from '$lib/server/problem';
import { linkToken } from '$lib/server/validation/webauthn';
import { m } from '$lib/paraglide/messages.js';

// The link is the authorization here: nobody has an account yet.
export const load: PageServerLoad = async ({ params, locals }) => {
	try {
		const token = v.safeParse(linkToken, params.token);
		if (!token.success) throw new Problem(404, 'link_not_found');
		await findLink('setup', token.output);
		return { token: token.output, signedIn: locals.user !== null, pageTitle: m.setup_title() };
	} catch (e) {
		pageProblem(e);
	}
};
