import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { Problem } from '$lib/server/problem';
import { listPersonal } from '$lib/server/personal';

const Kind = v.picklist(['personal-state', 'notebook']);

export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const kind = event.url.searchParams.get('kind');
	if (!v.is(Kind, kind)) throw new Problem(400, 'bad_request');
	return json({ envelopes: await listPersonal(user.id, kind) });
});
