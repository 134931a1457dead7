import { json } from '@sveltejs/kit';
import { jsonEndpoint } from '$lib/server/api';
import { beginSignIn } from '$lib/server/auth/webauthn';

// Anyone may ask to sign in; the rate limit in hooks bounds how often.
export const POST = jsonEndpoint(async () => json(await beginSignIn()));
