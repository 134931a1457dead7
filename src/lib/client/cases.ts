import { randomId } from '$lib/crypto/primitives';
import { entryToJson } from '$lib/crypto/case-log-json';
import { publicOf, type Identity } from '$lib/crypto/identity';
import { postJson } from './http';
import { raiseHeads, startCaseLog, type CaseContext } from './case-log';
import { jsonBody, sealCaseObject } from './case-objects';
import type { CaseSummary } from './case-summary';

/** Opens a case: its id, the log's first entry and the summary, all made here. */
export async function openNewCase(me: Identity, deploymentId: string, content: CaseSummary) {
	const caseId = randomId();
	const step = await startCaseLog(me, caseId, deploymentId);
	// The case as its first facilitator's browser knows it before the server has seen it.
	const ctx: CaseContext = {
		caseId,
		deploymentId,
		me,
		entries: step.entries,
		membership: step.membership,
		directory: new Map([[me.userId, publicOf(me)]]),
		pending: []
	};
	const { json } = await sealCaseObject(ctx, {
		kind: 'case-summary',
		objectId: 'summary',
		prev: null,
		body: jsonBody(content),
		readers: []
	});
	const { ref } = await postJson<{ id: string; ref: string }>('/api/cases', {
		caseId,
		entry: entryToJson(step.entry),
		summary: json
	});
	await raiseHeads(me, new Map([[caseId, step.membership]]));
	return { caseId, ref };
}
