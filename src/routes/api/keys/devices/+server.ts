import { json } from '@sveltejs/kit';
import { jsonEndpoint } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { rememberDevice } from '$lib/server/keys';

// "This device is mine": a lasting share for a device whose passkey cannot unlock by itself.
export const POST = jsonEndpoint(async (event) => {
	const { user, sessionId } = requireSession(event);
	return json(await rememberDevice(user.id, sessionId));
});
