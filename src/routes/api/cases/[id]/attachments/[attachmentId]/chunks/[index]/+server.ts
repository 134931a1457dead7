import { json } from '@sveltejs/kit';
import { jsonEndpoint, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { putUploadChunk, readChunk } from '$lib/server/attachments';
import { Problem } from '$lib/server/problem';

function chunkIndex(param: string | undefined): number {
	if (!param || !/^(0|[1-9][0-9]{0,5})$/.test(param)) throw new Problem(404, 'not_found');
	return Number(param);
}

// A sealed chunk, raw bytes both ways: ciphertext the server cannot open.
export const PUT = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const id = pathId(event.params.attachmentId);
	const index = chunkIndex(event.params.index);
	const data = new Uint8Array(await event.request.arrayBuffer());
	await putUploadChunk(user.id, caseId, id, index, data);
	return json({ ok: true });
});

export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const id = pathId(event.params.attachmentId);
	const data = await readChunk(user.id, caseId, id, chunkIndex(event.params.index));
	return new Response(data, {
		headers: { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'no-store' }
	});
});
