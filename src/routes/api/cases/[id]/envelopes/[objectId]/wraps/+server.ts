import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { addCaseWraps } from '$lib/server/case-envelopes';
import { moreWraps } from '$lib/server/validation/cases';

// More readers for one version (a new co-facilitator; an author sharing their own words).
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const objectId = pathId(event.params.objectId);
	await addCaseWraps(user.id, caseId, objectId, await parseJson(event.request, moreWraps));
	return json({ ok: true });
});
