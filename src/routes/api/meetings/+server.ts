import { json } from '@sveltejs/kit';
import { jsonEndpoint } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { meetingsFor } from '$lib/server/meeting-views';

// Everything still to come across the asker's cases: their own, and all of the cases they
// facilitate (for the week view).
export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	return json({ meetings: await meetingsFor(user.id) });
});
