import { json } from '@sveltejs/kit';
import { jsonEndpoint } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { Problem } from '$lib/server/problem';
import { getSessionShare, newSessionShare } from '$lib/server/keys';

// The server half of this session's key share: with the browser's half it lets a reload stay
// unlocked. It lives in the session row, so sign-out, quick exit and expiry delete it.
export const POST = jsonEndpoint(async (event) => {
	const { sessionId } = requireSession(event);
	return json({ share: await newSessionShare(sessionId) });
});

export const GET = jsonEndpoint(async (event) => {
	const { sessionId } = requireSession(event);
	const share = await getSessionShare(sessionId);
	if (!share) throw new Problem(404, 'not_found');
	return json({ share });
});
