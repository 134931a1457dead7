import { describe, expect, test } from 'vitest';
import {
	checkInvitees,
	checkStagger,
	checkSurvivorRules,
	isJoint,
	type Roster,
	type RosterMember
} from './meeting-rules';
import { Problem } from './problem';

// The rules on their own, over a roster: who counts as which side, and what each kind allows.

type M = Partial<RosterMember> & Pick<RosterMember, 'userId' | 'role'>;
const roster = (...people: M[]): Roster =>
	new Map(people.map((p) => [p.userId, { status: 'active', supports: null, mode: null, ...p }]));
const F = { userId: 'f', role: 'facilitator' } as const;
const S = { userId: 's', role: 'survivor' } as const;
const R = { userId: 'r', role: 'responsible' } as const;
const SS = { userId: 'ss', role: 'supporter', supports: 's' } as const;
const RS = { userId: 'rs', role: 'supporter', supports: 'r' } as const;
const C = { userId: 'c', role: 'community' } as const;

function code(fn: () => void): string | null {
	try {
		fn();
		return null;
	} catch (e) {
		return e instanceof Problem ? e.code : String(e);
	}
}

describe('who is in a meeting', () => {
	const all = roster(F, S, R, SS, RS, C, { userId: 'p', role: 'survivor', status: 'paused' });
	test('a preparation meeting is one side, its supporters and the facilitators', () => {
		expect(code(() => checkInvitees('preparation', ['f', 's', 'ss'], all))).toBeNull();
		expect(code(() => checkInvitees('preparation', ['f', 'r', 'rs'], all))).toBeNull();
		expect(code(() => checkInvitees('preparation', ['f', 's', 'rs'], all))).toBe(
			'preparation_one_party'
		);
		expect(code(() => checkInvitees('preparation', ['f', 's', 'c'], all))).toBe(
			'preparation_one_party'
		);
		expect(code(() => checkInvitees('preparation', ['f'], all))).toBe('preparation_one_party');
	});
	test('a readiness call is facilitators only; every meeting has one', () => {
		expect(code(() => checkInvitees('readiness', ['f'], all))).toBeNull();
		expect(code(() => checkInvitees('readiness', ['f', 'c'], all))).toBe(
			'readiness_facilitators_only'
		);
		expect(code(() => checkInvitees('circle', ['s', 'c'], all))).toBe('meeting_needs_facilitator');
	});
	test('someone paused or unknown is not invited', () => {
		expect(code(() => checkInvitees('circle', ['f', 'p'], all))).toBe('invitee_not_in_case');
		expect(code(() => checkInvitees('circle', ['f', 'x'], all))).toBe('invitee_not_in_case');
		expect(code(() => checkInvitees('circle', [], all))).toBe('bad_request');
	});
});

describe('the survivor first', () => {
	test("the responsible party's side waits for the survivor's choice; supporters count as their side", () => {
		const undecided = roster(F, S, R, RS);
		expect(code(() => checkSurvivorRules(['f', 'rs'], undecided, new Set()))).toBe(
			'survivor_not_decided'
		);
		expect(code(() => checkSurvivorRules(['f', 's'], undecided, new Set()))).toBeNull();
		// A case without a survivor yet: nobody has chosen, so nothing with that side either.
		expect(code(() => checkSurvivorRules(['f', 'r'], roster(F, R), new Set()))).toBe(
			'survivor_not_decided'
		);
		const decided = roster(F, { ...S, mode: 'none' }, R);
		expect(code(() => checkSurvivorRules(['f', 'r'], decided, new Set()))).toBeNull();
	});
	test('together only with the direct mode and consent; a poll asks for the consent', () => {
		const letter = roster(F, { ...S, mode: 'letter' }, R);
		const direct = roster(F, { ...S, mode: 'direct' }, R);
		expect(isJoint(['f', 's', 'r'], direct)).toBe(true);
		expect(isJoint(['f', 'ss', 'r'], roster(F, S, SS, R))).toBe(false);
		expect(code(() => checkSurvivorRules(['f', 's', 'r'], letter, 'ask'))).toBe(
			'joint_needs_direct'
		);
		expect(code(() => checkSurvivorRules(['f', 's', 'r'], direct, new Set()))).toBe(
			'joint_needs_consent'
		);
		expect(code(() => checkSurvivorRules(['f', 's', 'r'], direct, 'ask'))).toBeNull();
		expect(code(() => checkSurvivorRules(['f', 's', 'r'], direct, new Set(['s'])))).toBeNull();
	});
});

test('staggered times leave at least five minutes together, in whole minutes', () => {
	const at = (arriveAfterMin: number, leaveBeforeMin: number) => [
		{ arriveAfterMin, leaveBeforeMin }
	];
	expect(code(() => checkStagger(60, at(15, 15)))).toBeNull();
	expect(code(() => checkStagger(60, at(30, 25)))).toBeNull();
	expect(code(() => checkStagger(60, at(30, 26)))).toBe('meeting_stagger');
	expect(code(() => checkStagger(60, at(-5, 0)))).toBe('meeting_stagger');
	expect(code(() => checkStagger(60, at(1.5, 0)))).toBe('meeting_stagger');
});
