import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint, parseJson } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { publishIdentity } from '$lib/server/keys';
import { passkeyWrap, publicKeys, recoveryWrap } from '$lib/server/validation/keys';

const Body = v.object({
	keys: publicKeys,
	recovery: recoveryWrap,
	passkey: v.nullable(passkeyWrap)
});

// A new account's public keys, with its bundle wrapped under the recovery code and (when the
// passkey has PRF) under the passkey. The secret halves never come here.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const body = await parseJson(event.request, Body);
	await publishIdentity(user.id, body.keys, body.recovery, body.passkey);
	return json({ ok: true });
});
