import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';

// The copy is fetched and opened by the browser. No page title: a printed page shows the tab's
// title, and the neutral one says nothing.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return { userId: user.id };
};
