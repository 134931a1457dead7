import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getIdentity } from '$lib/server/keys';
import { requireUser } from '$lib/server/auth/guards';
import { waitingFor } from '$lib/server/waiting';
import { m } from '$lib/paraglide/messages.js';

// The tab title stays a plain "Home": a count of new things there would show on any screen.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	// An account made before its keys (the tab closed midway) sets them up first.
	if (!(await getIdentity(user.id))) redirect(303, '/keys/new');
	return { me: user, waiting: await waitingFor(user.id), pageTitle: m.home_title() };
};
