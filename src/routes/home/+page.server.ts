import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getIdentity } from '$lib/server/keys';
import { requireUser } from '$lib/server/auth/guards';
import { waitingFor } from '$lib/server/waiting';
import { pageProblem } from '$lib/server/api';
import { Problem } from '$lib/server/problem';
import { pageAsked } from '$lib/server/validation/page-number';
import { pageOf } from '$lib/paging';
import { m } from '$lib/paraglide/messages.js';

const HOME_PAGE_SIZE = 30;

// The tab title stays a plain "Home": a count of new things there would show on any screen.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	// An account made before its keys (the tab closed midway) sets them up first.
	if (!(await getIdentity(user.id))) redirect(303, '/keys/new');
	const asked = pageAsked(event.url);
	if (asked === undefined) return pageProblem(new Problem(400, 'bad_request'));
	const { items, unread } = await waitingFor(user.id);
	// Most pressing first, a page at a time: a busy facilitator may have hundreds of things.
	const waiting = pageOf(items, asked, HOME_PAGE_SIZE);
	if (waiting.items.length === 0 && asked > 1) {
		redirect(303, waiting.pages > 1 ? `/home?page=${waiting.pages}` : '/home');
	}
	return { me: user, waiting: { ...waiting, unread }, pageTitle: m.home_title() };
};
