import type { CaseMember } from './db/schema';
import { Problem } from './problem';

/**
 * The survivor-centred scheduling rules (DESIGN §2), as plain functions over the case's roster,
 * so they are the same for a meeting made at once, from a poll, or moved later:
 * - whoever is invited is taking part in the case (not paused), and a facilitator is among them;
 * - a preparation meeting is one party (and their supporters) with the facilitators; a
 *   readiness call is the facilitators only;
 * - nothing with the responsible party's side before the survivor has said how they want to
 *   take part;
 * - the survivor and the responsible party together only if the survivor chose to take part
 *   directly and agreed to this very meeting.
 */

export type RosterMember = Pick<CaseMember, 'userId' | 'role' | 'status' | 'supports' | 'mode'>;
export type Roster = Map<string, RosterMember>;
export type Side = 'survivor' | 'responsible';

export const DURATION_MIN = 5;
/** A long day of circle work; anything more is a typing slip. */
export const DURATION_MAX = 12 * 60;
/** How far ahead anything can be planned. */
export const AHEAD_MAX_MS = 400 * 24 * 60 * 60 * 1000;

export function sideOf(m: RosterMember, roster: Roster): Side | null {
	if (m.role === 'survivor' || m.role === 'responsible') return m.role;
	if (m.role !== 'supporter' || !m.supports) return null;
	const party = roster.get(m.supports);
	return party?.role === 'survivor' || party?.role === 'responsible' ? party.role : null;
}

const present = (m: RosterMember | undefined): m is RosterMember =>
	!!m && (m.status === 'active' || m.status === 'paused');
/** Someone who paused is asked to nothing new until they come back. */
const active = (m: RosterMember | undefined): m is RosterMember => m?.status === 'active';

/** Start and end: a real span, of a sane length, in the future but not absurdly far. */
export function checkTimes(startsAt: number, endsAt: number, now: number) {
	if (endsAt <= startsAt) throw new Problem(400, 'meeting_end_before_start');
	const minutes = (endsAt - startsAt) / 60_000;
	if (!Number.isInteger(minutes) || minutes < DURATION_MIN || minutes > DURATION_MAX) {
		throw new Problem(400, 'meeting_duration');
	}
	checkStart(startsAt, now);
}

export function checkStart(startsAt: number, now: number) {
	if (startsAt <= now) throw new Problem(400, 'meeting_in_past');
	if (startsAt > now + AHEAD_MAX_MS) throw new Problem(400, 'meeting_too_far');
}

/** Who is in it: each present in the case, a facilitator among them, the kind respected. */
export function checkInvitees(kind: string, invitees: readonly string[], roster: Roster) {
	if (invitees.length === 0 || new Set(invitees).size !== invitees.length) {
		throw new Problem(400, 'bad_request');
	}
	const members = invitees.map((id) => roster.get(id));
	if (!members.every(active)) throw new Problem(400, 'invitee_not_in_case');
	const people = members as RosterMember[];
	if (!people.some((m) => m.role === 'facilitator')) {
		throw new Problem(400, 'meeting_needs_facilitator');
	}
	if (kind === 'readiness' && people.some((m) => m.role !== 'facilitator')) {
		throw new Problem(400, 'readiness_facilitators_only');
	}
	if (kind === 'preparation') {
		const sides = new Set(people.map((m) => sideOf(m, roster)).filter((s) => s !== null));
		const others = people.some((m) => m.role !== 'facilitator' && sideOf(m, roster) === null);
		if (sides.size !== 1 || others) throw new Problem(400, 'preparation_one_party');
	}
}

/** The survivors of the case (usually one): their choices decide what may be scheduled. */
const survivorsIn = (roster: Roster) =>
	[...roster.values()].filter((m) => m.role === 'survivor' && present(m));

/**
 * The order of practice: nothing with the responsible party's side until every survivor has
 * chosen how to take part; both parties together only with each survivor's direct mode and
 * their consent to this meeting (`consents`: the survivors who said yes to it).
 */
export function checkSurvivorRules(
	invitees: readonly string[],
	roster: Roster,
	/** 'ask': a poll, where the survivor will be asked to agree before anything is made. */
	consents: ReadonlySet<string> | 'ask'
) {
	const people = invitees.map((id) => roster.get(id)).filter(present);
	const responsibleSide = people.some((m) => sideOf(m, roster) === 'responsible');
	if (!responsibleSide) return;
	const survivors = survivorsIn(roster);
	if (survivors.length === 0 || survivors.some((s) => !s.mode)) {
		throw new Problem(409, 'survivor_not_decided');
	}
	for (const s of people.filter((m) => m.role === 'survivor')) {
		if (s.mode !== 'direct') throw new Problem(409, 'joint_needs_direct');
		if (consents !== 'ask' && !consents.has(s.userId)) {
			throw new Problem(409, 'joint_needs_consent');
		}
	}
}

/** Does this meeting put a survivor and the responsible party's side in the same room? */
export function isJoint(invitees: readonly string[], roster: Roster) {
	const people = invitees.map((id) => roster.get(id)).filter(present);
	return (
		people.some((m) => m.role === 'survivor') &&
		people.some((m) => sideOf(m, roster) === 'responsible')
	);
}

/** Staggered arrival and departure: whole minutes, leaving some time together. */
export function checkStagger(
	durationMin: number,
	stagger: readonly { arriveAfterMin: number; leaveBeforeMin: number }[]
) {
	for (const s of stagger) {
		const ok =
			Number.isInteger(s.arriveAfterMin) &&
			Number.isInteger(s.leaveBeforeMin) &&
			s.arriveAfterMin >= 0 &&
			s.leaveBeforeMin >= 0 &&
			s.arriveAfterMin + s.leaveBeforeMin + DURATION_MIN <= durationMin;
		if (!ok) throw new Problem(400, 'meeting_stagger');
	}
}

const RANK = ['facilitator', 'survivor', 'responsible', 'supporter', 'community'];

/** People in a steady order wherever they are listed: facilitators first, then by role, name. */
export const byRoleThenName = (
	a: { role: string; name: string },
	b: { role: string; name: string }
) => RANK.indexOf(a.role) - RANK.indexOf(b.role) || a.name.localeCompare(b.name);
