import { json } from '@sveltejs/kit';
import { jsonEndpoint } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { caseSummariesFor } from '$lib/server/case-summaries';

// Everything a facilitator's browser needs to show decrypted titles on the dashboard at once.
export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	return json(await caseSummariesFor(user.id));
});
