import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { conversationsFor } from '$lib/server/conversation-list';
import { m } from '$lib/paraglide/messages.js';

// Every conversation this person takes part in, by case, with what they have not read yet.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return { cases: await conversationsFor(user.id), pageTitle: m.messages_list_title() };
};
