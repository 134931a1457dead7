import { describe, expect, it } from 'vitest';
import { cast, listMembership, member, standardMembers } from './envelope.fixtures';
import {
	allowedReaders,
	defaultReaders,
	kindScope,
	mayAuthor,
	mayRead,
	mayWrap,
	type RuleContext
} from './reader-rules';

const membership = listMembership([standardMembers()]);
const members = membership.membersAt();
const everyone = ['ana', 'ben', 'sam', 'rio', 'kit', 'pat', 'cam'];
const ctx = (kind: string, author: string, subject: string | null = null): RuleContext => ({
	kind,
	author: { userId: author },
	subject
});
const readers = (c: RuleContext) => everyone.filter((u) => mayRead(members, c, u));
const authors = (kind: string, subject: string | null = null) =>
	everyone.filter((u) => mayAuthor(members, ctx(kind, u, subject)));
const wrapsFor = (c: RuleContext, wrapper: string) =>
	everyone.filter((u) => mayWrap(members, c, wrapper, u));

describe('reader table (DESIGN §4)', () => {
	it.each([
		['case-summary', 'ana', null, ['ana', 'ben']],
		['facilitator-notes', 'ben', null, ['ana', 'ben']],
		['invite-secret', 'ana', null, ['ana', 'ben']],
		// A party's input: never the other party or anyone supporting them.
		['input', 'sam', null, ['ana', 'ben', 'sam', 'kit', 'cam']],
		['input', 'rio', null, ['ana', 'ben', 'rio', 'pat', 'cam']],
		['interim-summary', 'ana', null, ['ana', 'ben', 'sam']],
		['interim-comment', 'sam', null, ['ana', 'ben', 'sam']],
		['conversation', 'ana', 'kit', ['ana', 'ben', 'kit']],
		// Passed on: the facilitators, the author and the one it is for; nobody else.
		['relay', 'sam', 'rio', ['ana', 'ben', 'sam', 'rio']],
		['relay', 'sam', 'kit', ['ana', 'ben', 'sam', 'kit']],
		['meeting', 'ana', null, everyone],
		['agreement', 'ana', null, ['ana', 'ben', 'sam', 'rio', 'kit', 'pat']],
		['check-in', 'rio', null, ['ana', 'ben', 'sam', 'rio']]
	])('%s by %s (subject %s) may be read by %j', (kind, author, subject, expected) => {
		expect(readers(ctx(kind, author, subject))).toEqual(expected);
	});

	it.each([
		['case-summary', null, ['ana', 'ben']],
		['input', null, ['sam', 'rio']],
		['interim-summary', null, ['ana', 'ben']],
		['interim-comment', null, ['sam']],
		['conversation', 'kit', ['ana', 'ben', 'kit']],
		// A conversation is with a participant, never "with" a facilitator or a stranger.
		['conversation', 'ben', []],
		['conversation', 'mal', []],
		// Only a participant passes on their own words, and never to themselves or a stranger.
		['relay', 'rio', ['sam', 'kit', 'pat', 'cam']],
		['relay', 'sam', ['rio', 'kit', 'pat', 'cam']],
		['relay', 'mal', []],
		['meeting', null, ['ana', 'ben']],
		['agreement', null, ['ana', 'ben']],
		['check-in', null, ['ana', 'ben', 'rio']]
	])('%s (subject %s) may be written by %j', (kind, subject, expected) => {
		expect(authors(kind, subject)).toEqual(expected);
	});

	it('lets only the author wrap an input, for any reader on their side', () => {
		const c = ctx('input', 'sam');
		expect(wrapsFor(c, 'sam')).toEqual(['ana', 'ben', 'sam', 'kit', 'cam']);
		expect(wrapsFor(c, 'ana')).toEqual([]);
		expect(wrapsFor(c, 'rio')).toEqual([]);
	});

	it('lets a responsible party reach a survivor with a check-in only through a facilitator', () => {
		const c = ctx('check-in', 'rio');
		expect(wrapsFor(c, 'rio')).toEqual(['ana', 'ben', 'rio']);
		expect(wrapsFor(c, 'ana')).toEqual(['ana', 'ben', 'sam', 'rio']);
		expect(wrapsFor(ctx('check-in', 'ana'), 'ana')).toEqual(['ana', 'ben', 'sam']);
	});

	it('lets any facilitator add readers where the table says so, and nobody else', () => {
		expect(wrapsFor(ctx('case-summary', 'ana'), 'ben')).toEqual(['ana', 'ben']);
		expect(wrapsFor(ctx('case-summary', 'ana'), 'sam')).toEqual([]);
		expect(wrapsFor(ctx('conversation', 'kit', 'kit'), 'kit')).toEqual(['ana', 'ben', 'kit']);
		expect(wrapsFor(ctx('conversation', 'kit', 'kit'), 'ben')).toEqual(['ana', 'ben', 'kit']);
		expect(wrapsFor(ctx('relay', 'sam', 'rio'), 'sam')).toEqual(['ana', 'ben', 'sam', 'rio']);
		expect(wrapsFor(ctx('relay', 'sam', 'rio'), 'ana')).toEqual(['ana', 'ben', 'sam', 'rio']);
		expect(wrapsFor(ctx('relay', 'sam', 'rio'), 'rio')).toEqual([]);
		expect(wrapsFor(ctx('meeting', 'ana'), 'sam')).toEqual([]);
		expect(wrapsFor(ctx('agreement', 'ana'), 'rio')).toEqual([]);
	});

	it('keeps personal kinds to the person, with no log', () => {
		const c = ctx('notebook', 'sam');
		expect(kindScope('notebook')).toBe('personal');
		expect(mayRead(null, c, 'sam')).toBe(true);
		expect(mayWrap(null, c, 'sam', 'sam')).toBe(true);
		expect(mayWrap(null, c, 'ana', 'sam')).toBe(false);
		expect(mayRead(null, c, 'ana')).toBe(false);
		// A personal kind judged against a case log is a mistake: refused.
		expect(mayRead(members, c, 'sam')).toBe(false);
		expect(mayRead(null, ctx('case-summary', 'ana'), 'ana')).toBe(false);
	});

	it('refuses unknown kinds, non-members and supporters of someone unknown', () => {
		expect(kindScope('future-kind')).toBeNull();
		expect(readers(ctx('future-kind', 'ana'))).toEqual([]);
		expect(mayRead(members, ctx('case-summary', 'ana'), 'mal')).toBe(false);
		expect(mayAuthor(members, ctx('case-summary', 'mal'))).toBe(false);
		const odd = listMembership([
			[
				member(cast.ana, 'facilitator'),
				member(cast.sam, 'survivor'),
				member(cast.kit, 'supporter', 'ghost')
			]
		]).membersAt();
		expect(mayRead(odd, ctx('input', 'sam'), 'kit')).toBe(false);
		// An input whose author left the case: facilitators only.
		expect(mayRead(odd, ctx('input', 'rio'), 'sam')).toBe(false);
		expect(mayRead(odd, ctx('input', 'rio'), 'ana')).toBe(true);
	});
});

