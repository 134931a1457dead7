import { b64, bytes32, logEntry, PEOPLE, type Person, type Seed, type SeedPerson } from './seed';
import { utcToWallTime } from '../../src/lib/time-zones';

/**
 * The routes of the authorization matrix (tests/authorization.e2e.ts): every role against every
 * case resource and action, the way a browser or a script would send it (pages, SvelteKit's
 * `__data.json`, form actions plain and enhanced, JSON endpoints), each with a body that
 * succeeds for whoever is allowed. The fuzzer (tests/fuzz.e2e.ts) starts from the same bodies.
 * To cover a new route, append to ROWS: `page()` adds the page's `__data.json`, `action()`
 * posts a form action both ways, `api()` is one endpoint and method.
 */

export type Role = Person | 'signedOut';
export const ROLES: readonly Role[] = [...PEOPLE, 'signedOut'];

export const FACILITATORS = ['lead', 'coFacilitator'] as const;
export const PARTICIPANTS = ['survivor', 'responsible', 'supporter', 'community'] as const;
/** Case 1's present members ("withdrawn" left it). */
export const MEMBERS = [...FACILITATORS, ...PARTICIPANTS] as const;
/** Who may open the agreement (a supporter sees it only if their party lets them). */
export const AGREEMENT_MEMBERS = [...FACILITATORS, 'survivor', 'responsible', 'supporter'] as const;
/** Accounts with an organization role. */
export const ORG = ['admin', 'lead', 'coFacilitator', 'otherFacilitator'] as const;
export const SIGNED_IN = PEOPLE;

export type Scope = 'case' | 'other-case' | 'link' | 'app';
export type Path = (s: Seed) => string;
/** JSON for `api`, form fields for `action`. `me` is the one asking (signed out: the lead). */
export type Body = (s: Seed, me: SeedPerson) => unknown;

export type Row = {
	name: string;
	method: 'GET' | 'POST' | 'PUT' | 'DELETE';
	path: Path;
	body?: Body;
	kind: 'page' | 'data' | 'action' | 'api';
	/** Actions only: sent as `use:enhance` sends it (a 200 whose JSON carries the outcome). */
	enhanced?: boolean;
	/**
	 * case: a case-1 resource, so anyone outside case 1 gets exactly 404 (as for a case that
	 * does not exist); other-case: the same for case 2; link: authorized by an invite token,
	 * not by membership; app: not tied to one case.
	 */
	scope: Scope;
	allowed: readonly Role[];
	mutates: boolean;
	/** Refusal statuses besides 401/403/404 this row answers with (e.g. 409 already a member). */
	alsoRefused?: readonly number[];
	/** Where the app disagrees with DESIGN: what it allows now; the difference runs as test.fail. */
	bug?: { note: string; allowedNow: readonly Role[] };
	/**
	 * Actions only: who may see the page a plain post answers with. SvelteKit renders it around
	 * a refusal too, so what it shows them is no leak.
	 */
	pageFor?: readonly Role[];
	/**
	 * Answered with a case's meetings or agreement page: opening it marks the asker's own
	 * meeting or agreement news seen.
	 */
	marksNewsSeen?: boolean;
	/** Link rows only: account names the link's page shows whoever holds it, by design. */
	linkShows?: readonly Person[];
	/** The asker's own record ("what is kept about me"): it names cases they have left. */
	ownRecord?: boolean;
};
export type Rule = Pick<
	Row,
	| 'scope'
	| 'allowed'
	| 'alsoRefused'
	| 'bug'
	| 'pageFor'
	| 'marksNewsSeen'
	| 'linkShows'
	| 'ownRecord'
> & {
	mutates?: boolean;
};

/** A page and its `__data.json` (the same load answers both). */
export function page(name: string, path: Path, rule: Rule): Row[] {
	const row = { method: 'GET', mutates: false, ...rule } as const;
	return [
		{ ...row, name, path, kind: 'page' },
		{ ...row, name: `${name} (__data.json)`, path: (s) => `${path(s)}/__data.json`, kind: 'data' }
	];
}

/** A named form action, posted plain and as `use:enhance` posts it. */
export function action(name: string, path: Path, fields: Body, rule: Rule): Row[] {
	const row = {
		method: 'POST',
		path,
		body: fields,
		kind: 'action',
		mutates: true,
		...rule
	} as const;
	return [
		{ ...row, name: `${name} (form post)` },
		{ ...row, name: `${name} (enhanced)`, enhanced: true }
	];
}

export function api(
	method: Row['method'],
	name: string,
	path: Path,
	rule: Rule & { body?: Body }
): Row {
	return { method, name, path, kind: 'api', mutates: method !== 'GET', ...rule };
}

export const c1 = (s: Seed) => s.case1.id;
export const c2 = (s: Seed) => s.case2.id;
export const envelopes = (s: Seed, caseId = c1(s)) => `/api/cases/${caseId}/envelopes`;

/** A case envelope as a browser PUTs it (validation/cases.ts), wrapped for its author. */
export function sealed(
	me: SeedPerson,
	kind: string,
	objectId: string,
	version: number,
	more: { deleted?: boolean; readers?: string[]; subject?: string; attachment?: string } = {}
) {
	const readers = new Set([me.id, ...(more.readers ?? [])]);
	return {
		v: 1,
		kind,
		objectId,
		version,
		subject: more.subject ?? null,
		deleted: more.deleted ?? false,
		header: b64(320),
		// A tombstone's body is an empty secretbox.
		body: more.deleted ? b64(22) : b64(180),
		wraps: [...readers].map((reader) => ({ reader, wrapper: me.id, box: b64(150) })),
		attachment: more.attachment ?? null
	};
}
export const moreWraps = (me: SeedPerson, reader: string) => ({
	version: 1,
	wraps: [{ reader, wrapper: me.id, box: b64(150) }]
});
export const joining = (_s: Seed, me: SeedPerson) => ({
	fp: me.fp,
	tag: bytes32(),
	displayName: 'New'
});
export const ALL_KINDS =
	'case-summary,facilitator-notes,invite-secret,input,interim-summary,interim-comment,conversation,relay';
export const files = (s: Seed, caseId = c1(s)) => `/api/cases/${caseId}/attachments`;
export const relays = (s: Seed, caseId = c1(s)) => `/api/cases/${caseId}/relays`;
export const conversation = (s: Seed, person: Person, caseId = c1(s)) =>
	`/cases/${caseId}/messages/${s.people[person].id}`;
/** A message in `person`'s conversation, or (kind relay) words passed on to them. */
export const toward = (
	s: Seed,
	me: SeedPerson,
	kind: 'conversation' | 'relay',
	person: Person,
	attachment?: string
) => {
	const subject = s.people[person].id;
	return sealed(me, kind, s.fresh.objectId, 1, { subject, readers: [subject], attachment });
};
/** A sealed chunk as a browser PUTs it: raw bytes of exactly this length. */
export const chunkOf = (length: number) => new Blob([b64(length)]);
export const decide = (decision: 'decline' | 'withdraw') => () => ({ decision });
export const meetingsOf = (s: Seed, caseId = c1(s)) => `/api/cases/${caseId}/meetings`;
export const pollsOf = (s: Seed, caseId = c1(s)) => `/api/cases/${caseId}/polls`;
export type MeetingName = 'preparation' | 'readiness' | 'cancelled';
export const meeting = (s: Seed, name: MeetingName, caseId = c1(s)) =>
	`${meetingsOf(s, caseId)}/${s.meetings[name].id}`;
export const poll = (s: Seed, name: 'open' | 'closed', caseId = c1(s)) =>
	`${pollsOf(s, caseId)}/${s.polls[name].id}`;
/** An hour from `days` after the seed's now, in the seed's zone. */
export const hourIn = (s: Seed, days: number) => {
	const startsAt = s.now + days * 86_400_000;
	return { startsAt, endsAt: startsAt + 3_600_000, timeZone: s.meetings.zone };
};
export const invited = (...people: SeedPerson[]) =>
	people.map((p) => ({ userId: p.id, arriveAfterMin: 0, leaveBeforeMin: 0 }));
