import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint, parseJson } from '$lib/server/api';
import { finishRegistration } from '$lib/server/auth/webauthn';
import { createSession, invalidateSession } from '$lib/server/auth/session';
import { setSessionCookie } from '$lib/server/auth/cookies';
import {
	challengeId,
	linkKind,
	passkeyName,
	registrationResponse
} from '$lib/server/validation/webauthn';

const Body = v.object({
	kind: linkKind,
	challengeId,
	passkeyName,
	response: registrationResponse
});

export const POST = jsonEndpoint(async ({ request, cookies, locals }) => {
	const body = await parseJson(request, Body);
	const { userId, credentialId, handover } = await finishRegistration({
		...body,
		signedInUserId: locals.user?.id ?? null
	});
	// A new passkey signs its device in with a fresh session token.
	if (locals.sessionId) await invalidateSession(locals.sessionId);
	const session = await createSession(userId);
	setSessionCookie(cookies, session.token, session.expiresAt);
	// New accounts make their keys next; a new device opens the handover or asks for the code.
	const next = body.kind === 'device' ? '/home' : '/keys/new';
	return json({ ok: true, next, userId, credentialId, handover });
});
