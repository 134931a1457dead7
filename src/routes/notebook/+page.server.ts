import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';

// The pages themselves are fetched and opened by the browser; the server has only ciphertext.
// No page title: the tab shows the neutral title only.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return { userId: user.id };
};
