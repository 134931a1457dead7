import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { markSeen } from '$lib/server/seen';
import { id } from '$lib/server/validation/keys';

const SeenBody = v.strictObject({
	objectId: id,
	version: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000))
});

// A browser opened this version of a case object: it is no longer new for the one asking.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const { objectId, version } = await parseJson(event.request, SeenBody);
	await markSeen(user.id, caseId, objectId, version);
	return json({ ok: true });
});
