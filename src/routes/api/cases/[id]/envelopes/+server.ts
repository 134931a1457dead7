import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint, pathId } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { listCaseEnvelopes } from '$lib/server/case-envelopes';
import { Problem } from '$lib/server/problem';
import { caseEnvelope } from '$lib/server/validation/cases';
import { id } from '$lib/server/validation/keys';

// At most every kind once (a facilitator's browser sharing with a new co-facilitator asks for most).
const Kinds = v.pipe(v.array(caseEnvelope.entries.kind), v.minLength(1), v.maxLength(16));

// The newest version of each object of these kinds that is wrapped for the one asking.
export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const kinds = (event.url.searchParams.get('kind') ?? '').split(',');
	if (!v.is(Kinds, kinds)) throw new Problem(400, 'bad_request');
	// ?subject=<userId>: only what is about that participant (their conversation).
	const subject = event.url.searchParams.get('subject') ?? undefined;
	if (subject !== undefined && !v.is(id, subject)) throw new Problem(400, 'bad_request');
	const envelopes = await listCaseEnvelopes(user.id, pathId(event.params.id), kinds, subject);
	return json({ envelopes });
});
