import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { createCaseInvite } from '$lib/server/case-invites';
import { newInviteBody } from '$lib/server/validation/cases';

// The link's secret stays in the browser; the server gets the role and the sealed secret.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const body = await parseJson(event.request, newInviteBody);
	return json(await createCaseInvite(user.id, caseId, body), { status: 201 });
});
