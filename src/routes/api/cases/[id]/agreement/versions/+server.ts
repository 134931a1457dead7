import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { draftVersion } from '$lib/server/agreements';
import { newVersionBody } from '$lib/server/validation/agreements';

// A facilitator's browser posts the next version: its sealed words, items and signers.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	await draftVersion(user.id, caseId, await parseJson(event.request, newVersionBody));
	return json({ ok: true }, { status: 201 });
});
