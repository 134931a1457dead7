import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import { jsonEndpoint } from '$lib/server/api';
import { requireSession } from '$lib/server/auth/guards';
import { Problem } from '$lib/server/problem';
import { listPersonal } from '$lib/server/personal';
import { PERSONAL_KINDS } from '$lib/server/validation/keys';

const Kind = v.picklist(PERSONAL_KINDS);
const CaseId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/));

export const GET = jsonEndpoint(async (event) => {
	const { user } = requireSession(event);
	const kind = event.url.searchParams.get('kind');
	if (!v.is(Kind, kind)) throw new Problem(400, 'bad_request');
	// Drafts are listed per case (`?case=`), so a page opens only its own.
	const caseId = event.url.searchParams.get('case');
	if (caseId !== null && !v.is(CaseId, caseId)) throw new Problem(400, 'bad_request');
	return json({ envelopes: await listPersonal(user.id, kind, caseId) });
});
