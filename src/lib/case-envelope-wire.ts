/**
 * One version of a case object as the server hands it to one reader: the sealed header and
 * body, that reader's own wrap only (other readers' wraps are theirs), and who may read it (ids
 * only, so facilitators can see who is missing). The case pages (server/case-envelopes.ts →
 * client/case-objects.ts) and "Download my data" (kept-types.ts) share this one shape.
 */
export type WireCaseEnvelope<K extends string = string> = {
	v: 1;
	kind: K;
	objectId: string;
	version: number;
	subject: string | null;
	deleted: boolean;
	authorId: string;
	header: string;
	body: string;
	wrap: { reader: string; wrapper: string; box: string };
	readers: string[];
	createdAt: number;
	/** An attached file as the server knows it: its id, size and chunk count (name and type are sealed). */
	attachment: { id: string; size: number; chunkCount: number } | null;
};