/** A preparation meeting of `me` and the survivor, as a facilitator's browser schedules it. */
export const newMeeting = (s: Seed, me: SeedPerson) => ({
	id: s.fresh.meetingId,
	kind: 'preparation',
	...hourIn(s, 4),
	invitees: invited(me, s.people.survivor)
});
export const newPoll = (s: Seed, me: SeedPerson) => ({
	id: s.fresh.pollId,
	kind: 'preparation',
	durationMin: 60,
	timeZone: s.meetings.zone,
	slots: [8, 9].map((days) => hourIn(s, days).startsAt),
	invitees: [me.id, s.people.survivor.id]
});
/** A retention policy within its bounds, shorter than the defaults. */
export const retention = () => ({
	closedCaseDays: '20',
	inviteDays: '5',
	orphanDays: '10',
	auditDays: '90'
});
export const rsvp = () => ({ action: 'answer', rsvp: 'attending' });
export const move = (s: Seed) => ({ action: 'move', ...hourIn(s, 5) });
export const cancel = () => ({ action: 'cancel' });
export const pollAnswers = () => ({
	action: 'answer',
	answers: [
		{ idx: 0, answer: 'if_need_be' },
		{ idx: 1, answer: 'yes' }
	]
});
export const pick = (s: Seed) => ({
	action: 'pick',
	idx: 0,
	meetingId: s.fresh.meetingId,
	stagger: []
});
export const close = () => ({ action: 'close' });

// The same through the meetings page's forms: wall-clock times in a zone, ids in fields.
export const meetingsPage = (s: Seed, caseId = c1(s)) => `/cases/${caseId}/meetings`;
export type Fields = Record<string, string | readonly string[]>;
/** Fields as a browser posts them: a list repeats its name (`invitee`, `slotDate`). */
export const formOf = (fields: Fields) =>
	Object.entries(fields).flatMap(([name, value]) =>
		(typeof value === 'string' ? [value] : value).map((one) => [name, one])
	);
/**
 * A form action of case 1's meetings page (case 2's for an other-case row). A plain post
 * answers with the page, around a refusal too: a member is shown what they may see of it.
 */
export function meetingForm(
	named: string,
	name: string,
	fields: (s: Seed, me: SeedPerson) => Fields,
	rule: Rule
): Row[] {
	const other = rule.scope === 'other-case';
	return action(
		`${name} (meetings page)`,
		(s) => `${meetingsPage(s, other ? c2(s) : c1(s))}?/${named}`,
		(s, me) => formOf(fields(s, me)),
		{ pageFor: other ? ['otherFacilitator'] : MEMBERS, marksNewsSeen: true, ...rule }
	);
}
/** 10:00 to 11:00 on the day `days` after the seed's now (before it, if negative), in its zone. */
export const tenToEleven = (s: Seed, days: number) => ({
	date: utcToWallTime(s.now + days * 86_400_000, s.meetings.zone).date,
	start: '10:00',
	end: '11:00',
	timeZone: s.meetings.zone
});
/** A preparation meeting of `me` and the survivor (with someone else, if `also`). */
export const scheduleForm = (days: number, also?: Person) => (s: Seed, me: SeedPerson) => ({
	kind: 'preparation',
	...tenToEleven(s, days),
	invitee: [me.id, s.people[also ?? 'survivor'].id]
});
export const proposeForm = (duration: string) => (s: Seed, me: SeedPerson) => ({
	kind: 'preparation',
	duration,
	timeZone: s.meetings.zone,
	slotDate: [8, 9].map((days) => tenToEleven(s, days).date),
	slotTime: ['10:00', '10:00'],
	invitee: [me.id, s.people.survivor.id]
});
export type More = Fields | ((s: Seed) => Fields);
export const fieldsFor = (s: Seed, fields: More) =>
	typeof fields === 'function' ? fields(s) : fields;
/** A form about one of the seed's meetings or polls, with the fields it takes besides. */
export const meetingField =
	(name: MeetingName, fields: More = {}) =>
	(s: Seed) => ({
		meetingId: s.meetings[name].id,
		...fieldsFor(s, fields)
	});
export const pollField =
	(name: 'open' | 'closed', fields: More = {}) =>
	(s: Seed) => ({
		pollId: s.polls[name].id,
		...fieldsFor(s, fields)
	});
export const slotAnswers = { slot0: 'if_need_be', slot1: 'yes' };

// The accountability agreement (DESIGN §5): its words are sealed and signed in browsers and go
// through the agreement API with their structure; what carries no content is a plain form.
export const agreementApi = (s: Seed, caseId = c1(s)) => `/api/cases/${caseId}/agreement`;
export const agreementPage = (s: Seed, caseId = c1(s)) => `/cases/${caseId}/agreement`;
export const checkInOf = (s: Seed, which: 'kept' | 'passedOn', caseId = c1(s)) =>
	`${agreementApi(s, caseId)}/check-ins/${s.agreement.checkIns[which]}`;
export const amendment = (s: Seed) => s.agreement.versions.at(-1)!;
export type Draft = {
	readers?: readonly Person[];
	/** Who must sign (the rules say: the responsible party alone, she chose a note). */
	signers?: readonly ('survivor' | 'responsible')[];
	owner?: Person;
	/** A first version of an agreement with this id, not the next of the seed's. */
	first?: string;
};
/** The next version as a facilitator's browser drafts it (sealed for both parties). */
export const draft =
	(d: Draft = {}) =>
	(s: Seed, me: SeedPerson) => {
		const id = d.first ?? s.agreement.id;
		const version = d.first ? 1 : amendment(s).version + 1;
		const owner = d.owner ? s.people[d.owner].id : null;
		return {
			agreementId: id,
			version,
			digest: bytes32(),
			prevDigest: d.first ? null : amendment(s).digest,
			logHead: { seq: 5, hash: bytes32() },
			items: amendment(s).items.map((i) => ({ ...i, ownerId: owner ?? i.ownerId, repeat: null })),
			signers: (d.signers ?? ['responsible']).map((role) => ({
				userId: s.people[role].id,
				role,
				fp: s.people[role].fp
			})),
			text: sealed(me, 'agreement', id, version, {
				readers: (d.readers ?? ['survivor', 'responsible']).map((p) => s.people[p].id)
			})
		};
	};
export const signed = (version: (s: Seed) => number) => (s: Seed) => ({
	method: 'signature',
	version: version(s),
	decision: 'approve',
	signature: b64(86)
});
/** A check-in on one of the seed's items, sealed for the facilitators (and `readers`). */
export const checkIn =
	(item: 'apology' | 'education', readers: Person[] = [], objectId?: (s: Seed) => string) =>
	(s: Seed, me: SeedPerson) => {
		const id = objectId?.(s) ?? s.fresh.objectId;
		const to = [...FACILITATORS, ...readers].map((p) => s.people[p].id);
		return {
			itemId: s.agreement.items[item].itemId,
			envelope: sealed(me, 'check-in', id, 1, { readers: to })
		};
	};
/**
 * A form action of case 1's agreement page (case 2's for an other-case row). A plain post
 * answers with the page, around a refusal too: whoever may open it is shown their own view.
 */
export function agreementForm(
	named: string,
	name: string,
	fields: (s: Seed) => Fields,
	rule: Rule
): Row[] {
	const other = rule.scope === 'other-case';
	return action(
		`${name} (agreement page)`,
		(s) => `${agreementPage(s, other ? c2(s) : c1(s))}?/${named}`,
		(s) => formOf(fields(s)),
		{ pageFor: other ? ['otherFacilitator'] : AGREEMENT_MEMBERS, marksNewsSeen: true, ...rule }
	);
}
/** The survivor's answer on every item of a version: `item-<id>` fields. */
export const answers = (version: (s: Seed) => number) => (s: Seed) => {
	const v = s.agreement.versions.find((x) => x.version === version(s))!;
	return {
		version: String(v.version),
		...Object.fromEntries(v.items.map((i) => [`item-${i.itemId}`, 'approve']))
	};
};

