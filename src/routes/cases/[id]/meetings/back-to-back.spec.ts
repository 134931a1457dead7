import { describe, expect, it } from 'vitest';
import { backToBack } from './back-to-back';
import type { SealedDetails } from '$lib/client/meetings';
import type { PageData } from './$types';

// The facilitator's warning: the two parties' meetings close together at one place.

type Meeting = PageData['meetings'][number];
type Person = PageData['view']['people'][number];

const H = 60 * 60 * 1000;
const person = (userId: string, role: Person['role'], supports: string | null = null) =>
	({ userId, role, supports, displayName: userId }) as Person;
const people = [
	person('f', 'facilitator'),
	person('s', 'survivor'),
	person('r', 'responsible'),
	person('rs', 'supporter', 'r')
];
const meeting = (id: string, startsAt: number, invitees: string[], status = 'scheduled') =>
	({
		id,
		kind: 'preparation',
		status,
		startsAt,
		endsAt: startsAt + H,
		invitees: invitees.map((userId) => ({ userId }))
	}) as Meeting;
const at = (place: string) =>
	({
		details: { place, link: '', agenda: '' },
		prev: null,
		readers: []
	}) as unknown as SealedDetails;

describe('back to back', () => {
	it('warns on both meetings when the parties meet at one place within the hour', () => {
		const hers = meeting('a', 0, ['f', 's']);
		const his = meeting('b', H + 30 * 60 * 1000, ['f', 'rs']);
		const details = new Map([
			['a', at('Room 2, Main St')],
			['b', at(' room 2, main st ')]
		]);
		const warnings = backToBack([hers, his], details, people);
		expect([...warnings.keys()].sort()).toEqual(['a', 'b']);
		expect(warnings.get('a')).toContain('30 minutes');
	});

	it('is quiet for another place, an hour apart, one side only, or a cancelled meeting', () => {
		const hers = meeting('a', 0, ['f', 's']);
		const cases: [Meeting[], Map<string, SealedDetails>][] = [
			[
				[hers, meeting('b', 2 * H, ['f', 'r'])],
				new Map([
					['a', at('X')],
					['b', at('X')]
				])
			],
			[
				[hers, meeting('b', H, ['f', 'r'])],
				new Map([
					['a', at('X')],
					['b', at('Y')]
				])
			],
			[
				[hers, meeting('b', H, ['f', 's'])],
				new Map([
					['a', at('X')],
					['b', at('X')]
				])
			],
			[
				[hers, meeting('b', H, ['f', 'r'], 'cancelled')],
				new Map([
					['a', at('X')],
					['b', at('X')]
				])
			],
			[
				[hers, meeting('b', H, ['f', 'r'])],
				new Map([
					['a', at('')],
					['b', at('')]
				])
			]
		];
		for (const [meetings, details] of cases) {
			expect(backToBack(meetings, details, people).size).toBe(0);
		}
	});
});
