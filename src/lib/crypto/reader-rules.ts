import type { Member, Membership } from './members';

/**
 * DESIGN §4's reader table as code. Every browser applies the same rules to the validated log,
 * so a wrap the rules do not allow is refused by its reader, whatever the server stored.
 * Case kinds are judged against the members as of a log seq; personal kinds have no log.
 */
export const CASE_KINDS = [
	'case-summary',
	'facilitator-notes',
	'invite-secret',
	'input',
	'interim-summary',
	'interim-comment',
	'conversation',
	'relay',
	'meeting',
	'agreement',
	'check-in'
] as const;
export const PERSONAL_KINDS = ['personal-state', 'notebook', 'draft'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];
export type PersonalKind = (typeof PERSONAL_KINDS)[number];
export type EnvelopeKind = CaseKind | PersonalKind;

/** What the rules need from a header (an `EnvelopeHeader` is one). */
export type RuleContext = { kind: string; author: { userId: string }; subject: string | null };
export type Members = ReadonlyMap<string, Member>;

type Check = (m: Member, ctx: RuleContext, members: Members) => boolean;
type Rule = {
	/** May write a version of this kind (judged at the header's log seq). */
	author: Check;
	/** May ever read it. */
	reader: Check;
	/** Readers the author may wrap for themselves; default: every allowed reader. */
	authorWrapsFor?: Check;
	/** Any facilitator may add readers later; otherwise only the author. */
	facilitatorsAdd: boolean;
	/** The header names the participant the object is about (`subject`). */
	subject: boolean;
};

const facilitator: Check = (m) => m.role === 'facilitator';
const survivorSide: Check = (m) => m.role === 'facilitator' || m.role === 'survivor';
const facilitatorsOnly: Rule = {
	author: facilitator,
	reader: facilitator,
	facilitatorsAdd: true,
	subject: false
};

type Side = 'survivor' | 'responsible';

/** A party's side; a supporter takes the side of the party they support, if that is known. */
function sideOf(m: Member | undefined, members: Members): Side | null {
	if (!m) return null;
	if (m.role === 'survivor' || m.role === 'responsible') return m.role;
	if (m.role !== 'supporter' || !m.supports) return null;
	const party = members.get(m.supports);
	return party?.role === 'survivor' || party?.role === 'responsible' ? party.role : null;
}

/** A party's own input: never to the other side (the other party or anyone supporting them). */
const inputReader: Check = (m, ctx, members) => {
	if (m.userId === ctx.author.userId || m.role === 'facilitator') return true;
	const mine = sideOf(members.get(ctx.author.userId), members);
	if (!mine) return false;
	const theirs = sideOf(m, members);
	// A supporter of someone we cannot place is refused rather than guessed about.
	if (m.role === 'supporter') return theirs === mine;
	return theirs === null || theirs === mine;
};

const RULES: Record<CaseKind, Rule> = {
	'case-summary': facilitatorsOnly,
	'facilitator-notes': facilitatorsOnly,
	'invite-secret': facilitatorsOnly,
	input: {
		author: (m) => m.role === 'survivor' || m.role === 'responsible',
		reader: inputReader,
		facilitatorsAdd: false,
		subject: false
	},
	'interim-summary': {
		author: facilitator,
		reader: survivorSide,
		facilitatorsAdd: true,
		subject: false
	},
	'interim-comment': {
		author: (m) => m.role === 'survivor',
		reader: survivorSide,
		facilitatorsAdd: true,
		subject: false
	},
	conversation: {
		// The participant it is with, or a facilitator; never a conversation "with" a facilitator.
		author: (m, ctx, members) => {
			const party = members.get(ctx.subject ?? '');
			if (!party || party.role === 'facilitator') return false;
			return m.role === 'facilitator' || m.userId === party.userId;
		},
		reader: (m, ctx) => m.role === 'facilitator' || m.userId === ctx.subject,
		facilitatorsAdd: true,
		subject: true
	},
	// A participant's own words passed on to someone else in the case (`subject`), sealed by the
	// author's browser when they approve it: nobody else can make one in their name, and the
	// facilitators see everything that crosses between people.
	relay: {
		author: (m, ctx, members) => {
			const to = members.get(ctx.subject ?? '');
			return m.role !== 'facilitator' && !!to && to.userId !== m.userId;
		},
		reader: (m, ctx) =>
			m.role === 'facilitator' || m.userId === ctx.author.userId || m.userId === ctx.subject,
		facilitatorsAdd: true,
		subject: true
	},
	// Invitees are whoever the facilitators wrap for; any current member may be invited.
	meeting: { author: facilitator, reader: () => true, facilitatorsAdd: true, subject: false },
	agreement: {
		author: facilitator,
		reader: (m, _ctx, members) => m.role === 'facilitator' || sideOf(m, members) !== null,
		facilitatorsAdd: true,
		subject: false
	},
	'check-in': {
		author: (m) => m.role === 'responsible' || m.role === 'facilitator',
		reader: (m, ctx) =>
			m.role === 'facilitator' || m.role === 'survivor' || m.userId === ctx.author.userId,
		// Survivors get check-ins only as their follow-up choice says, which facilitators carry
		// out: a responsible party can never reach a survivor directly through one.
		authorWrapsFor: (m, ctx, members) =>
			m.role === 'facilitator' ||
			m.userId === ctx.author.userId ||
			members.get(ctx.author.userId)?.role === 'facilitator',
		facilitatorsAdd: true,
		subject: false
	}
};

