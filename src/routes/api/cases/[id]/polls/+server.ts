import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { createPoll } from '$lib/server/meeting-polls';
import { newPoll } from '$lib/server/validation/meetings';

// A facilitator proposes times to some of the case's people.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	await createPoll(user.id, caseId, await parseJson(event.request, newPoll));
	return json({ ok: true }, { status: 201 });
});
