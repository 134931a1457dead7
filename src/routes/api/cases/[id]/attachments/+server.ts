import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { startUpload } from '$lib/server/attachments';
import { newUpload } from '$lib/server/validation/attachments';

// Starts an encrypted upload: its size and chunking only; the chunks follow one by one.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const input = await parseJson(event.request, newUpload);
	await startUpload(user.id, caseId, input, Date.now());
	return json({ ok: true }, { status: 201 });
});
