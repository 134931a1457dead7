import { fromJsonBody } from './case-objects';

/** What a facilitator writes when opening a case; only facilitators' browsers ever read it. */
export type CaseSummary = { title: string; summary: string };

export function parseSummary(body: Uint8Array | null): CaseSummary | null {
	if (!body) return null;
	const o = fromJsonBody(body) as Partial<CaseSummary>;
	return { title: String(o.title ?? ''), summary: String(o.summary ?? '') };
}
