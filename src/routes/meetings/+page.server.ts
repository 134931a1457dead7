import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { meetingsFor } from '$lib/server/meeting-views';
import { m } from '$lib/paraglide/messages.js';

const DAY = 24 * 60 * 60 * 1000;

// Everyone's meetings still to come across their cases; facilitators also see every meeting of
// the cases they facilitate, for the week view. Only structure: places stay sealed.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	// From a day back, so today's earlier meetings still show in every time zone.
	const meetings = await meetingsFor(user.id, { from: Date.now() - DAY });
	return { meetings, pageTitle: m.meetings_page_title() };
};
