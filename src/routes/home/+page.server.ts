import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { m } from '$lib/paraglide/messages.js';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return { me: user, pageTitle: m.home_title() };
};
