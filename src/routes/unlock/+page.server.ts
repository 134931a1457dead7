import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { listPasskeys } from '$lib/server/auth/passkeys';
import { getIdentity, passkeysWithWraps } from '$lib/server/keys';
import { m } from '$lib/paraglide/messages.js';

/** Only paths on this site, so the page can never be used to send someone elsewhere. */
function safeNext(value: string | null) {
	return value && /^\/[A-Za-z0-9/_-]*$/.test(value) && !value.startsWith('//') ? value : '/home';
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	if (!(await getIdentity(user.id))) redirect(303, '/keys/new');
	const passkeys = await listPasskeys(user.id);
	const wrapped = new Set(await passkeysWithWraps(user.id));
	return {
		userId: user.id,
		// Passkeys that can unlock by themselves (they have a PRF wrap).
		unlockingPasskeys: passkeys.filter((p) => wrapped.has(p.id)).map((p) => p.id),
		next: safeNext(event.url.searchParams.get('next')),
		pageTitle: m.unlock_page_title()
	};
};
