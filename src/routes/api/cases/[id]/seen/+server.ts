import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { markSeenMany } from '$lib/server/seen';
import { id } from '$lib/server/validation/keys';

const Seen = v.strictObject({
	objectId: id,
	version: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000))
});
// One object, or several (a conversation opened): all or none.
const SeenBody = v.union([
	Seen,
	v.strictObject({ objects: v.pipe(v.array(Seen), v.maxLength(500)) })
]);

// A browser opened these versions of case objects: no longer new for the one asking.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const body = await parseJson(event.request, SeenBody);
	await markSeenMany(user.id, caseId, 'objects' in body ? body.objects : [body]);
	return json({ ok: true });
});
