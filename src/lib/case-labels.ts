import { m } from '$lib/paraglide/messages.js';

// Plain words for the structure the server knows: roles, stages and choices.

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

// A survivor's way of taking part (DESIGN §2) and a party's consent to joint meetings.
const MODES = {
	direct: m.mode_direct,
	letter: m.mode_letter,
	relay: m.mode_relay,
	surrogate: m.mode_surrogate,
	recorded: m.mode_recorded,
	none: m.mode_none
};
const CONSENTS = { yes: m.consent_yes, no: m.consent_no, undecided: m.consent_undecided };

export type RoleName = keyof typeof ROLES;
export type ModeName = keyof typeof MODES;
export type ConsentName = keyof typeof CONSENTS;
export type StageName = keyof typeof STAGES;

export const roleLabel = (role: RoleName) => ROLES[role]();
export const stageLabel = (stage: StageName) => STAGES[stage]();
export const STAGE_NAMES = Object.keys(STAGES) as StageName[];
export const modeLabel = (mode: ModeName) => MODES[mode]();
export const consentLabel = (c: ConsentName) => CONSENTS[c]();
export const MODE_NAMES = Object.keys(MODES) as ModeName[];
export const CONSENT_NAMES: ConsentName[] = ['undecided', 'yes', 'no'];
