import * as v from 'valibot';
import { MEETING_KINDS } from '../db/schema';
import { clientId } from './cases';
import { id } from './keys';

// Shapes only: meeting-rules.ts says, in words, what is wrong with times, zones and people.

/** A whole-number instant in milliseconds; sense (past, end before start) is checked later. */
const instant = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8_640_000_000_000));
const minutes = v.pipe(v.number(), v.integer(), v.minValue(-100_000), v.maxValue(100_000));
const zone = v.pipe(v.string(), v.maxLength(64));
const kind = v.picklist(MEETING_KINDS);

export const invitee = v.strictObject({
	userId: id,
	arriveAfterMin: minutes,
	leaveBeforeMin: minutes
});
const invitees = v.pipe(v.array(invitee), v.maxLength(64));

export const times = { startsAt: instant, endsAt: instant, timeZone: zone };

export const newMeeting = v.strictObject({ id: clientId, kind, ...times, invitees });

export const meetingChange = v.variant('action', [
	v.strictObject({ action: v.literal('move'), ...times }),
	v.strictObject({ action: v.literal('cancel') }),
	v.strictObject({
		action: v.literal('answer'),
		rsvp: v.picklist(['attending', 'not_attending', 'need_to_talk'])
	})
]);

export const newPoll = v.strictObject({
	id: clientId,
	kind,
	durationMin: minutes,
	timeZone: zone,
	slots: v.pipe(v.array(instant), v.maxLength(100)),
	invitees: v.pipe(v.array(id), v.maxLength(64))
});

export const pollChange = v.variant('action', [
	v.strictObject({
		action: v.literal('answer'),
		answers: v.pipe(
			v.array(
				v.strictObject({
					idx: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(99)),
					answer: v.picklist(['yes', 'if_need_be', 'no'])
				})
			),
			v.maxLength(100)
		),
		jointConsent: v.optional(v.nullable(v.picklist(['yes', 'no'])))
	}),
	v.strictObject({
		action: v.literal('pick'),
		idx: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(99)),
		meetingId: clientId,
		stagger: v.pipe(v.array(invitee), v.maxLength(64))
	}),
	v.strictObject({ action: v.literal('close') })
]);
