import { redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.user) redirect(303, '/home');
	return { pageTitle: m.signin_title(), expired: url.searchParams.has('expired') };
};
