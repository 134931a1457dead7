import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { listRelays, proposeRelay, shareWithSupporter } from '$lib/server/relays';
import { caseEnvelope, clientId } from '$lib/server/validation/cases';
import { id } from '$lib/server/validation/keys';

const Propose = v.strictObject({ id: clientId, from: id, to: id, proposal: caseEnvelope });
const Share = v.strictObject({ id: clientId, to: id, relay: caseEnvelope });
const Body = v.union([Propose, Share]);

// The relays the one asking may know of (facilitators: all in the case).
export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	return json({ relays: await listRelays(user.id, pathId(event.params.id)) });
});

// A facilitator proposes passing a participant's words on; or a participant shares their own
// words with someone supporting them. Both carry sealed envelopes only.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const body = await parseJson(event.request, Body);
	if ('proposal' in body) await proposeRelay(user.id, caseId, body);
	else await shareWithSupporter(user.id, caseId, body);
	return json({ ok: true }, { status: 201 });
});
