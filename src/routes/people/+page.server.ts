import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { listPeopleFor } from '$lib/server/people';
import { m } from '$lib/paraglide/messages.js';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const people = await listPeopleFor(user);
	return {
		people: people.map(({ id, displayName, orgRole }) => ({ id, displayName, orgRole })),
		pageTitle: m.people_title()
	};
};
