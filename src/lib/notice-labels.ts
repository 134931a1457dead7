import { m } from '$lib/paraglide/messages.js';

// Content-free notices to the facilitators: a safety signal, a change in taking part, an answer.
// Apart from case-labels.ts so pages that only name roles (joining a case) do not carry these.
const NOTICES = {
	talk: m.case_notice_talk,
	unsafe: m.case_notice_unsafe,
	paused: m.case_notice_paused,
	resumed: m.case_notice_resumed,
	withdrawn: m.case_notice_withdrawn,
	choices: m.case_notice_choices,
	relay_approved: m.case_notice_relay_approved,
	relay_declined: m.case_notice_relay_declined
};

export type NoticeName = keyof typeof NOTICES;
export const noticeText = (kind: NoticeName, name: string) => NOTICES[kind]({ name });
