import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { invalidateSession } from '$lib/server/auth/session';
import { deleteSessionCookie } from '$lib/server/auth/cookies';
import { audit } from '$lib/server/audit';

export const load: PageServerLoad = async () => redirect(303, '/signin');

export const actions: Actions = {
	default: async ({ locals, cookies, setHeaders }) => {
		// Signing out when already signed out is harmless: just go to sign in.
		if (locals.sessionId && locals.user) {
			await invalidateSession(locals.sessionId);
			await audit({
				actorId: locals.user.id,
				action: 'signout',
				objectType: 'user',
				objectId: locals.user.id
			});
		}
		deleteSessionCookie(cookies);
		setHeaders({ 'Clear-Site-Data': '"cache", "cookies"' });
		redirect(303, '/signin');
	}
};
