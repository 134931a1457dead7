import { postJson } from './http';

/** Tells the server this version was opened here, so it is no longer marked new. */
export function markSeen(caseId: string, objectId: string, version: number) {
	return postJson<{ ok: true }>(`/api/cases/${encodeURIComponent(caseId)}/seen`, {
		objectId,
		version
	});
}

/**
 * Several opened at once (a conversation, the input page): one request. Only ids and versions
 * are copied into it: callers pass what they just decrypted, which must never be posted.
 */
export function markAllSeen(caseId: string, opened: { objectId: string; version: number }[]) {
	if (opened.length === 0) return Promise.resolve({ ok: true as const });
	const objects = opened.map(({ objectId, version }) => ({ objectId, version }));
	return postJson<{ ok: true }>(`/api/cases/${encodeURIComponent(caseId)}/seen`, { objects });
}
