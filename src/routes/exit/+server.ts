import type { RequestHandler } from './$types';
import { invalidateSession } from '$lib/server/auth/session';
import { deleteSessionCookie } from '$lib/server/auth/cookies';

// The quick-exit beacon: ends this browser's session. No body, nothing to parse; the
// cookie is the only input, and without one there is nothing to end.
export const POST: RequestHandler = async ({ locals, cookies }) => {
	if (locals.sessionId) await invalidateSession(locals.sessionId);
	deleteSessionCookie(cookies);
	return new Response(null, {
		status: 204,
		headers: { 'Clear-Site-Data': '"cache", "cookies", "storage"' }
	});
};