export const ROWS: Row[] = [
	...page('cases list', () => '/cases', { scope: 'app', allowed: SIGNED_IN }),
	...page('follow-up of agreements', () => '/cases/follow-up', { scope: 'app', allowed: ORG }),
	...page('open-a-case page', () => '/cases/new', { scope: 'app', allowed: ORG }),
	...page('case page', (s) => `/cases/${c1(s)}`, { scope: 'case', allowed: MEMBERS }),

	// The case page's form actions.
	...action(
		'stage',
		(s) => `/cases/${c1(s)}?/stage`,
		() => ({ stage: 'circle' }),
		{ scope: 'case', allowed: FACILITATORS }
	),
	...action(
		'hand over the lead',
		(s) => `/cases/${c1(s)}?/lead`,
		(s) => ({ id: s.people.coFacilitator.id }),
		{ scope: 'case', allowed: ['lead'] }
	),
	...action(
		'safety signal',
		(s) => `/cases/${c1(s)}?/signal`,
		() => ({ kind: 'talk' }),
		{ scope: 'case', allowed: PARTICIPANTS }
	),
	...action(
		'pause my part',
		(s) => `/cases/${c1(s)}?/participation`,
		() => ({ to: 'paused' }),
		{ scope: 'case', allowed: PARTICIPANTS }
	),
	...action(
		'mark a notice seen',
		(s) => `/cases/${c1(s)}?/seen`,
		(s) => ({ id: String(s.noticeId) }),
		{ scope: 'case', allowed: FACILITATORS }
	),
	...action(
		'withdraw an invite',
		(s) => `/cases/${c1(s)}?/withdrawInvite`,
		(s) => ({ id: s.invite.id }),
		{ scope: 'case', allowed: FACILITATORS }
	),

	// A party's input and choices, the interim summary, the survivor's preview. Every member
	// may open the input page (supporters and others read only what a party shared with them).
	...page('input page', (s) => `/cases/${c1(s)}/input`, { scope: 'case', allowed: MEMBERS }),
	...action(
		'choose how to take part',
		(s) => `/cases/${c1(s)}/input?/choices`,
		(s, me) =>
			me.id === s.people.survivor.id
				? { mode: 'relay', jointConsent: 'yes', modeShown: 'on' }
				: { jointConsent: 'yes' },
		{ scope: 'case', allowed: ['survivor', 'responsible'] }
	),
	...page('interim summary page', (s) => `/cases/${c1(s)}/summary`, {
		scope: 'case',
		allowed: [...FACILITATORS, 'survivor']
	}),
	...page("survivor's preview", (s) => `/cases/${c1(s)}/preview`, {
		scope: 'case',
		allowed: ['survivor']
	}),
	// Who did what in the case: its facilitators only; a participant gets the 404 of no case.
	...page('case audit page', (s) => `/cases/${c1(s)}/audit`, {
		scope: 'case',
		allowed: FACILITATORS
	}),
	// Marking something seen needs a wrap for that very version.
	api('POST', "mark the survivor's input seen", (s) => `/api/cases/${c1(s)}/seen`, {
		body: (s) => ({ objectId: s.objects.survivorInput.objectId, version: 1 }),
		scope: 'case',
		allowed: ['survivor', ...FACILITATORS, 'supporter']
	}),

	// Cases, their logs and invites.
	api('POST', 'open a case', () => '/api/cases', {
		body: (s, me) => ({
			caseId: s.fresh.caseId,
			entry: logEntry(0, 'create', me, 'facilitator', null, me, Date.now()),
			summary: sealed(me, 'case-summary', 'summary', 1)
		}),
		scope: 'app',
		allowed: ORG
	}),
	api('GET', 'case summaries', (s) => `/api/cases/summaries?ids=${c1(s)},${c2(s)}`, {
		scope: 'app',
		allowed: SIGNED_IN
	}),
	api('GET', 'case log', (s) => `/api/cases/${c1(s)}/log`, { scope: 'case', allowed: MEMBERS }),
	api('POST', 'sign a pending log entry', (s) => `/api/cases/${c1(s)}/log`, {
		body: (s, me) => ({
			pendingId: s.pendingAdd.id,
			entry: logEntry(s.pendingAdd.seq, 'add', s.people.community, 'community', null, me, 0)
		}),
		scope: 'case',
		allowed: FACILITATORS
	}),
	api('POST', 'make an invite', (s) => `/api/cases/${c1(s)}/invites`, {
		body: (s, me) => ({
			inviteId: s.fresh.inviteId,
			role: 'community',
			supports: null,
			secret: sealed(me, 'invite-secret', `inv-${s.fresh.inviteId}`, 1)
		}),
		scope: 'case',
		allowed: FACILITATORS
	}),
	api('DELETE', 'withdraw an invite (API)', (s) => `/api/cases/${c1(s)}/invites/${s.invite.id}`, {
		scope: 'case',
		allowed: FACILITATORS
	}),

	// Envelopes: members list what is wrapped for them; one version only to its readers.
	api('GET', 'envelopes of every kind', (s) => `${envelopes(s)}?kind=${ALL_KINDS}`, {
		scope: 'case',
		allowed: MEMBERS
	}),
	// At most eight kinds in one request: meeting details are asked for on their own.
	api('GET', 'envelopes of meeting details', (s) => `${envelopes(s)}?kind=meeting`, {
		scope: 'case',
		allowed: MEMBERS
	}),
	// Members without a wrap get an empty list, as for an object that does not exist.
	api('GET', 'versions of the summary', (s) => `${envelopes(s)}/summary`, {
		scope: 'case',
		allowed: MEMBERS
	}),
	...(
		[
			['summary', ['lead']],
			['notes', FACILITATORS],
			['inviteSecret', FACILITATORS],
			['survivorInput', ['survivor', 'lead', 'coFacilitator', 'supporter']],
			['responsibleInput', ['responsible', 'lead', 'coFacilitator']],
			['interimSummary', ['lead', 'coFacilitator', 'survivor']],
			['interimComment', ['survivor', 'lead']],
			['preparationDetails', ['lead', 'coFacilitator', 'survivor', 'supporter']],
			['agreementText', ['lead', 'coFacilitator', 'survivor', 'responsible']],
			['checkIn', ['responsible', 'lead', 'coFacilitator']],
			['passedOnCheckIn', ['responsible', 'lead', 'coFacilitator', 'survivor']]
		] as const
	).map(([object, allowed]) =>
		api(
			'GET',
			`${object} version 1`,
			(s) => `${envelopes(s)}/${s.objects[object].objectId}?version=1`,
			{
				scope: 'case',
				allowed
			}
		)
	),
	// The query means nothing to PUT: the version is the body's.
	...['', '?version=2'].map((query) =>
		api(
			'PUT',
			`next version of the facilitator notes${query}`,
			(s) => `${envelopes(s)}/notes${query}`,
			{
				body: (_s, me) => sealed(me, 'facilitator-notes', 'notes', 2),
				scope: 'case',
				allowed: FACILITATORS
			}
		)
	),
	...(
		[
			["next version of the survivor's input", 'survivorInput', 'input', false],
			["delete the survivor's input (tombstone)", 'survivorInput', 'input', true],
			["next version of the survivor's comment", 'interimComment', 'interim-comment', false]
		] as const
	).map(([name, object, kind, deleted]) =>
		api('PUT', name, (s) => `${envelopes(s)}/${s.objects[object].objectId}`, {
			body: (s, me) => sealed(me, kind, s.objects[object].objectId, 2, { deleted }),
			scope: 'case',
			allowed: ['survivor']
		})
	),
	api('PUT', 'a new input', (s) => `${envelopes(s)}/${s.fresh.objectId}`, {
		body: (s, me) => sealed(me, 'input', s.fresh.objectId, 1),
		scope: 'case',
		allowed: ['survivor', 'responsible']
	}),
	api('POST', 'wrap the summary for the co-facilitator', (s) => `${envelopes(s)}/summary/wraps`, {
		body: (s, me) => moreWraps(me, s.people.coFacilitator.id),
		scope: 'case',
		allowed: FACILITATORS
	}),
	api(
		'POST',
		"share the survivor's input with the community member",
		(s) => `${envelopes(s)}/${s.objects.survivorInput.objectId}/wraps`,
		{
			body: (s, me) => moreWraps(me, s.people.community.id),
			scope: 'case',
			allowed: ['survivor']
		}
	),
	api(
		'POST',
		"wrap the survivor's comment for the co-facilitator",
		(s) => `${envelopes(s)}/${s.objects.interimComment.objectId}/wraps`,
		{
			body: (s, me) => moreWraps(me, s.people.coFacilitator.id),
			scope: 'case',
			allowed: ['survivor', ...FACILITATORS]
		}
	),

	// Drafts are personal envelopes tied to a case: written only while in it.
	api('PUT', 'save a draft for the case', (s) => `/api/me/envelopes/${s.fresh.objectId}`, {
		body: (s) => ({
			v: 1,
			kind: 'draft',
			caseId: c1(s),
			objectId: s.fresh.objectId,
			version: 1,
			deleted: false,
			header: b64(200),
			body: b64(400),
			wrap: b64(150)
		}),
		scope: 'case',
		allowed: MEMBERS
	}),
	// Anyone signed in lists their own drafts; nobody else's ever come back.
	api('GET', 'my drafts for the case', (s) => `/api/me/envelopes?kind=draft&case=${c1(s)}`, {
		scope: 'app',
		allowed: SIGNED_IN
	}),

	// Conversations: a participant's own with the case's facilitators. Facilitators and people
	// who left have none; the case's messages page sends each member on to theirs.
	...page('my conversations', () => '/messages', { scope: 'app', allowed: SIGNED_IN }),
	...page('messages of the case', (s) => `/cases/${c1(s)}/messages`, {
		scope: 'case',
		allowed: MEMBERS
	}),
	...(
		[
			['survivor', ['survivor', ...FACILITATORS]],
			['responsible', ['responsible', ...FACILITATORS]],
			['lead', []],
			['withdrawn', []]
		] as const
	).flatMap(([person, allowed]) =>
		page(`the ${person}'s conversation`, (s) => conversation(s, person), {
			scope: 'case',
			allowed
		})
	),
	// Members without wraps get an empty list.
	...(['survivor', 'responsible'] as const).map((person) =>
		api(
			'GET',
			`messages in the ${person}'s conversation`,
			(s) => `${envelopes(s)}?kind=conversation,relay&subject=${s.people[person].id}`,
			{ scope: 'case', allowed: MEMBERS }
		)
	),
	api(
		'PUT',
		"a message in the survivor's conversation",
		(s) => `${envelopes(s)}/${s.fresh.objectId}`,
		{
			body: (s, me) => toward(s, me, 'conversation', 'survivor'),
			scope: 'case',
			allowed: ['survivor', ...FACILITATORS]
		}
	),
	// Only the uploader sends their upload, and only in a message they write.
	api(
		'PUT',
		"a message carrying the survivor's upload",
		(s) => `${envelopes(s)}/${s.fresh.objectId}`,
		{
			body: (s, me) => toward(s, me, 'conversation', 'survivor', s.upload.id),
			scope: 'case',
			allowed: ['survivor']
		}
	),
	api(
		'PUT',
		"take back the survivor's message and its file (tombstone)",
		(s) => `${envelopes(s)}/${s.objects.survivorMessage.objectId}`,
		{
			body: (s, me) =>
				sealed(me, 'conversation', s.objects.survivorMessage.objectId, 2, {
					subject: s.people.survivor.id,
					deleted: true
				}),
			scope: 'case',
			allowed: ['survivor']
		}
	),
	// A relay is made only by its author's approval (relays API), never put directly.
	api('PUT', 'a relay put as a plain envelope', (s) => `${envelopes(s)}/${s.fresh.objectId}`, {
		body: (s, me) => toward(s, me, 'relay', 'responsible'),
		scope: 'case',
		allowed: []
	}),
	// Marking several seen: all or none, each needing a wrap for that very version.
	...(
		[
			["the survivor's messages", 'relayProposal', ['survivor', ...FACILITATORS]],
			['messages of two conversations', 'responsibleMessage', FACILITATORS]
		] as const
	).map(([what, second, allowed]) =>
		api('POST', `mark ${what} seen`, (s) => `/api/cases/${c1(s)}/seen`, {
			body: (s) => ({
				objects: [s.objects.survivorMessage, s.objects[second]].map((e) => ({
					objectId: e.objectId,
					version: 1
				}))
			}),
			scope: 'case',
			allowed
		})
	),

	// Attached files: sealed chunks, uploaded by one person before the message naming them.
	api('POST', 'start an upload', (s) => files(s), {
		body: (s) => ({ id: s.fresh.uploadId, size: 1000, chunkSize: 16 * 1024 }),
		scope: 'case',
		allowed: MEMBERS
	}),
	api('GET', "the survivor's upload: what arrived", (s) => `${files(s)}/${s.upload.id}`, {
		scope: 'case',
		allowed: ['survivor']
	}),
	api('DELETE', "cancel the survivor's upload", (s) => `${files(s)}/${s.upload.id}`, {
		scope: 'case',
		allowed: ['survivor']
	}),
	api('PUT', "a chunk of the survivor's upload", (s) => `${files(s)}/${s.upload.id}/chunks/1`, {
		body: (s) => chunkOf(s.upload.chunks[1]!.length),
		scope: 'case',
		allowed: ['survivor']
	}),
	// Read only once attached, by whoever the message is wrapped for.
	api('GET', "a chunk of the survivor's upload", (s) => `${files(s)}/${s.upload.id}/chunks/0`, {
		scope: 'case',
		allowed: []
	}),
	api('GET', 'a chunk of the attached letter', (s) => `${files(s)}/${s.letter.id}/chunks/0`, {
		scope: 'case',
		allowed: ['survivor', ...FACILITATORS]
	}),
	// Attached, a file goes only with its message: its uploader meets 409 too.
	...(
		[
			['GET', 'the attached letter: what arrived', ''],
			['DELETE', 'cancel the attached letter', ''],
			['PUT', 'replace a chunk of the attached letter', '/chunks/0']
		] as const
	).map(([method, name, rest]) =>
		api(method, name, (s) => `${files(s)}/${s.letter.id}${rest}`, {
			body: method === 'PUT' ? (s) => chunkOf(s.letter.chunks[0]!.length) : undefined,
			scope: 'case',
			allowed: [],
			alsoRefused: [409]
		})
	),

	// Relays: facilitators propose passing a participant's words on; only the author answers.
	api('GET', 'relays', (s) => relays(s), { scope: 'case', allowed: MEMBERS }),
	api('POST', "propose relaying the survivor's words", (s) => relays(s), {
		body: (s, me) => ({
			id: s.fresh.relayId,
			from: s.people.survivor.id,
			to: s.people.responsible.id,
			proposal: toward(s, me, 'conversation', 'survivor')
		}),
		scope: 'case',
		allowed: FACILITATORS
	}),
	// Anyone else would be sharing with someone who does not support them: a 400.
	api('POST', "share with the survivor's supporter", (s) => relays(s), {
		body: (s, me) => ({
			id: s.fresh.relayId,
			to: s.people.supporter.id,
			relay: toward(s, me, 'relay', 'supporter')
		}),
		scope: 'case',
		allowed: ['survivor'],
		alsoRefused: [400]
	}),
	...(
		[
			[
				'approve',
				(s: Seed, me: SeedPerson) => ({
					decision: 'approve',
					relay: toward(s, me, 'relay', 'responsible')
				}),
				['survivor']
			],
			['decline', decide('decline'), ['survivor']],
			['withdraw', decide('withdraw'), FACILITATORS]
		] as const
	).map(([what, body, allowed]) =>
		api('POST', `${what} the proposed relay`, (s) => `${relays(s)}/${s.relay.id}`, {
			body,
			scope: 'case',
			allowed
		})
	),
	// Each proposal is answered once.
	...(['decline', 'withdraw'] as const).map((what) =>
		api('POST', `${what} the approved relay`, (s) => `${relays(s)}/${s.approvedRelay.id}`, {
			body: decide(what),
			scope: 'case',
			allowed: [],
			alsoRefused: [409]
		})
	),

	// Meetings (DESIGN §5): times, people and answers in the clear. Members see what they are
	// invited to (facilitators, all of it); facilitators plan; each invitee answers for themselves.
	api('GET', 'meetings and polls of the case', (s) => meetingsOf(s), {
		scope: 'case',
		allowed: MEMBERS
	}),
	api('GET', 'my meetings to come', () => '/api/meetings', { scope: 'app', allowed: SIGNED_IN }),
	// The one asking invites themselves and the survivor (a facilitator must be among them).
	api('POST', 'schedule a preparation meeting', (s) => meetingsOf(s), {
		body: (s, me) => newMeeting(s, me),
		scope: 'case',
		allowed: FACILITATORS
	}),
	...(
		[
			['move', move, FACILITATORS],
			['cancel', cancel, FACILITATORS],
			// Not invited, the co-facilitator has nothing to answer (404, as for no meeting).
			['answer', rsvp, ['lead', 'survivor', 'supporter']]
		] as const
	).map(([what, body, allowed]) =>
		api('POST', `${what} the preparation meeting`, (s) => meeting(s, 'preparation'), {
			body,
			scope: 'case',
			allowed
		})
	),
	api('POST', 'answer the readiness call', (s) => meeting(s, 'readiness'), {
		body: rsvp,
		scope: 'case',
		allowed: FACILITATORS
	}),
	// A cancelled meeting takes no more changes or answers: its facilitators and invitees meet 409.
	...(
		[
			['move', move],
			['answer', rsvp]
		] as const
	).map(([what, body]) =>
		api('POST', `${what} the cancelled meeting`, (s) => meeting(s, 'cancelled'), {
			body,
			scope: 'case',
			allowed: [],
			alsoRefused: [409]
		})
	),
	api('POST', 'open a poll', (s) => pollsOf(s), {
		body: (s, me) => newPoll(s, me),
		scope: 'case',
		allowed: FACILITATORS
	}),
	api('POST', 'answer the open poll', (s) => poll(s, 'open'), {
		body: pollAnswers,
		scope: 'case',
		allowed: ['lead', 'survivor', 'supporter']
	}),
	// Consent is asked only of a survivor, only about a meeting with both parties: a 400 to invitees.
	api('POST', 'consent in a poll without the other side', (s) => poll(s, 'open'), {
		body: () => ({ ...pollAnswers(), jointConsent: 'yes' }),
		scope: 'case',
		allowed: [],
		alsoRefused: [400]
	}),
	api('POST', 'pick a slot of the open poll', (s) => poll(s, 'open'), {
		body: pick,
		scope: 'case',
		allowed: FACILITATORS
	}),
	api('POST', 'close the open poll', (s) => poll(s, 'open'), {
		body: close,
		scope: 'case',
		allowed: FACILITATORS
	}),
	...(
		[
			['answer', pollAnswers],
			['pick a slot of', pick],
			['close', close]
		] as const
	).map(([what, body]) =>
		api('POST', `${what} the closed poll`, (s) => poll(s, 'closed'), {
			body,
			scope: 'case',
			allowed: [],
			alsoRefused: [409]
		})
	),
	// A meeting's place and agenda: sealed by facilitators for its invitees, nobody else.
	api(
		'PUT',
		'meeting details for its survivor',
		(s) => `${envelopes(s)}/${s.meetings.preparation.id}`,
		{
			body: (s, me) =>
				sealed(me, 'meeting', s.meetings.preparation.id, 2, { readers: [s.people.survivor.id] }),
			scope: 'case',
			allowed: FACILITATORS
		}
	),
	api(
		'PUT',
		'meeting details for the responsible party (not invited)',
		(s) => `${envelopes(s)}/${s.meetings.preparation.id}`,
		{
			body: (s, me) =>
				sealed(me, 'meeting', s.meetings.preparation.id, 2, {
					readers: [s.people.responsible.id]
				}),
			scope: 'case',
			allowed: []
		}
	),
	...(
		[
			['take back the meeting details (tombstone)', [], FACILITATORS],
			['a tombstone of the meeting details for the responsible party', ['responsible'], []]
		] as const
	).map(([name, readers, allowed]) =>
		api('PUT', name, (s) => `${envelopes(s)}/${s.meetings.preparation.id}`, {
			body: (s, me) =>
				sealed(me, 'meeting', s.meetings.preparation.id, 2, {
					deleted: true,
					readers: readers.map((p) => s.people[p].id)
				}),
			scope: 'case',
			allowed
		})
	),
	api(
		'POST',
		'wrap the meeting details for the responsible party (not invited)',
		(s) => `${envelopes(s)}/${s.meetings.preparation.id}/wraps`,
		{
			body: (s, me) => moreWraps(me, s.people.responsible.id),
			scope: 'case',
			allowed: []
		}
	),

	// The meetings pages. A case's: its members, each shown what the API above shows them.
	// Everyone's own across their cases; the home page tells of news and polls to answer.
	...page('meetings page of the case', (s) => meetingsPage(s), {
		scope: 'case',
		allowed: MEMBERS,
		marksNewsSeen: true
	}),
	...page('my meetings page', () => '/meetings', { scope: 'app', allowed: SIGNED_IN }),
	...page('home page', () => '/home', { scope: 'app', allowed: SIGNED_IN }),
	...meetingForm('schedule', 'schedule a preparation meeting', scheduleForm(4), {
		scope: 'case',
		allowed: FACILITATORS
	}),
	// Fields that read but break a rule: a 400 to facilitators, after they are let in.
	...meetingForm('schedule', 'schedule a meeting yesterday', scheduleForm(-1), {
		scope: 'case',
		allowed: [],
		alsoRefused: [400]
	}),
	...meetingForm(
		'schedule',
		'schedule a meeting with the case-2 facilitator',
		scheduleForm(4, 'otherFacilitator'),
		{ scope: 'case', allowed: [], alsoRefused: [400] }
	),
	...meetingForm('propose', 'propose times', proposeForm('60'), {
		scope: 'case',
		allowed: FACILITATORS
	}),
	...meetingForm('propose', 'propose times for a minute', proposeForm('1'), {
		scope: 'case',
		allowed: [],
		alsoRefused: [400]
	}),
	...meetingForm('answerPoll', 'answer the open poll', pollField('open', slotAnswers), {
		scope: 'case',
		allowed: ['lead', 'survivor', 'supporter']
	}),
	...(
		[
			['consent in a poll without the other side', { ...slotAnswers, jointConsent: 'yes' }],
			['answer a time the open poll has not', { slot7: 'yes' }]
		] as const
	).flatMap(([name, fields]) =>
		meetingForm('answerPoll', name, pollField('open', fields), {
			scope: 'case',
			allowed: [],
			alsoRefused: [400]
		})
	),
	...meetingForm('pick', 'pick a slot of the open poll', pollField('open', { idx: '0' }), {
		scope: 'case',
		allowed: FACILITATORS
	}),
	// Staggered times only for the poll's own invitees.
	...meetingForm(
		'pick',
		'pick a slot, staggering the responsible party (not asked)',
		pollField('open', (s) => ({ idx: '0', [`arrive-${s.people.responsible.id}`]: '10' })),
		{ scope: 'case', allowed: [], alsoRefused: [400] }
	),
	...meetingForm('closePoll', 'close the open poll', pollField('open'), {
		scope: 'case',
		allowed: FACILITATORS
	}),
	// A closed poll takes nothing more: its facilitators and invitees meet 409.
	...(
		[
			['answerPoll', 'answer the closed poll', slotAnswers],
			['pick', 'pick a slot of the closed poll', { idx: '0' }],
			['closePoll', 'close the closed poll', {}]
		] as const
	).flatMap(([named, name, fields]) =>
		meetingForm(named, name, pollField('closed', fields), {
			scope: 'case',
			allowed: [],
			alsoRefused: [409]
		})
	),
	...(
		[
			['move', (s: Seed) => tenToEleven(s, 5), FACILITATORS],
			['cancel', {}, FACILITATORS],
			['rsvp', { rsvp: 'attending' }, ['lead', 'survivor', 'supporter']]
		] as const
	).flatMap(([named, fields, allowed]) =>
		meetingForm(named, `${named} the preparation meeting`, meetingField('preparation', fields), {
			scope: 'case',
			allowed
		})
	),
	...meetingForm(
		'rsvp',
		'rsvp to the readiness call',
		meetingField('readiness', { rsvp: 'attending' }),
		{ scope: 'case', allowed: FACILITATORS }
	),
	// A cancelled meeting: 409 to its facilitators and invitees, 404 to anyone else in the case.
	...(
		[
			['move', (s: Seed) => tenToEleven(s, 5)],
			['cancel', {}],
			['rsvp', { rsvp: 'attending' }]
		] as const
	).flatMap(([named, fields]) =>
		meetingForm(named, `${named} the cancelled meeting`, meetingField('cancelled', fields), {
			scope: 'case',
			allowed: [],
			alsoRefused: [409]
		})
	),

	// The accountability agreement. Its case members but the community read it (a supporter
	// only if their party lets them, which the survivor has not: her supporter gets an empty view).
	api('GET', 'the agreement', (s) => agreementApi(s), {
		scope: 'case',
		allowed: AGREEMENT_MEMBERS
	}),
	...page('agreement page', (s) => agreementPage(s), {
		scope: 'case',
		allowed: AGREEMENT_MEMBERS,
		marksNewsSeen: true
	}),
	// Facilitators draft; the next version is the third (the seed's second waits for consents).
	api('POST', 'draft the next version of the agreement', (s) => `${agreementApi(s)}/versions`, {
		body: draft(),
		scope: 'case',
		allowed: FACILITATORS
	}),
	// Refused after every check passed but the last (the sealed words): nothing stays behind.
	api(
		'POST',
		"draft a version sealed for the survivor's supporter",
		(s) => `${agreementApi(s)}/versions`,
		{
			body: draft({ readers: ['survivor', 'responsible', 'supporter'] }),
			scope: 'case',
			allowed: []
		}
	),
	...(
		[
			['draft a version the responsible party need not sign', { signers: [] }, 409],
			[
				'draft a version the survivor must sign (she chose not to)',
				{ signers: ['responsible', 'survivor'] },
				409
			],
			['draft a version with items for the survivor to do', { owner: 'survivor' }, 400]
		] as const
	).map(([name, d, status]) =>
		api('POST', name, (s) => `${agreementApi(s)}/versions`, {
			body: draft(d),
			scope: 'case',
			allowed: [],
			alsoRefused: [status]
		})
	),
	api('POST', 'draft a second agreement for the case', (s) => `${agreementApi(s)}/versions`, {
		body: (s, me) => draft({ first: s.fresh.objectId })(s, me),
		scope: 'case',
		allowed: [],
		alsoRefused: [409]
	}),
	// Consents on the amendment: the responsible party signs; the survivor, who chose no
	// signature, approves by a private note. Each only their own way, only on the newest version.
	api('POST', 'sign the amendment', (s) => `${agreementApi(s)}/consents`, {
		body: signed((s) => amendment(s).version),
		scope: 'case',
		allowed: ['responsible']
	}),
	api('POST', 'approve the amendment by a private note', (s) => `${agreementApi(s)}/consents`, {
		body: (s) => ({ method: 'note', version: amendment(s).version }),
		scope: 'case',
		allowed: ['survivor']
	}),
	api('POST', 'sign the version in force again', (s) => `${agreementApi(s)}/consents`, {
		body: signed(() => 1),
		scope: 'case',
		allowed: [],
		alsoRefused: [409]
	}),
	// Check-ins on an item in force: its owner (the responsible party) or a facilitator. Only a
	// facilitator reaches a survivor with one (she chose every update); a supporter, nobody.
	api('POST', 'check in on the apology', (s) => `${agreementApi(s)}/check-ins`, {
		body: checkIn('apology'),
		scope: 'case',
		allowed: ['responsible', ...FACILITATORS]
	}),
	api('POST', 'a check-in sealed for the survivor too', (s) => `${agreementApi(s)}/check-ins`, {
		body: checkIn('apology', ['survivor']),
		scope: 'case',
		allowed: FACILITATORS
	}),
	api(
		'POST',
		"a check-in sealed for the survivor's supporter",
		(s) => `${agreementApi(s)}/check-ins`,
		{ body: checkIn('apology', ['supporter']), scope: 'case', allowed: [] }
	),
	api('POST', 'check in on an item not yet in force', (s) => `${agreementApi(s)}/check-ins`, {
		body: checkIn('education'),
		scope: 'case',
		allowed: []
	}),
	api('POST', "a check-in under another check-in's id", (s) => `${agreementApi(s)}/check-ins`, {
		body: checkIn('apology', [], (s) => s.agreement.checkIns.kept),
		scope: 'case',
		allowed: [],
		alsoRefused: [409]
	}),
	api('POST', 'pass the check-in on to the survivor', (s) => checkInOf(s, 'kept'), {
		body: (s, me) => moreWraps(me, s.people.survivor.id),
		scope: 'case',
		allowed: FACILITATORS
	}),
	api('POST', "pass the check-in on to the survivor's supporter", (s) => checkInOf(s, 'kept'), {
		body: (s, me) => moreWraps(me, s.people.supporter.id),
		scope: 'case',
		allowed: [],
		alsoRefused: [400]
	}),
	// The agreement page's forms: the survivor's answer on each item of the newest version,
	// each party's own choices, and an item's status (facilitators, on the version in force).
	...agreementForm(
		'approve',
		"answer on the amendment's items",
		answers((s) => amendment(s).version),
		{
			scope: 'case',
			allowed: ['survivor']
		}
	),
	...agreementForm(
		'approve',
		'answer on the version in force (not the newest)',
		answers(() => 1),
		{
			scope: 'case',
			allowed: [],
			alsoRefused: [409]
		}
	),
	...agreementForm(
		'choices',
		'choose to sign and to hear of milestones only',
		() => ({ approveBy: 'sign', followUp: 'milestones' }),
		{ scope: 'case', allowed: ['survivor'] }
	),
	...agreementForm(
		'choices',
		'let my supporters read the agreement',
		() => ({ supporters: 'shown', toSupporters: 'yes' }),
		{ scope: 'case', allowed: ['survivor', 'responsible'] }
	),
	...agreementForm(
		'status',
		'mark the apology done',
		(s) => ({ itemId: s.agreement.items.apology.itemId, status: 'done' }),
		{ scope: 'case', allowed: FACILITATORS }
	),
	...agreementForm(
		'status',
		'mark an item not yet in force',
		(s) => ({ itemId: s.agreement.items.education.itemId, status: 'done' }),
		{ scope: 'case', allowed: [] }
	),
	// Its words and check-ins as envelopes: listed and read only where wrapped; written only
	// through the API above (never put directly, never taken back), and never for anyone the
	// reader rules leave out.
	api(
		'GET',
		'envelopes of the agreement and its check-ins',
		(s) => `${envelopes(s)}?kind=agreement,check-in`,
		{
			scope: 'case',
			allowed: MEMBERS
		}
	),
	api('GET', 'the amendment (version 2)', (s) => `${envelopes(s)}/${s.agreement.id}?version=2`, {
		scope: 'case',
		allowed: ['lead', 'coFacilitator', 'survivor', 'responsible']
	}),
	...(
		[
			[
				'the next version of the agreement put as a plain envelope',
				'agreement',
				(s: Seed) => s.agreement.id,
				3,
				false
			],
			['take back the agreement (tombstone)', 'agreement', (s: Seed) => s.agreement.id, 3, true],
			['a check-in put as a plain envelope', 'check-in', (s: Seed) => s.fresh.objectId, 1, false],
			[
				'take back the check-in (tombstone)',
				'check-in',
				(s: Seed) => s.agreement.checkIns.kept,
				2,
				true
			]
		] as const
	).map(([name, kind, objectId, version, deleted]) =>
		api('PUT', name, (s) => `${envelopes(s)}/${objectId(s)}`, {
			body: (s, me) =>
				sealed(me, kind, objectId(s), version, {
					deleted,
					readers: [s.people.lead.id, s.people.coFacilitator.id]
				}),
			scope: 'case',
			allowed: []
		})
	),
	...(
		[
			['agreement', 'supporter', (s: Seed) => s.agreement.id, []],
			['agreement', 'community', (s: Seed) => s.agreement.id, []],
			// Passing it on without the agreement API: the same, from facilitators only.
			['check-in', 'survivor', (s: Seed) => s.agreement.checkIns.kept, FACILITATORS],
			['check-in', 'supporter', (s: Seed) => s.agreement.checkIns.kept, []]
		] as const
	).map(([what, person, objectId, allowed]) =>
		api(
			'POST',
			`wrap the ${what} for the ${person}`,
			(s) => `${envelopes(s)}/${objectId(s)}/wraps`,
			{
				body: (s, me) => moreWraps(me, s.people[person].id),
				scope: 'case',
				allowed
			}
		)
	),

	// A case id no case can have is not found, never a crash.
	...action(
		'cancel a meeting of a malformed case id',
		() => '/cases/not~an~id/meetings?/cancel',
		(s) => ({ meetingId: s.meetings.preparation.id }),
		{ scope: 'app', allowed: [] }
	),
	...action(
		'pause my part in a malformed case id',
		() => '/cases/not~an~id?/participation',
		() => ({ to: 'paused' }),
		{ scope: 'app', allowed: [] }
	),
	...action(
		'choose how to take part in a malformed case id',
		() => '/cases/not~an~id/input?/choices',
		() => ({ jointConsent: 'yes' }),
		{ scope: 'app', allowed: [] }
	),
	...action(
		'mark an agreement item in a malformed case id',
		() => '/cases/not~an~id/agreement?/status',
		(s) => ({ itemId: s.agreement.items.apology.itemId, status: 'done' }),
		{ scope: 'app', allowed: [] }
	),

	// An invite link: the token is the authorization (the invited person may have no account).
	...page('invite page', (s) => `/join/${s.invite.token}`, { scope: 'link', allowed: ROLES }),
	api('POST', 'join through the invite', (s) => `/api/join/${s.invite.token}`, {
		body: joining,
		scope: 'link',
		allowed: ['admin', 'otherFacilitator', 'withdrawn'],
		alsoRefused: [409]
	}),
	// Only an account with an organization role may join as a facilitator.
	api(
		'POST',
		'join through a facilitator invite',
		(s) => `/api/join/${s.facilitatorInvite.token}`,
		{
			body: joining,
			scope: 'link',
			allowed: ['admin', 'otherFacilitator'],
			alsoRefused: [409]
		}
	),

	// A facilitator of case 2 reaching case 1's objects through their own case.
	...action(
		'mark a case-1 notice seen via case 2',
		(s) => `/cases/${c2(s)}?/seen`,
		(s) => ({ id: String(s.noticeId) }),
		{ scope: 'other-case', allowed: [] }
	),
	...action(
		'withdraw a case-1 invite via case 2',
		(s) => `/cases/${c2(s)}?/withdrawInvite`,
		(s) => ({ id: s.invite.id }),
		{ scope: 'other-case', allowed: [] }
	),
	api(
		'DELETE',
		'withdraw a case-1 invite via case 2 (API)',
		(s) => `/api/cases/${c2(s)}/invites/${s.invite.id}`,
		{ scope: 'other-case', allowed: [] }
	),
	api('GET', 'case-1 notes via case 2', (s) => `${envelopes(s, c2(s))}/notes?version=1`, {
		scope: 'other-case',
		allowed: []
	}),
	api(
		'POST',
		"wrap the survivor's input via case 2",
		(s) => `${envelopes(s, c2(s))}/${s.objects.survivorInput.objectId}/wraps`,
		{ body: (_s, me) => moreWraps(me, me.id), scope: 'other-case', allowed: [] }
	),
	api('POST', 'sign a case-1 pending entry via case 2', (s) => `/api/cases/${c2(s)}/log`, {
		body: (s, me) => ({
			pendingId: s.pendingAdd.id,
			entry: logEntry(1, 'add', s.people.community, 'community', null, me, 0)
		}),
		scope: 'other-case',
		allowed: [],
		alsoRefused: [409]
	}),
	api('PUT', 'address case-2 notes to the case-1 survivor', (s) => `${envelopes(s, c2(s))}/notes`, {
		body: (s, me) =>
			sealed(me, 'facilitator-notes', 'notes', 1, { readers: [s.people.survivor.id] }),
		scope: 'other-case',
		allowed: []
	}),

	...page("the survivor's conversation via case 2", (s) => conversation(s, 'survivor', c2(s)), {
		scope: 'other-case',
		allowed: []
	}),
	api(
		'GET',
		'a chunk of the case-1 letter via case 2',
		(s) => `${files(s, c2(s))}/${s.letter.id}/chunks/0`,
		{ scope: 'other-case', allowed: [] }
	),
	api('POST', 'withdraw a case-1 relay via case 2', (s) => `${relays(s, c2(s))}/${s.relay.id}`, {
		body: decide('withdraw'),
		scope: 'other-case',
		allowed: []
	}),

	// Case 1's meetings and polls through case 2, and case 2's plans for case 1's people.
	api('GET', 'meetings and polls of case 2', (s) => meetingsOf(s, c2(s)), {
		scope: 'other-case',
		allowed: ['otherFacilitator']
	}),
	...(
		[
			['answer', rsvp],
			['move', move],
			['cancel', cancel]
		] as const
	).map(([what, body]) =>
		api(
			'POST',
			`${what} the case-1 preparation meeting via case 2`,
			(s) => meeting(s, 'preparation', c2(s)),
			{ body, scope: 'other-case', allowed: [] }
		)
	),
	...(
		[
			['answer', pollAnswers],
			['pick a slot of', pick],
			['close', close]
		] as const
	).map(([what, body]) =>
		api('POST', `${what} the case-1 poll via case 2`, (s) => poll(s, 'open', c2(s)), {
			body,
			scope: 'other-case',
			allowed: []
		})
	),
	// Only the case's own people can be invited: 400 to its facilitator.
	api('POST', 'a case-2 meeting with the case-1 survivor', (s) => meetingsOf(s, c2(s)), {
		body: (s, me) => newMeeting(s, me),
		scope: 'other-case',
		allowed: [],
		alsoRefused: [400]
	}),
	api('POST', 'a case-2 poll asking the case-1 survivor', (s) => pollsOf(s, c2(s)), {
		body: (s, me) => newPoll(s, me),
		scope: 'other-case',
		allowed: [],
		alsoRefused: [400]
	}),
	...page('meetings page of case 2', (s) => meetingsPage(s, c2(s)), {
		scope: 'other-case',
		allowed: ['otherFacilitator'],
		marksNewsSeen: true
	}),
	...(
		[
			['move', (s: Seed) => tenToEleven(s, 5)],
			['cancel', {}],
			['rsvp', { rsvp: 'attending' }]
		] as const
	).flatMap(([named, fields]) =>
		meetingForm(
			named,
			`${named} the case-1 preparation meeting via case 2`,
			meetingField('preparation', fields),
			{ scope: 'other-case', allowed: [] }
		)
	),
	...(
		[
			['answerPoll', slotAnswers],
			['pick', { idx: '0' }],
			['closePoll', {}]
		] as const
	).flatMap(([named, fields]) =>
		meetingForm(named, `${named} of the case-1 poll via case 2`, pollField('open', fields), {
			scope: 'other-case',
			allowed: []
		})
	),
	...(
		[
			['schedule', 'a case-2 meeting with the case-1 survivor', scheduleForm(4)],
			['propose', 'a case-2 poll asking the case-1 survivor', proposeForm('60')]
		] as const
	).flatMap(([named, name, fields]) =>
		meetingForm(named, name, fields, { scope: 'other-case', allowed: [], alsoRefused: [400] })
	),
	api(
		'PUT',
		'details of a case-1 meeting sealed in case 2',
		(s) => `${envelopes(s, c2(s))}/${s.meetings.preparation.id}`,
		{
			body: (s, me) => sealed(me, 'meeting', s.meetings.preparation.id, 1),
			scope: 'other-case',
			allowed: []
		}
	),

	// Case 1's agreement through case 2 (which has none): found nowhere there.
	api('GET', 'the agreement of case 2', (s) => agreementApi(s, c2(s)), {
		scope: 'other-case',
		allowed: ['otherFacilitator']
	}),
	...page('agreement page of case 2', (s) => agreementPage(s, c2(s)), {
		scope: 'other-case',
		allowed: ['otherFacilitator'],
		marksNewsSeen: true
	}),
	api(
		'GET',
		'the case-1 agreement via case 2',
		(s) => `${envelopes(s, c2(s))}/${s.agreement.id}?version=1`,
		{
			scope: 'other-case',
			allowed: []
		}
	),
	// Case 2 has no parties to sign: 409 to its facilitator.
	api('POST', "draft case 1's agreement in case 2", (s) => `${agreementApi(s, c2(s))}/versions`, {
		body: (s, me) => ({
			...draft({ first: s.agreement.id })(s, me),
			items: [{ ...s.agreement.items.boundary, ownerId: me.id, repeat: null }],
			signers: []
		}),
		scope: 'other-case',
		allowed: [],
		alsoRefused: [409]
	}),
	api('POST', 'sign the case-1 amendment via case 2', (s) => `${agreementApi(s, c2(s))}/consents`, {
		body: signed((s) => amendment(s).version),
		scope: 'other-case',
		allowed: []
	}),
	api(
		'POST',
		'check in on a case-1 item via case 2',
		(s) => `${agreementApi(s, c2(s))}/check-ins`,
		{
			body: checkIn('apology'),
			scope: 'other-case',
			allowed: []
		}
	),
	api('POST', 'pass on a case-1 check-in via case 2', (s) => checkInOf(s, 'kept', c2(s)), {
		body: (s, me) => moreWraps(me, s.people.survivor.id),
		scope: 'other-case',
		allowed: []
	}),
	...agreementForm(
		'approve',
		"answer on the case-1 amendment's items via case 2",
		answers((s) => amendment(s).version),
		{
			scope: 'other-case',
			allowed: []
		}
	),
	...agreementForm(
		'choices',
		'agreement choices via case 2',
		() => ({ supporters: 'shown', toSupporters: 'yes' }),
		{ scope: 'other-case', allowed: [] }
	),
	...agreementForm(
		'status',
		'mark a case-1 item done via case 2',
		(s) => ({ itemId: s.agreement.items.apology.itemId, status: 'done' }),
		{ scope: 'other-case', allowed: [] }
	),

	// The organization's pages.
	...page('admin page', () => '/admin', { scope: 'app', allowed: ['admin'] }),
	...(
		[
			['org settings', 'settings', () => ({ name: 'Else', tabTitle: 'Notes', icon: 'circle' })],
			['make a facilitator invite', 'invite', () => ({})],
			['withdraw a facilitator invite', 'revoke', (s: Seed) => ({ id: s.orgInvite.id })],
			['recovery link for a participant', 'recover', (s: Seed) => ({ id: s.people.survivor.id })],
			[
				'deactivate a facilitator',
				'deactivate',
				(s: Seed) => ({ id: s.people.otherFacilitator.id })
			]
		] as const
	).flatMap(([name, named, fields]) =>
		action(name, () => `/admin?/${named}`, fields, { scope: 'app', allowed: ['admin'] })
	),
	// Every facilitator of the seed is active: deleting an account waits for its deactivation,
	// so the admin too is refused here (409); delete-account.e2e.ts deletes one.
	...action(
		'delete a facilitator account',
		() => '/admin?/deleteAccount',
		(s) => ({ id: s.people.otherFacilitator.id }),
		{ scope: 'app', allowed: [], alsoRefused: [409] }
	),
	// A participant deletes their own account; facilitators and admins are refused in words.
	...page('delete my account page', () => '/account/delete', { scope: 'app', allowed: SIGNED_IN }),
	...action(
		'delete my account',
		() => '/account/delete',
		() => ({ understood: 'yes' }),
		{
			scope: 'app',
			allowed: [...PARTICIPANTS, 'withdrawn']
		}
	),
	// Form templates: questions an admin manages.
	...page('form templates', () => '/admin/templates', { scope: 'app', allowed: ['admin'] }),
	...page('a form template', (s) => `/admin/templates/${s.rows.formTemplates[0]!.id}`, {
		scope: 'app',
		allowed: ['admin']
	}),
	...action(
		'make a form template',
		() => '/admin/templates?/create',
		() => ({
			audience: 'survivor',
			name: 'Another',
			contentNote: 'Optional.',
			source: 'long: What else?'
		}),
		{ scope: 'app', allowed: ['admin'] }
	),
	...action(
		'change a form template',
		(s) => `/admin/templates/${s.rows.formTemplates[0]!.id}?/save`,
		() => ({
			audience: 'survivor',
			name: 'Renamed',
			contentNote: 'Optional.',
			source: 'long: What do you need now?'
		}),
		{ scope: 'app', allowed: ['admin'] }
	),
	// Retention: the policy an admin sets, its preview (which saves nothing), and statistics.
	...page('retention page', () => '/admin/retention', { scope: 'app', allowed: ['admin'] }),
	...action('preview a retention change', () => '/admin/retention?/preview', retention, {
		scope: 'app',
		allowed: ['admin'],
		mutates: false
	}),
	...action('change the retention policy', () => '/admin/retention?/save', retention, {
		scope: 'app',
		allowed: ['admin']
	}),
	// Form templates not in use may be put in use or deleted; the one in use stays (409).
	...(
		[
			['put a form template in use', 'use', 2, ['admin'], []],
			['delete a form template', 'delete', 2, ['admin'], []],
			['delete the form template in use', 'delete', 0, [], [409]]
		] as const
	).flatMap(([name, named, index, allowed, alsoRefused]) =>
		action(
			name,
			(s) => `/admin/templates/${s.rows.formTemplates[index]!.id}?/${named}`,
			() => ({}),
			{ scope: 'app', allowed, alsoRefused }
		)
	),
	// Closing a case takes an outcome and the "everything will be deleted" box.
	...action(
		'close the case',
		(s) => `/cases/${c1(s)}?/close`,
		() => ({ outcome: 'completed', understood: 'yes' }),
		{ scope: 'case', allowed: FACILITATORS }
	),

	// What is kept about each person, and their own things: theirs alone.
	api('GET', 'download my data', () => '/api/me/export', {
		scope: 'app',
		allowed: SIGNED_IN,
		ownRecord: true
	}),
	...page('what is kept about me', () => '/account/data', {
		scope: 'app',
		allowed: SIGNED_IN,
		ownRecord: true
	}),
	...page('what is kept about me (to print)', () => '/account/data/print', {
		scope: 'app',
		allowed: SIGNED_IN,
		ownRecord: true
	}),
	...(
		['/account/keys', '/account/passkeys', '/account/sessions', '/notebook', '/unlock'] as const
	).flatMap((path) => page(path, () => path, { scope: 'app', allowed: SIGNED_IN })),
	// With keys already, the page for making them sends one home.
	...page('make my keys', () => '/keys/new', { scope: 'app', allowed: SIGNED_IN }),
	...page('signed out after deleting an account', () => '/account/deleted', {
		scope: 'app',
		allowed: ROLES
	}),
	api('GET', "the survivor's draft", (s) => `/api/me/envelopes/${s.draft.objectId}`, {
		scope: 'app',
		allowed: ['survivor']
	}),
	// A remembered device opens only for its owner, tied to her session.
	api(
		'POST',
		"unlock with the survivor's remembered device",
		(s) => `/api/keys/devices/${s.device.id}`,
		{
			scope: 'app',
			allowed: ['survivor']
		}
	),
	// Links: the token is the authorization. An add-a-passkey link shows whose account it adds
	// to; nobody can guess a setup link once the organization is set up.
	...page("the survivor's add-a-passkey link", (s) => `/devices/add/${s.deviceLink.token}`, {
		scope: 'link',
		allowed: ROLES,
		linkShows: ['survivor']
	}),
	...page('a guessed setup link', (s) => `/setup/${s.deviceLink.token.replace(/./, 'a')}`, {
		scope: 'link',
		allowed: [],
		alsoRefused: [410]
	}),
	...page('people page', () => '/people', { scope: 'app', allowed: SIGNED_IN }),
	// Participants find only the program's people here; case members come with their cases.
	...page(
		"the responsible party's safety-number page",
		(s) => `/people/${s.people.responsible.id}`,
		{ scope: 'app', allowed: ORG }
	)
];
