import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { consent } from '$lib/server/agreements';
import { consentBody } from '$lib/server/validation/agreements';

// A party's decision on the newest version: a signature made in their browser, or a
// survivor's private approval to the facilitators.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const result = await consent(user.id, caseId, await parseJson(event.request, consentBody));
	return json(result, { status: 201 });
});
