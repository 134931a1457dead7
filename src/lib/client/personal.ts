import { envelopeFromJson, envelopeToJson, openEnvelope, sealEnvelope } from '$lib/crypto/envelope';
import type { Envelope, Opened, PreviousVersion } from '$lib/crypto/envelope';
import { publicOf, type Identity } from '$lib/crypto/identity';
import { getJson, putJson, RequestProblem } from './http';

/**
 * Envelopes to oneself (personal state, notebook pages) as the server stores them: one wrap,
 * the owner's own. Everything is sealed and opened here; the server sees only ciphertext.
 */

export type PersonalKind = 'personal-state' | 'notebook' | 'draft';

type StoredPersonal = {
	v: 1;
	kind: PersonalKind;
	objectId: string;
	version: number;
	deleted: boolean;
	header: string;
	body: string;
	wrap: string;
	updatedAt: number;
	caseId: string | null;
};

function toEnvelope(row: StoredPersonal, me: Identity): Envelope {
	const { v, kind, objectId, version, header, body } = row;
	return envelopeFromJson({
		v,
		kind,
		objectId,
		version,
		header,
		body,
		wraps: [{ reader: me.userId, wrapper: me.userId, box: row.wrap }]
	});
}

export async function openPersonal(
	row: StoredPersonal,
	me: Identity,
	highWater?: number
): Promise<Opened> {
	return openEnvelope(toEnvelope(row, me), {
		me,
		expected: { kind: row.kind, caseId: null, objectId: row.objectId },
		membership: null,
		// Personal envelopes are wrapped by their owner only; nobody else's keys count.
		directory: () => undefined,
		highWater
	});
}

/** A draft's case narrows the list to that case's drafts. */
export async function listPersonal(kind: PersonalKind, caseId?: string) {
	const { envelopes } = await getJson<{ envelopes: StoredPersonal[] }>(
		`/api/me/envelopes?kind=${kind}${caseId ? `&case=${caseId}` : ''}`
	);
	return envelopes;
}

export async function getPersonal(objectId: string): Promise<StoredPersonal | null> {
	try {
		return (await getJson<{ envelope: StoredPersonal }>(`/api/me/envelopes/${objectId}`)).envelope;
	} catch (e) {
		if (e instanceof RequestProblem && e.status === 404) return null;
		throw e;
	}
}

/** Seals and stores the next version; a 409 means another device wrote first. */
export async function putPersonal(
	me: Identity,
	kind: PersonalKind,
	objectId: string,
	prev: PreviousVersion | null,
	body: Uint8Array,
	deleted = false,
	caseId: string | null = null
) {
	const sealed = await sealEnvelope({
		kind,
		scope: null,
		objectId,
		prev,
		author: me,
		membership: null,
		body,
		readers: [publicOf(me)],
		createdAt: Date.now(),
		deleted
	});
	const json = envelopeToJson(sealed.envelope);
	await putJson(`/api/me/envelopes/${objectId}`, {
		v: 1,
		kind,
		caseId,
		objectId,
		version: json.version,
		deleted,
		header: json.header,
		body: json.body,
		wrap: json.wraps[0]?.box ?? ''
	});
	return sealed;
}
