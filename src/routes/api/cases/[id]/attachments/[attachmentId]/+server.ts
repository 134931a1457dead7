import { json } from '@sveltejs/kit';
import { jsonEndpoint, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { cancelUpload, uploadStatus } from '$lib/server/attachments';

// The uploader's own unfinished upload: which chunks arrived (to resume), or cancel it.
export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	return json(await uploadStatus(user.id, caseId, pathId(event.params.attachmentId)));
});

export const DELETE = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	await cancelUpload(user.id, caseId, pathId(event.params.attachmentId));
	return json({ ok: true });
});
