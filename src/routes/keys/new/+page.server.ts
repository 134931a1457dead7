import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { listPasskeys } from '$lib/server/auth/passkeys';
import { getIdentity } from '$lib/server/keys';
import { m } from '$lib/paraglide/messages.js';

const NEXT = /^\/join\/[a-z2-7]{16,64}$/;

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	if (await getIdentity(user.id)) redirect(303, '/home');
	const passkeys = await listPasskeys(user.id);
	return {
		userId: user.id,
		credentialIds: passkeys.map((p) => p.id),
		// Someone who came through a case invite goes back to it (its `#` stays in the browser).
		next: NEXT.test(event.url.searchParams.get('next') ?? '')
			? event.url.searchParams.get('next')
			: null,
		pageTitle: m.keys_new_page_title()
	};
};
