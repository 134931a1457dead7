import { m } from '$lib/paraglide/messages.js';

// Plain words for the structure the server knows: roles and stages.

const ROLES = {
	facilitator: m.role_facilitator,
	survivor: m.role_survivor,
	responsible: m.role_responsible,
	supporter: m.role_supporter,
	community: m.role_community
};

const STAGES = {
	referral: m.stage_referral,
	preparation: m.stage_preparation,
	circle: m.stage_circle,
	agreement: m.stage_agreement,
	'follow-up': m.stage_follow_up,
	closed: m.stage_closed,
	paused: m.stage_paused,
	withdrawn: m.stage_withdrawn
};

export type RoleName = keyof typeof ROLES;
export type StageName = keyof typeof STAGES;

export const roleLabel = (role: RoleName) => ROLES[role]();
export const stageLabel = (stage: StageName) => STAGES[stage]();
export const STAGE_NAMES = Object.keys(STAGES) as StageName[];
