import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { postCheckIn } from '$lib/server/agreements';
import { checkInBody } from '$lib/server/validation/agreements';

// The owner of an item posts a check-in on it, its words sealed in their browser.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	await postCheckIn(user.id, caseId, await parseJson(event.request, checkInBody));
	return json({ ok: true }, { status: 201 });
});
