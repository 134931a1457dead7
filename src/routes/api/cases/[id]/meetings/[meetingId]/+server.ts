import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { answerMeeting, cancelMeeting, rescheduleMeeting } from '$lib/server/meetings';
import { meetingChange } from '$lib/server/validation/meetings';

// Facilitators move or cancel a meeting; an invitee answers whether they will come.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const meetingId = pathId(event.params.meetingId);
	const change = await parseJson(event.request, meetingChange);
	if (change.action === 'move') {
		const { startsAt, endsAt, timeZone } = change;
		await rescheduleMeeting(user.id, caseId, meetingId, { startsAt, endsAt, timeZone });
	} else if (change.action === 'cancel') {
		await cancelMeeting(user.id, caseId, meetingId);
	} else {
		await answerMeeting(user.id, caseId, meetingId, change.rsvp);
	}
	return json({ ok: true });
});
