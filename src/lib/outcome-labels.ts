import { m } from '$lib/paraglide/messages.js';

// How a closed case ended, in plain words.

const OUTCOMES = {
	completed: m.outcome_completed,
	partial: m.outcome_partial,
	ended: m.outcome_ended,
	withdrawn: m.outcome_withdrawn
};
export type OutcomeName = keyof typeof OUTCOMES;
export const OUTCOME_NAMES = Object.keys(OUTCOMES) as OutcomeName[];
export const outcomeLabel = (o: string | null) =>
	o && o in OUTCOMES ? OUTCOMES[o as OutcomeName]() : m.outcome_none();
