import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { joinCase } from '$lib/server/case-invites';
import { joinBody } from '$lib/server/validation/cases';

// The signed-in joiner's fingerprint and tag; the link's secret itself never comes here.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const body = await parseJson(event.request, joinBody);
	return json(await joinCase(user, event.params.token ?? '', body));
});
