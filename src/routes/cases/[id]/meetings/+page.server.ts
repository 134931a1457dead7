import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { actionPathId, pageProblem, pathId } from '$lib/server/api';
import { caseView } from '$lib/server/cases';
import { getDeploymentId } from '$lib/server/org';
import { attempt, parseFormLists, readForm } from '$lib/server/forms';
import { generateId } from '$lib/server/auth/tokens';
import { meetingsFor, markMeetingNewsSeen } from '$lib/server/meeting-views';
import {
	answerMeeting,
	cancelMeeting,
	createMeeting,
	rescheduleMeeting
} from '$lib/server/meetings';
import { answerPoll, closePoll, createPoll, pickSlot, pollsFor } from '$lib/server/meeting-polls';
import { MEETING_KINDS } from '$lib/server/db/schema';
import { isTimeZone, wallTimeToUtc } from '$lib/time-zones';
import { problemMessage } from '$lib/server/messages';
import { m } from '$lib/paraglide/messages.js';

// A case's meetings and polls. Times, people and answers are structure, posted as forms and
// checked by the scheduling rules; a meeting's place, link and agenda are sealed in the browser.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	try {
		const caseId = pathId(event.params.id);
		const view = await caseView(user.id, caseId);
		const [meetings, polls] = await Promise.all([
			meetingsFor(user.id, { caseId }),
			pollsFor(user.id, caseId)
		]);
		// Opened here: the news about these meetings is no longer new for this person.
		await markMeetingNewsSeen(user.id, caseId);
		return {
			userId: user.id,
			view: { id: view.id, ref: view.ref, stage: view.stage, me: view.me, people: view.people },
			meetings,
			polls,
			zones: Intl.supportedValuesOf('timeZone'),
			deploymentId: await getDeploymentId(),
			pageTitle: m.meetings_page_title()
		};
	} catch (e) {
		return pageProblem(e);
	}
};

const text = (max = 64) => v.pipe(v.string(), v.maxLength(max));
const kind = v.picklist(MEETING_KINDS);
const ids = v.pipe(v.array(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/))), v.maxLength(64));

/** A wall-clock time in a zone as UTC, or the words for why it cannot be used. */
function instant(date: string, time: string, zone: string): number | string {
	// Said first: an unknown zone would otherwise read as a date or time that could not be read.
	if (!isTimeZone(zone)) return problemMessage('time_zone_unknown');
	const r = wallTimeToUtc({ date, time }, zone);
	if (r.ok) return r.utcMs;
	return r.reason === 'nonexistent'
		? m.meetings_time_skipped({ time, zone })
		: m.meetings_time_invalid();
}

/** A date with a start and an end on it, in a zone: UTC instants, or the words for why not. */
function span(f: { date: string; start: string; end: string; timeZone: string }) {
	const startsAt = instant(f.date, f.start, f.timeZone);
	if (typeof startsAt === 'string') return startsAt;
	const endsAt = instant(f.date, f.end, f.timeZone);
	if (typeof endsAt === 'string') return endsAt;
	return { startsAt, endsAt, timeZone: f.timeZone };
}

const refuse = (form: string, problem: string, about: Record<string, string> = {}) =>
	fail(400, { form, ...about, problem });

const Schedule = v.object({
	kind,
	date: text(),
	start: text(),
	end: text(),
	timeZone: text(),
	invitee: ids
});
const Propose = v.object({
	kind,
	duration: v.pipe(v.string(), v.regex(/^\d{1,4}$/)),
	timeZone: text(),
	slotDate: v.pipe(v.array(text()), v.maxLength(40)),
	slotTime: v.pipe(v.array(text()), v.maxLength(40)),
	invitee: ids
});
const Move = v.object({
	meetingId: text(),
	date: text(),
	start: text(),
	end: text(),
	timeZone: text()
});
const One = v.object({ meetingId: text() });
const Rsvp = v.object({
	meetingId: text(),
	rsvp: v.picklist(['attending', 'not_attending', 'need_to_talk'])
});
const Poll = v.object({ pollId: text() });
const ANSWERS = ['yes', 'if_need_be', 'no'] as const;

