import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint, parseJson } from '$lib/server/api';
import { beginRegistration } from '$lib/server/auth/webauthn';
import { Problem } from '$lib/server/problem';
import { displayName, linkKind, linkToken } from '$lib/server/validation/webauthn';

const Body = v.object({ kind: linkKind, token: linkToken, displayName: v.optional(displayName) });

// Redeeming a link needs no session (that is how accounts and devices are added): the
// link is the authorization, checked by beginRegistration together with who is signed in.
export const POST = jsonEndpoint(async ({ request, locals }) => {
	const body = await parseJson(request, Body);
	if (body.kind !== 'device' && !body.displayName) throw new Problem(400, 'bad_request');
	return json(await beginRegistration({ ...body, signedInUserId: locals.user?.id ?? null }));
});
