import { json } from '@sveltejs/kit';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { answerPoll, closePoll, pickSlot } from '$lib/server/meeting-polls';
import { pollChange } from '$lib/server/validation/meetings';

// An invitee answers; a facilitator picks a slot (making the meeting) or closes the poll.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const pollId = pathId(event.params.pollId);
	const change = await parseJson(event.request, pollChange);
	if (change.action === 'answer') {
		const { answers, jointConsent } = change;
		await answerPoll(user.id, caseId, pollId, { answers, jointConsent });
	} else if (change.action === 'pick') {
		const { idx, meetingId, stagger } = change;
		await pickSlot(user.id, caseId, pollId, { idx, meetingId, stagger });
	} else {
		await closePoll(user.id, caseId, pollId);
	}
	return json({ ok: true });
});
