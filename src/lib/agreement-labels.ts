import { m } from '$lib/paraglide/messages.js';
import type { FollowUp, ItemStatus } from './agreement-types';

// Plain words for the structure the server knows about agreements.

const KINDS = {
	apology: m.item_kind_apology,
	restitution: m.item_kind_restitution,
	counselling: m.item_kind_counselling,
	education: m.item_kind_education,
	boundary: m.item_kind_boundary,
	'community-service': m.item_kind_community_service,
	custom: m.item_kind_custom
};
export type ItemKindName = keyof typeof KINDS;
export const ITEM_KIND_NAMES = Object.keys(KINDS) as ItemKindName[];
export const itemKindLabel = (k: string) => (KINDS[k as ItemKindName] ?? m.item_kind_custom)();

const STATUSES: Record<ItemStatus, () => string> = {
	open: m.item_status_open,
	done: m.item_status_done,
	verified: m.item_status_verified,
	missed: m.item_status_missed,
	renegotiated: m.item_status_renegotiated
};
export const itemStatusLabel = (s: ItemStatus) => STATUSES[s]();
export const ITEM_STATUS_NAMES = Object.keys(STATUSES) as ItemStatus[];

const FOLLOW_UP: Record<FollowUp, () => string> = {
	all: m.follow_up_all,
	milestones: m.follow_up_milestones,
	completion: m.follow_up_completion,
	none: m.follow_up_none
};
export const followUpLabel = (f: FollowUp) => FOLLOW_UP[f]();
export const FOLLOW_UP_NAMES = Object.keys(FOLLOW_UP) as FollowUp[];

// Outcomes live apart: the case page needs them without every agreement label.
export { OUTCOME_NAMES, outcomeLabel, type OutcomeName } from './outcome-labels';

const TAMPERED: Record<string, () => string> = {
	missing: m.agreement_tampered_missing,
	words: m.agreement_tampered_words,
	items: m.agreement_tampered_items,
	signers: m.agreement_tampered_signers,
	log: m.agreement_tampered_log,
	chain: m.agreement_tampered_chain,
	digest: m.agreement_tampered_digest,
	signature: m.agreement_tampered_signature
};
export const tamperedLabel = (why: string) => (TAMPERED[why] ?? m.agreement_tampered_digest)();
