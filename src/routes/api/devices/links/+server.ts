import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint, parseJson } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { config } from '$lib/server/config';
import { createDeviceLink } from '$lib/server/links';
import { handoverWrap } from '$lib/server/validation/keys';

const Body = v.object({ handover: handoverWrap });

// An add-a-passkey link for the signed-in person, carrying their key bundle sealed under a
// secret that only the link's `#` fragment holds; the page adds the fragment, never us.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const { handover } = await parseJson(event.request, Body);
	const link = await createDeviceLink(user.id, { handover });
	return json({ url: config().origin + link.path, expiresAt: link.expiresAt });
});
