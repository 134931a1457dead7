import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { getIdentity } from '$lib/server/keys';
import { m } from '$lib/paraglide/messages.js';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	if (!(await getIdentity(user.id))) redirect(303, '/keys/new');
	return {
		userId: user.id,
		newDevice: event.url.searchParams.get('device') === 'new',
		pageTitle: m.account_keys_title()
	};
};
