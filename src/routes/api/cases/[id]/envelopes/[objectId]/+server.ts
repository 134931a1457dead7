import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { getCaseEnvelope, listVersions, putCaseEnvelope } from '$lib/server/case-envelopes';
import { Problem } from '$lib/server/problem';
import { caseEnvelope } from '$lib/server/validation/cases';

// ?version=N: that version, if it is wrapped for me; without it: the versions I can open.
export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const objectId = pathId(event.params.objectId);
	const version = event.url.searchParams.get('version');
	if (version === null) return json({ versions: await listVersions(user.id, caseId, objectId) });
	if (!/^[1-9][0-9]{0,6}$/.test(version)) throw new Problem(400, 'bad_request');
	return json({ envelope: await getCaseEnvelope(user.id, caseId, objectId, Number(version)) });
});

// Ciphertext only: the next version or a tombstone. The id in the path must match the body.
export const PUT = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const objectId = pathId(event.params.objectId);
	const envelope = await parseJson(event.request, caseEnvelope);
	if (envelope.objectId !== objectId) throw new Problem(400, 'bad_request');
	await putCaseEnvelope(user.id, caseId, envelope);
	return json({ ok: true });
});
