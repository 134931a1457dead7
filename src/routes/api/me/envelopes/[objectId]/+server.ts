import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint, parseJson } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { Problem } from '$lib/server/problem';
import { getPersonal, putPersonal } from '$lib/server/personal';
import { id, personalEnvelope } from '$lib/server/validation/keys';

function objectId(param: string | undefined) {
	if (!v.is(id, param)) throw new Problem(404, 'not_found');
	return param;
}

export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const envelope = await getPersonal(user.id, objectId(event.params.objectId));
	if (!envelope) throw new Problem(404, 'not_found');
	return json({ envelope });
});

// Ciphertext only; the next version or a tombstone. The id in the path must match the body.
export const PUT = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const id = objectId(event.params.objectId);
	const envelope = await parseJson(event.request, personalEnvelope);
	if (envelope.objectId !== id) throw new Problem(400, 'bad_request');
	await putPersonal(user.id, envelope);
	return json({ ok: true });
});
