import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint, parseJson, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { decideRelay } from '$lib/server/relays';
import { caseEnvelope } from '$lib/server/validation/cases';

const Decision = v.variant('decision', [
	v.strictObject({ decision: v.literal('approve'), relay: caseEnvelope }),
	v.strictObject({ decision: v.literal('decline') }),
	v.strictObject({ decision: v.literal('withdraw') })
]);

// The author approves (with the sealed relay for the recipient) or declines; a facilitator
// may withdraw a proposal nobody has answered.
export const POST = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const caseId = pathId(event.params.id);
	const d = await parseJson(event.request, Decision);
	await decideRelay(user.id, caseId, pathId(event.params.relayId), d);
	return json({ ok: true });
});
