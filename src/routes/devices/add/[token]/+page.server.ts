import type { PageServerLoad } from './$types';
import { findLink } from '$lib/server/links';
import { getAccountName } from '$lib/server/users';
import { pageProblem } from '$lib/server/api';
import { m } from '$lib/paraglide/messages.js';

// The one-time link is the authorization: it was made by the signed-in account owner.
// A browser signed in as someone else is stopped, so nobody mixes two accounts.
export const load: PageServerLoad = async ({ params, locals }) => {
	try {
		const link = await findLink('device', params.token);
		const accountId = link.userId ?? '';
		const otherUser = locals.user !== null && locals.user.id !== accountId;
		return {
			token: params.token,
			name: await getAccountName(accountId),
			otherUser,
			pageTitle: m.device_title()
		};
	} catch (e) {
		pageProblem(e);
	}
};
