import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint, parseJson } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { Problem } from '$lib/server/problem';
import { getRecoveryWrap, replaceRecoveryWrap } from '$lib/server/keys';
import { recoveryWrap } from '$lib/server/validation/keys';

// Only the signed-in owner gets their recovery wrap; without the code it is 160 bits of work.
export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const wrap = await getRecoveryWrap(user.id);
	if (!wrap) throw new Problem(409, 'keys_missing');
	return json({ wrap });
});

const Body = v.object({ wrap: recoveryWrap });

export const PUT = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const { wrap } = await parseJson(event.request, Body);
	await replaceRecoveryWrap(user.id, wrap);
	return json({ ok: true });
});
