import type { PageServerLoad } from './$types';
import { findLink } from '$lib/server/links';
import { findCaseInvite } from '$lib/server/case-invites';
import { getIdentity } from '$lib/server/keys';
import { pageProblem } from '$lib/server/api';
import { Problem } from '$lib/server/problem';
import { m } from '$lib/paraglide/messages.js';

// The link is the authorization here: the invited person may have no account yet. A case
// invite's `#` secret never comes here; the page's script reads it from the address.
export const load: PageServerLoad = async ({ params, locals }) => {
	const user = locals.user;
	try {
		const invite = await findCaseInvite(params.token, user).catch((e: unknown) => {
			if (e instanceof Problem && e.code === 'link_not_found') return null;
			throw e;
		});
		if (!invite) {
			await findLink('facilitator', params.token);
			return {
				kind: 'facilitator' as const,
				token: params.token,
				signedIn: user !== null,
				pageTitle: m.join_title()
			};
		}
		return {
			kind: 'case' as const,
			token: params.token,
			signedIn: user !== null,
			me: user && {
				id: user.id,
				displayName: user.displayName,
				hasKeys: (await getIdentity(user.id)) !== null
			},
			invite: {
				inviteId: invite.inviteId,
				caseId: invite.caseId,
				ref: invite.ref,
				role: invite.role,
				supportsName: invite.supportsName,
				inviter: invite.inviter
			},
			pageTitle: m.join_case_title()
		};
	} catch (e) {
		pageProblem(e);
	}
};
