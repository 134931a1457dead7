import { postJson } from './http';

/** Tells the server this version was opened here, so it is no longer marked new. */
export function markSeen(caseId: string, objectId: string, version: number) {
	return postJson<{ ok: true }>(`/api/cases/${encodeURIComponent(caseId)}/seen`, {
		objectId,
		version
	});
}

/** Several opened at once (a conversation): one request. */
export function markAllSeen(caseId: string, objects: { objectId: string; version: number }[]) {
	if (objects.length === 0) return Promise.resolve({ ok: true as const });
	return postJson<{ ok: true }>(`/api/cases/${encodeURIComponent(caseId)}/seen`, { objects });
}
