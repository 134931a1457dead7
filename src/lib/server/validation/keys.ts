import * as v from 'valibot';
import { personalEnvelopes } from '../db/schema';

// Shapes and sizes only: the server cannot check the cryptography and must not try.

/** base64url without padding, of exactly `bytes` decoded bytes. */
export function b64urlBytes(bytes: number) {
	return v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]*$/), v.length(Math.ceil((bytes * 4) / 3)));
}

/** base64url without padding, at most `maxBytes` decoded bytes. */
export function b64urlUpTo(maxBytes: number) {
	return v.pipe(
		v.string(),
		v.regex(/^[A-Za-z0-9_-]+$/),
		v.maxLength(Math.ceil((maxBytes * 4) / 3))
	);
}

export const id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));
export const credentialId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,1400}$/));

export const publicKeys = v.object({
	keyVersion: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
	boxPk: b64urlBytes(32),
	signPk: b64urlBytes(32)
});

// A sealed key bundle is about 280 bytes; 1 KB leaves room for later versions.
const wrapFields = {
	v: v.literal(1),
	salt: b64urlBytes(32),
	box: b64urlUpTo(1024)
};

export const passkeyWrap = v.object({
	...wrapFields,
	kind: v.literal('prf'),
	wrapId: credentialId
});
export const recoveryWrap = v.object({ ...wrapFields, kind: v.literal('recovery'), wrapId: id });
export const handoverWrap = v.object({ ...wrapFields, kind: v.literal('handover'), wrapId: id });

export type PasskeyWrap = v.InferOutput<typeof passkeyWrap>;
export type RecoveryWrap = v.InferOutput<typeof recoveryWrap>;
export type HandoverWrap = v.InferOutput<typeof handoverWrap>;

// A personal envelope: a header, a body and one wrap to its owner (see crypto/envelope.ts).
// A tombstone keeps its own empty body and wrap, so its owner can tell it is really theirs.
export const NOTEBOOK_MAX_BYTES = 256 * 1024;
export const PERSONAL_KINDS = personalEnvelopes.kind.enumValues;
export const personalEnvelope = v.object({
	v: v.literal(1),
	kind: v.picklist(PERSONAL_KINDS),
	// A draft names its case (so it goes with it); nothing else does.
	caseId: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/)))),
	objectId: id,
	version: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER)),
	deleted: v.boolean(),
	header: b64urlUpTo(4096),
	body: b64urlUpTo(NOTEBOOK_MAX_BYTES + 1024),
	wrap: b64urlUpTo(512)
});
export type PersonalEnvelopeInput = v.InferOutput<typeof personalEnvelope>;
