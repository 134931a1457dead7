import { json } from '@sveltejs/kit';
import { jsonEndpoint, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { revokeCaseInvite } from '$lib/server/case-invites';

export const DELETE = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	await revokeCaseInvite(user.id, pathId(event.params.id), pathId(event.params.inviteId));
	return json({ ok: true });
});
