import { m } from '$lib/paraglide/messages.js';

// Words for meeting kinds and answers, shared by the case's meetings page and the overview.
const KINDS = {
	preparation: m['meetings_kind_preparation'],
	circle: m['meetings_kind_circle'],
	'check-in': m['meetings_kind_check-in'],
	readiness: m['meetings_kind_readiness']
};
export type MeetingKindName = keyof typeof KINDS;
export const MEETING_KIND_NAMES = Object.keys(KINDS) as MeetingKindName[];
export const meetingKindLabel = (kind: MeetingKindName) => KINDS[kind]();

const RSVPS = {
	pending: m.meetings_rsvp_pending,
	attending: m.meetings_rsvp_attending,
	not_attending: m.meetings_rsvp_not_attending,
	need_to_talk: m.meetings_rsvp_need_to_talk
};
export type RsvpName = keyof typeof RSVPS;
export const rsvpLabel = (r: RsvpName) => RSVPS[r]();

const ANSWERS = {
	yes: m.meetings_answer_yes,
	if_need_be: m.meetings_answer_if_need_be,
	no: m.meetings_answer_no
};
export type PollAnswerName = keyof typeof ANSWERS;
export const POLL_ANSWERS = Object.keys(ANSWERS) as PollAnswerName[];
export const pollAnswerLabel = (a: PollAnswerName) => ANSWERS[a]();
