import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { Problem } from '$lib/server/problem';
import { forgetDevice, unlockDevice } from '$lib/server/keys';
import { id } from '$lib/server/validation/keys';

function deviceId(param: string) {
	if (!v.is(id, param)) throw new Problem(404, 'device_forgotten');
	return param;
}

// Releases the server half to a session of the device's owner, and ties it to that session
// so a quick exit forgets the device.
export const POST = jsonEndpoint(async (event) => {
	const { user, sessionId } = requireSession(event);
	const share = await unlockDevice(user.id, sessionId, deviceId(event.params.id ?? ''));
	return json({ share });
});

export const DELETE = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	await forgetDevice(user.id, deviceId(event.params.id ?? ''));
	return json({ ok: true });
});