describe('defaultReaders and allowedReaders', () => {
	const ids = (kind: string, author: string, subject: string | null = null) =>
		defaultReaders(kind, membership, author, subject).map((m) => m.userId);

	it('default to the facilitators, the author and whoever the kind is for', () => {
		expect(ids('input', 'sam')).toEqual(['ana', 'ben', 'sam']);
		expect(ids('case-summary', 'ana')).toEqual(['ana', 'ben']);
		expect(ids('interim-summary', 'ana')).toEqual(['ana', 'ben', 'sam']);
		expect(ids('interim-comment', 'sam')).toEqual(['ana', 'ben', 'sam']);
		expect(ids('conversation', 'ana', 'kit')).toEqual(['ana', 'ben', 'kit']);
		expect(ids('relay', 'sam', 'rio')).toEqual(['ana', 'ben', 'sam', 'rio']);
		expect(ids('meeting', 'ana')).toEqual(['ana', 'ben']);
		// Supporters are added by a party's choice, never by default.
		expect(ids('agreement', 'ana')).toEqual(['ana', 'ben', 'sam', 'rio']);
		expect(ids('check-in', 'rio')).toEqual(['ana', 'ben', 'rio']);
	});

	it('offer every reader the author may choose', () => {
		const ids = allowedReaders('input', membership, 'sam').map((m) => m.userId);
		expect(ids).toEqual(['ana', 'ben', 'sam', 'kit', 'cam']);
		expect(allowedReaders('input', membership, 'ana')).toEqual([]);
	});
});
