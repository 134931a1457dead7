import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { createMeeting } from '$lib/server/meetings';
import { meetingsFor } from '$lib/server/meeting-views';
import { pollsFor } from '$lib/server/meeting-polls';
import { caseAccess } from '$lib/server/case-access';
import { newMeeting } from '$lib/server/validation/meetings';

// A case's meetings and polls as the one asking may see them (facilitators: all).
export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	await caseAccess(user.id, caseId);
	const [meetings, polls] = await Promise.all([
		meetingsFor(user.id, { caseId }),
		pollsFor(user.id, caseId)
	]);
	return json({ meetings, polls });
});

// A facilitator schedules a meeting at once (one with both parties goes through a poll).
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	await createMeeting(user.id, caseId, await parseJson(event.request, newMeeting));
	return json({ ok: true }, { status: 201 });
});
