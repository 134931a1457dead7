import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { caseSummariesFor, SUMMARIES_MAX } from '$lib/server/case-summaries';
import { Problem } from '$lib/server/problem';
import { id } from '$lib/server/validation/keys';

// ?ids=a,b,c: the cases of the dashboard's page, at most a page's worth.
const Ids = v.pipe(v.array(id), v.minLength(1), v.maxLength(SUMMARIES_MAX));

// What a facilitator's browser needs to show decrypted titles for one page of the dashboard.
export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const ids = (event.url.searchParams.get('ids') ?? '').split(',');
	if (!v.is(Ids, ids)) throw new Problem(400, 'bad_request');
	return json(await caseSummariesFor(user.id, ids));
});
