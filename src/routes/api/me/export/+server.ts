import { json } from '@sveltejs/kit';
import { jsonEndpoint } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { exportFor } from '$lib/server/my-export';

// "Download my data": only what this person may read, sealed as stored; their browser opens it.
export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	return json(await exportFor(user.id));
});
