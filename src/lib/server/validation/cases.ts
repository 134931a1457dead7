import * as v from 'valibot';
import { b64urlBytes, b64urlUpTo, id } from './keys';
import { displayName } from './webauthn';

// Shapes and sizes only: browsers check every signature, hash and wrap themselves.

export const CASE_ROLES = [
	'facilitator',
	'survivor',
	'responsible',
	'supporter',
	'community'
] as const;
export type CaseRoleName = (typeof CASE_ROLES)[number];
export const caseRole = v.picklist(CASE_ROLES);

export const STAGES = [
	'referral',
	'preparation',
	'circle',
	'agreement',
	'follow-up',
	'closed',
	'paused',
	'withdrawn'
] as const;
export type Stage = (typeof STAGES)[number];
export const stage = v.picklist(STAGES);

/** Ids the browser makes (case, object, invite): 22 base64url characters of randomness. */
export const clientId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/));

const seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000));
const time = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8_640_000_000_000_000));

/** A case log entry in its wire form (crypto/case-log-json.ts). */
export const logEntry = v.strictObject({
	v: v.literal(1),
	seq,
	prev: b64urlBytes(32),
	op: v.picklist(['create', 'add', 'remove', 'role']),
	subject: v.strictObject({ userId: id, fp: b64urlBytes(32) }),
	role: caseRole,
	supports: v.nullable(id),
	signer: id,
	createdAt: time,
	sig: b64urlBytes(64)
});
export type LogEntryInput = v.InferOutput<typeof logEntry>;

/** Ciphertext above this is refused with 413 (about 190,000 words of text). */
export const CASE_ENVELOPE_MAX_BYTES = 256 * 1024;
export const MAX_READERS = 64;

const wrap = v.strictObject({ reader: id, wrapper: id, box: b64urlUpTo(512) });

/**
 * A case envelope (crypto/envelope-json.ts) and what the server indexes it by. The body may
 * be longer than allowed here so the domain can answer 413 rather than a shapeless 400.
 */
export const caseEnvelope = v.strictObject({
	v: v.literal(1),
	kind: v.picklist([
		'case-summary',
		'facilitator-notes',
		'invite-secret',
		'input',
		'interim-summary',
		'interim-comment',
		'conversation',
		'relay',
		'meeting',
		'agreement',
		'check-in'
	]),
	objectId: id,
	version: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
	subject: v.nullable(id),
	deleted: v.boolean(),
	// A header lists one 32-byte hash per attachment chunk: about 30 KB for 200 MB.
	header: b64urlUpTo(48 * 1024),
	body: b64urlUpTo(CASE_ENVELOPE_MAX_BYTES * 4),
	wraps: v.pipe(v.array(wrap), v.minLength(1), v.maxLength(MAX_READERS)),
	// An upload (attachments.ts) this version carries, complete and the writer's own.
	attachment: v.optional(v.nullable(clientId), null)
});
// Input, not output: callers inside the server may leave out `attachment`.
export type CaseEnvelopeInput = v.InferInput<typeof caseEnvelope>;
export type WrapInput = v.InferOutput<typeof wrap>;

export const moreWraps = v.strictObject({
	version: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
	wraps: v.pipe(v.array(wrap), v.minLength(1), v.maxLength(MAX_READERS))
});

export const openCaseBody = v.strictObject({
	caseId: clientId,
	entry: logEntry,
	summary: caseEnvelope
});

export const newInviteBody = v.strictObject({
	inviteId: clientId,
	role: caseRole,
	supports: v.nullable(id),
	secret: caseEnvelope,
	// Reissuing: the invite this one replaces is withdrawn in the same step.
	replaces: v.optional(v.nullable(id), null)
});

export const joinBody = v.strictObject({
	fp: b64urlBytes(32),
	tag: b64urlBytes(32),
	displayName
});

export const appendBody = v.strictObject({ pendingId: id, entry: logEntry });