export function kindScope(kind: string): 'case' | 'personal' | null {
	if ((CASE_KINDS as readonly string[]).includes(kind)) return 'case';
	if ((PERSONAL_KINDS as readonly string[]).includes(kind)) return 'personal';
	return null;
}

export function needsSubject(kind: string): boolean {
	return kindScope(kind) === 'case' && RULES[kind as CaseKind].subject;
}

/** Kinds whose versions all come from one person: nobody else edits their words. */
export function singleAuthor(kind: string): boolean {
	return SINGLE_AUTHOR.includes(kind) || kindScope(kind) === 'personal';
}
const SINGLE_AUTHOR = ['input', 'interim-comment', 'check-in', 'relay'];

function caseRule(kind: string, members: Members | null): Rule | null {
	return members && kindScope(kind) === 'case' ? RULES[kind as CaseKind] : null;
}

/** Personal kinds: `members` is null and the person alone authors, wraps and reads. */
export function mayAuthor(members: Members | null, ctx: RuleContext): boolean {
	if (kindScope(ctx.kind) === 'personal') return members === null;
	const rule = caseRule(ctx.kind, members);
	const author = members?.get(ctx.author.userId);
	return !!rule && !!author && rule.author(author, ctx, members!);
}

export function mayRead(members: Members | null, ctx: RuleContext, readerId: string): boolean {
	if (kindScope(ctx.kind) === 'personal') return members === null && readerId === ctx.author.userId;
	const rule = caseRule(ctx.kind, members);
	const reader = members?.get(readerId);
	return !!rule && !!reader && rule.reader(reader, ctx, members!);
}

/**
 * May `wrapperId` give `readerId` the content key? The author may wrap for any allowed reader
 * (if they may write this kind at all); others only where any facilitator may add readers.
 */
export function mayWrap(
	members: Members | null,
	ctx: RuleContext,
	wrapperId: string,
	readerId: string
): boolean {
	if (!mayRead(members, ctx, readerId)) return false;
	if (kindScope(ctx.kind) === 'personal') return wrapperId === ctx.author.userId;
	const rule = caseRule(ctx.kind, members)!;
	const wrapper = members!.get(wrapperId);
	const reader = members!.get(readerId)!;
	if (!wrapper) return false;
	if (wrapperId === ctx.author.userId && mayAuthor(members, ctx)) {
		if (!rule.authorWrapsFor || rule.authorWrapsFor(reader, ctx, members!)) return true;
	}
	return rule.facilitatorsAdd && wrapper.role === 'facilitator';
}

/** Everyone at the log head the author may wrap this kind for: the choices a UI can offer. */
export function allowedReaders(
	kind: string,
	membership: Membership,
	authorId: string,
	subject: string | null = null
): Member[] {
	const members = membership.membersAt();
	const ctx = { kind, author: { userId: authorId }, subject };
	return [...members.values()].filter((m) => mayWrap(members, ctx, authorId, m.userId));
}

/** Who, beyond the facilitators and the author, a new object is for unless chosen otherwise. */
const DEFAULT_FOR: Partial<Record<string, (m: Member, subject: string | null) => boolean>> = {
	'interim-summary': (m) => m.role === 'survivor',
	agreement: (m) => m.role === 'survivor' || m.role === 'responsible',
	conversation: (m, subject) => m.userId === subject,
	relay: (m, subject) => m.userId === subject
};

/**
 * The readers a case object gets unless the author chooses otherwise. Supporters, meeting
 * invitees and check-in news for a survivor are added by choice, never by default; an input
 * reaches anyone beyond the facilitators only by its author's choice.
 */
export function defaultReaders(
	kind: string,
	membership: Membership,
	authorId: string,
	subject: string | null = null
): Member[] {
	const extra = DEFAULT_FOR[kind];
	return allowedReaders(kind, membership, authorId, subject).filter(
		(m) => m.role === 'facilitator' || m.userId === authorId || !!extra?.(m, subject)
	);
}
