import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { listPasskeys } from '$lib/server/auth/passkeys';
import { getIdentity } from '$lib/server/keys';
import { m } from '$lib/paraglide/messages.js';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	if (await getIdentity(user.id)) redirect(303, '/home');
	const passkeys = await listPasskeys(user.id);
	return {
		userId: user.id,
		credentialIds: passkeys.map((p) => p.id),
		pageTitle: m.keys_new_page_title()
	};
};
