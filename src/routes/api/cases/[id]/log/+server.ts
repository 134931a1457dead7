import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { completePendingEntry, getCaseLog } from '$lib/server/case-log';
import { appendBody } from '$lib/server/validation/cases';

export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	return json(await getCaseLog(user.id, pathId(event.params.id)));
});

// A facilitator's browser signed a change the server made (an add, a removal).
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	await completePendingEntry(user.id, caseId, await parseJson(event.request, appendBody));
	return json({ ok: true });
});
