import * as v from 'valibot';
import type { PageServerLoad } from './$types';
import { findLink } from '$lib/server/links';
import { getAccountName } from '$lib/server/users';
import { pageProblem } from '$lib/server/api';
import { Problem } from '$lib/server/problem';
import { linkToken } from '$lib/server/validation/webauthn';
import { m } from '$lib/paraglide/messages.js';

// The one-time link is the authorization: it was made by the signed-in account owner.
// A browser signed in as someone else is stopped, so nobody mixes two accounts.
export const load: PageServerLoad = async ({ params, locals }) => {
	try {
		const token = v.safeParse(linkToken, params.token);
		if (!token.success) throw new Problem(404, 'link_not_found');
		const link = await findLink('device', token.output);
		const accountId = link.userId ?? '';
		const otherUser = locals.user !== null && locals.user.id !== accountId;
		return {
			token: token.output,
			name: await getAccountName(accountId),
			otherUser,
			pageTitle: m.device_title()
		};
	} catch (e) {
		pageProblem(e);
	}
};