export const actions: Actions = {
	schedule: async (event) => {
		const user = requireUser(event);
		const caseId = actionPathId(event.params.id);
		const input = await parseFormLists(event.request, Schedule, ['invitee']);
		if (!input) return refuse('schedule', m.meetings_form_invalid());
		const times = span(input);
		if (typeof times === 'string') return refuse('schedule', times);
		return attempt('schedule', async () => {
			await createMeeting(user.id, caseId, {
				id: generateId(),
				kind: input.kind,
				...times,
				invitees: input.invitee.map((userId) => ({ userId, arriveAfterMin: 0, leaveBeforeMin: 0 }))
			});
			return { form: 'schedule', done: m.meetings_scheduled() };
		});
	},
	propose: async (event) => {
		const user = requireUser(event);
		const caseId = actionPathId(event.params.id);
		const input = await parseFormLists(event.request, Propose, ['invitee', 'slotDate', 'slotTime']);
		if (!input || input.slotDate.length !== input.slotTime.length) {
			return refuse('propose', m.meetings_form_invalid());
		}
		const slots: number[] = [];
		for (const [i, date] of input.slotDate.entries()) {
			const time = input.slotTime[i] ?? '';
			// Rows left empty are simply not proposed.
			if (!date && !time) continue;
			const at = instant(date, time, input.timeZone);
			if (typeof at === 'string') return refuse('propose', at);
			slots.push(at);
		}
		return attempt('propose', async () => {
			await createPoll(user.id, caseId, {
				id: generateId(),
				kind: input.kind,
				durationMin: Number(input.duration),
				timeZone: input.timeZone,
				slots,
				invitees: input.invitee
			});
			return { form: 'propose', done: m.meetings_poll_sent() };
		});
	},
	answerPoll: async (event) => {
		const user = requireUser(event);
		const caseId = actionPathId(event.params.id);
		const data = await readForm(event.request);
		const pollId = data?.get('pollId');
		if (!data || typeof pollId !== 'string') return refuse('answerPoll', m.meetings_form_invalid());
		const answers: { idx: number; answer: (typeof ANSWERS)[number] }[] = [];
		for (const [key, value] of data.entries()) {
			const idx = /^slot(\d{1,2})$/.exec(key)?.[1];
			if (idx === undefined) continue;
			if (!ANSWERS.includes(value as (typeof ANSWERS)[number])) {
				return refuse('answerPoll', m.meetings_form_invalid());
			}
			answers.push({ idx: Number(idx), answer: value as (typeof ANSWERS)[number] });
		}
		const consent = data.get('jointConsent');
		const jointConsent = consent === 'yes' || consent === 'no' ? consent : undefined;
		return attempt(
			'answerPoll',
			async () => {
				await answerPoll(user.id, caseId, pollId, { answers, jointConsent });
				return { form: 'answerPoll', pollId, done: m.meetings_poll_answered() };
			},
			{ pollId }
		);
	},
	pick: async (event) => {
		const user = requireUser(event);
		const caseId = actionPathId(event.params.id);
		const data = await readForm(event.request);
		const pollId = data?.get('pollId');
		const rawIdx = data?.get('idx');
		const idx = typeof rawIdx === 'string' && /^\d{1,2}$/.test(rawIdx) ? Number(rawIdx) : NaN;
		if (!data || typeof pollId !== 'string' || !Number.isInteger(idx)) {
			return refuse('pick', m.meetings_form_invalid());
		}
		// Staggered times, for a circle with both parties: minutes per person, blank is none.
		const offsets = new Map<string, { arriveAfterMin: number; leaveBeforeMin: number }>();
		for (const [key, value] of data.entries()) {
			const match = /^(arrive|leave)-([A-Za-z0-9_-]{1,64})$/.exec(key);
			if (!match || typeof value !== 'string' || value === '') continue;
			if (!/^\d{1,3}$/.test(value)) return refuse('pick', m.meetings_stagger_invalid());
			const [, which, userId] = match as unknown as [string, string, string];
			const o = offsets.get(userId) ?? { arriveAfterMin: 0, leaveBeforeMin: 0 };
			o[which === 'arrive' ? 'arriveAfterMin' : 'leaveBeforeMin'] = Number(value);
			offsets.set(userId, o);
		}
		const stagger = [...offsets].map(([userId, o]) => ({ userId, ...o }));
		return attempt(
			'pick',
			async () => {
				await pickSlot(user.id, caseId, pollId, { idx, meetingId: generateId(), stagger });
				return { form: 'pick', pollId, done: m.meetings_scheduled() };
			},
			{ pollId }
		);
	},
	closePoll: async (event) => {
		const user = requireUser(event);
		const caseId = actionPathId(event.params.id);
		const input = await parseFormLists(event.request, Poll, []);
		if (!input) return refuse('closePoll', m.meetings_form_invalid());
		return attempt(
			'closePoll',
			async () => {
				await closePoll(user.id, caseId, input.pollId);
				return { form: 'closePoll', pollId: input.pollId, done: m.meetings_poll_closed() };
			},
			{ pollId: input.pollId }
		);
	},
	move: async (event) => {
		const user = requireUser(event);
		const caseId = actionPathId(event.params.id);
		const input = await parseFormLists(event.request, Move, []);
		if (!input) return refuse('move', m.meetings_form_invalid());
		const times = span(input);
		if (typeof times === 'string') {
			return refuse('move', times, { meetingId: input.meetingId });
		}
		return attempt(
			'move',
			async () => {
				await rescheduleMeeting(user.id, caseId, input.meetingId, times);
				return { form: 'move', meetingId: input.meetingId, done: m.meetings_moved() };
			},
			{ meetingId: input.meetingId }
		);
	},
	cancel: async (event) => {
		const user = requireUser(event);
		const caseId = actionPathId(event.params.id);
		const input = await parseFormLists(event.request, One, []);
		if (!input) return refuse('cancel', m.meetings_form_invalid());
		return attempt(
			'cancel',
			async () => {
				await cancelMeeting(user.id, caseId, input.meetingId);
				return { form: 'cancel', meetingId: input.meetingId, done: m.meetings_cancelled() };
			},
			{ meetingId: input.meetingId }
		);
	},
	rsvp: async (event) => {
		const user = requireUser(event);
		const caseId = actionPathId(event.params.id);
		const input = await parseFormLists(event.request, Rsvp, []);
		if (!input) return refuse('rsvp', m.meetings_rsvp_invalid());
		return attempt(
			'rsvp',
			async () => {
				await answerMeeting(user.id, caseId, input.meetingId, input.rsvp);
				return { form: 'rsvp', meetingId: input.meetingId, done: m.meetings_rsvp_saved() };
			},
			{ meetingId: input.meetingId }
		);
	}
};
