import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { invalidateUserSessions, listUserSessions } from '$lib/server/auth/session';
import { deleteSessionCookie } from '$lib/server/auth/cookies';
import { audit } from '$lib/server/audit';
import { config } from '$lib/server/config';
import { m } from '$lib/paraglide/messages.js';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const sessions = await listUserSessions(user.id);
	const { sessionIdleMs, sessionAbsoluteMs } = config();
	return {
		// Session ids are hashes of secrets; the page only needs to know which one is "this".
		sessions: sessions.map((s) => ({
			createdAt: s.createdAt,
			lastActiveAt: s.lastActiveAt,
			current: s.id === event.locals.sessionId
		})),
		idleMinutes: sessionIdleMs / 60_000,
		absoluteHours: sessionAbsoluteMs / 3_600_000,
		pageTitle: m.sessions_title()
	};
};

export const actions: Actions = {
	everywhere: async (event) => {
		const user = requireUser(event);
		await invalidateUserSessions(user.id);
		await audit({
			actorId: user.id,
			action: 'signout.everywhere',
			objectType: 'user',
			objectId: user.id
		});
		deleteSessionCookie(event.cookies);
		event.setHeaders({ 'Clear-Site-Data': '"cache", "cookies"' });
		redirect(303, '/signin');
	}
};
