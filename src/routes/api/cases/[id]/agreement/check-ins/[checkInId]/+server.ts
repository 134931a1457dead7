import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { passOnCheckIn } from '$lib/server/agreements';
import { passOnBody } from '$lib/server/validation/agreements';

// A facilitator who has read a check-in passes it on to survivors who chose every update.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const checkInId = pathId(event.params.checkInId);
	await passOnCheckIn(user.id, caseId, checkInId, await parseJson(event.request, passOnBody));
	return json({ ok: true });
});
