import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint, parseJson } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { getPasskeyWrap, savePasskeyWrap } from '$lib/server/keys';
import { Problem } from '$lib/server/problem';
import { credentialId, passkeyWrap } from '$lib/server/validation/keys';

const Body = v.object({ wrap: passkeyWrap });

// The bundle wrapped under one of the person's own passkeys (its PRF output).
export const PUT = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const { wrap } = await parseJson(event.request, Body);
	await savePasskeyWrap(user.id, wrap);
	return json({ ok: true });
});

// The wrap for one of the person's passkeys, after a local PRF ceremony on an open session.
export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const id = event.url.searchParams.get('credential');
	if (!v.is(credentialId, id)) throw new Problem(400, 'bad_request');
	const wrap = await getPasskeyWrap(user.id, id);
	if (!wrap) throw new Problem(404, 'not_found');
	return json({ wrap });
});
