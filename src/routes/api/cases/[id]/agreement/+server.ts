import { json } from '@sveltejs/kit';
import { jsonEndpoint, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { agreementFor } from '$lib/server/agreement-views';

// The case's agreement as the one asking may see it: versions, items, signers and signatures
// (every browser verifies them), and as much of the follow-up as their role and choice allow.
export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	return json({ agreement: await agreementFor(user.id, pathId(event.params.id)) });
});
