import { redirect, type RequestEvent } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { invalidateSession } from '$lib/server/auth/session';
import { forgetSessionDevice } from '$lib/server/keys';
import { deleteSessionCookie } from '$lib/server/auth/cookies';
import { config } from '$lib/server/config';

// Quick exit. The cookie is the only input; without a session there is nothing to end.
async function endSession({ locals, cookies, setHeaders }: RequestEvent) {
	if (locals.sessionId) {
		// A remembered device is forgotten too: after a quick exit nothing here unlocks.
		await forgetSessionDevice(locals.sessionId);
		await invalidateSession(locals.sessionId);
	}
	deleteSessionCookie(cookies);
	setHeaders({ 'Clear-Site-Data': '"cache", "cookies", "storage"' });
}

// The script sends this beacon while it replaces the page.
export const POST: RequestHandler = async (event) => {
	await endSession(event);
	return new Response(null, { status: 204 });
};

// The link itself, followed when the script has not run (yet): end the session, then leave.
// It only ever goes to the configured neutral site, so it is no open redirect.
export const GET: RequestHandler = async (event) => {
	await endSession(event);
	redirect(303, config().quickExitUrl);
};
