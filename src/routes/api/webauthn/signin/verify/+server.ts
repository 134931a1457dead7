import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint, parseJson } from '$lib/server/api';
import { finishSignIn } from '$lib/server/auth/webauthn';
import { createSession, invalidateSession } from '$lib/server/auth/session';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { unlockInfo } from '$lib/server/keys';
import { authenticationResponse, challengeId } from '$lib/server/validation/webauthn';

const Body = v.object({ challengeId, response: authenticationResponse });

export const POST = jsonEndpoint(async ({ request, cookies, locals }) => {
	const body = await parseJson(request, Body);
	const { userId, credentialId } = await finishSignIn(body.challengeId, body.response);
	// Every sign-in gets a new token; an older session on this browser ends.
	if (locals.sessionId) await invalidateSession(locals.sessionId);
	const session = await createSession(userId);
	setSessionCookie(cookies, session.token, session.expiresAt);
	// The passkey's key wrap comes back with the sign-in, so the same tap unlocks.
	return json({ ok: true, next: '/home', unlock: await unlockInfo(userId, credentialId) });
});
