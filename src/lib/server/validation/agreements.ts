import * as v from 'valibot';
import { AGREEMENT_ITEM_KINDS } from '../db/schema';
import { MAX_REPEATS, REPEAT_UNITS } from '$lib/agreement-dates';
import { b64urlBytes, id } from './keys';
import { caseEnvelope, clientId } from './cases';

// Shapes and sizes only: every browser computes the digest again and checks every signature.

export const MAX_ITEMS = 50;
const version = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000));
const day = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8_640_000_000_000_000));

export const agreementItem = v.strictObject({
	itemId: clientId,
	kind: v.picklist(AGREEMENT_ITEM_KINDS),
	// Null is refused by the domain in words ("every item needs someone who does it").
	ownerId: v.nullable(id),
	due: v.nullable(day),
	repeat: v.nullable(
		v.strictObject({
			every: v.picklist(REPEAT_UNITS),
			count: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(MAX_REPEATS))
		})
	)
});
export type AgreementItemInput = v.InferOutput<typeof agreementItem>;

export const newVersionBody = v.strictObject({
	agreementId: clientId,
	version,
	digest: b64urlBytes(32),
	prevDigest: v.nullable(b64urlBytes(32)),
	logHead: v.strictObject({
		seq: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000)),
		hash: b64urlBytes(32)
	}),
	items: v.pipe(v.array(agreementItem), v.maxLength(MAX_ITEMS)),
	signers: v.pipe(
		v.array(
			v.strictObject({
				userId: id,
				role: v.picklist(['survivor', 'responsible']),
				fp: b64urlBytes(32)
			})
		),
		v.maxLength(32)
	),
	text: caseEnvelope
});
export type NewVersionInput = v.InferOutput<typeof newVersionBody>;

export const consentBody = v.variant('method', [
	v.strictObject({
		method: v.literal('signature'),
		version,
		decision: v.picklist(['approve', 'decline']),
		signature: b64urlBytes(64)
	}),
	v.strictObject({ method: v.literal('note'), version })
]);
export type ConsentInput = v.InferOutput<typeof consentBody>;

export const checkInBody = v.strictObject({ itemId: clientId, envelope: caseEnvelope });
export type CheckInInput = v.InferOutput<typeof checkInBody>;

/** A facilitator passes a check-in on to a survivor who chose to hear every update. */
export { moreWraps as passOnBody } from './cases';
