import { postJson } from './http';

/** Tells the server this version was opened here, so it is no longer marked new. */
export function markSeen(caseId: string, objectId: string, version: number) {
	return postJson<{ ok: true }>(`/api/cases/${encodeURIComponent(caseId)}/seen`, {
		objectId,
		version
	});
}
