import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { openCase } from '$lib/server/cases';
import { openCaseBody } from '$lib/server/validation/cases';

// A facilitator's browser opens a case: its id, the first log entry and the sealed summary.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const body = await parseJson(event.request, openCaseBody);
	return json(await openCase(user, body), { status: 201 });
});
