import { toBase64url } from '$lib/crypto/bytes';
import { randomBytes } from '$lib/crypto/primitives';
import { entryToJson } from '$lib/crypto/case-log-json';
import { envelopeToJson, sealEnvelope } from '$lib/crypto/envelope';
import { publicOf, type Identity } from '$lib/crypto/identity';
import { raiseLogHead } from '$lib/crypto/personal-state';
import { postJson } from './http';
import { updatePersonalState } from './personal-state';
import { startCaseLog } from './case-log';
import { jsonBody } from './case-objects';
import type { CaseSummary } from './case-summary';

/** A new random id for a case or an invite: 16 bytes, the same shape the server makes. */
const randomId = () => toBase64url(randomBytes(16));

/** Opens a case: its id, the log's first entry and the summary, all made here. */
export async function openNewCase(me: Identity, deploymentId: string, content: CaseSummary) {
	const caseId = randomId();
	const step = await startCaseLog(me, caseId, deploymentId);
	const sealed = await sealEnvelope({
		kind: 'case-summary',
		scope: caseId,
		objectId: 'summary',
		prev: null,
		author: me,
		membership: step.membership,
		body: jsonBody(content),
		readers: [publicOf(me)],
		createdAt: Date.now()
	});
	const json = envelopeToJson(sealed.envelope);
	const { ref } = await postJson<{ id: string; ref: string }>('/api/cases', {
		caseId,
		entry: entryToJson(step.entry),
		summary: { ...json, subject: null, deleted: false }
	});
	await updatePersonalState(me, (s) =>
		raiseLogHead(s, caseId, { seq: step.membership.headSeq, hash: step.membership.headHash })
	);
	return { caseId, ref };
}
