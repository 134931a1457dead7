import { and, asc, count, eq } from 'drizzle-orm';
import { caseAccess } from './case-access';
import { getDb, write } from './db';
import { personalEnvelopes } from './db/schema';
import { Problem } from './problem';
import type { PersonalEnvelopeInput } from './validation/keys';

/**
 * Envelopes addressed to their owner only (personal state, notebook pages, drafts). The server sees
 * sizes, versions and times, and stores the header as it came (kind, object id, version,
 * author, hashes, time: no content); the body and the wrap are ciphertext to it.
 */

type Kind = PersonalEnvelopeInput['kind'];
export const MAX_PERSONAL_OBJECTS = 2000;
const TOMBSTONE_BODY_CHARS = 64;

function toJson(row: typeof personalEnvelopes.$inferSelect) {
	return {
		v: 1 as const,
		kind: row.kind,
		objectId: row.objectId,
		version: row.version,
		deleted: row.deleted,
		header: row.header,
		body: row.body,
		wrap: row.wrap,
		updatedAt: row.updatedAt,
		caseId: row.caseId
	};
}
export type PersonalEnvelope = ReturnType<typeof toJson>;

export async function listPersonal(userId: string, kind: Kind, caseId: string | null = null) {
	const rows = await getDb()
		.select()
		.from(personalEnvelopes)
		.where(
			and(
				eq(personalEnvelopes.userId, userId),
				eq(personalEnvelopes.kind, kind),
				caseId === null ? undefined : eq(personalEnvelopes.caseId, caseId)
			)
		)
		.orderBy(asc(personalEnvelopes.updatedAt));
	return rows.map(toJson);
}

export async function getPersonal(userId: string, objectId: string) {
	const [row] = await getDb()
		.select()
		.from(personalEnvelopes)
		.where(and(eq(personalEnvelopes.userId, userId), eq(personalEnvelopes.objectId, objectId)));
	return row ? toJson(row) : null;
}

/**
 * Stores the next version of an object. Versions go up by exactly one, so two devices writing
 * at once cannot silently overwrite each other: the slower one is told to reload. A tombstone
 * keeps only its header, so the version can never go back.
 */
export async function putPersonal(userId: string, input: PersonalEnvelopeInput, now = Date.now()) {
	const { objectId, kind, version, deleted } = input;
	// A tombstone's body is an empty secretbox (40 bytes): nothing of the content stays.
	if (deleted && input.body.length > TOMBSTONE_BODY_CHARS) throw new Problem(400, 'bad_request');
	if (kind === 'personal-state' && objectId !== 'state') throw new Problem(400, 'bad_request');
	const caseId = input.caseId ?? null;
	if ((kind === 'draft') !== (caseId !== null)) throw new Problem(400, 'bad_request');
	await write(async (tx) => {
		// A draft is written only by someone still in its case; leaving deletes their drafts.
		if (caseId) await caseAccess(userId, caseId, undefined, tx);
		const [existing] = await tx
			.select({
				version: personalEnvelopes.version,
				kind: personalEnvelopes.kind,
				caseId: personalEnvelopes.caseId
			})
			.from(personalEnvelopes)
			.where(and(eq(personalEnvelopes.userId, userId), eq(personalEnvelopes.objectId, objectId)));
		if (existing && (existing.kind !== kind || existing.caseId !== caseId)) {
			throw new Problem(400, 'bad_request');
		}
		if (version !== (existing?.version ?? 0) + 1) throw new Problem(409, 'version_conflict');
		const values = {
			version,
			deleted,
			header: input.header,
			body: input.body,
			wrap: input.wrap,
			size: input.header.length + input.body.length,
			updatedAt: now
		};
		if (existing) {
			await tx
				.update(personalEnvelopes)
				.set(values)
				.where(and(eq(personalEnvelopes.userId, userId), eq(personalEnvelopes.objectId, objectId)));
			return;
		}
		const [stored] = await tx
			.select({ n: count() })
			.from(personalEnvelopes)
			.where(eq(personalEnvelopes.userId, userId));
		if ((stored?.n ?? 0) >= MAX_PERSONAL_OBJECTS) throw new Problem(413, 'too_many');
		await tx.insert(personalEnvelopes).values({ userId, objectId, kind, caseId, ...values });
	});
}
