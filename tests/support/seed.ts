import { randomBytes } from 'node:crypto';
import type { Client } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import * as t from '../../src/lib/server/db/schema';
import { SEAL_OVERHEAD } from '../../src/lib/attachment-limits';
import { generateToken, hashToken, sessionCookie, sessionRow } from './sessions';

/**
 * A program with two cases, written straight into a running app's database in the shapes the
 * app itself writes (real rows; ciphertext is random base64url of the right sizes, which the
 * server never opens). Every person has keys and a session. Case 1 has a lead and a
 * co-facilitator, a survivor, a responsible party, the survivor's supporter, a community member
 * whose add waits to be signed, and someone who withdrew; case 2 has another facilitator alone.
 * The admin is in neither case. In case 1 the survivor and the responsible party each have a
 * conversation with the facilitators (the survivor's carries a letter, an attached file), the
 * survivor has an upload not sent yet, and two relays of her words to the responsible party:
 * one she approved, one proposed and waiting for her answer. Case 1 also has meetings and
 * polls (see `meetings` and `polls` in the seed), and an accountability agreement in force with
 * an amendment waiting for consents, and two check-ins (see `agreement`). The survivor also has
 * a remembered device and an add-a-passkey link not used yet; the admin, three form templates
 * (one in use for each party, one not).
 */

export const PEOPLE = [
	'admin',
	'lead',
	'coFacilitator',
	'otherFacilitator',
	'survivor',
	'responsible',
	'supporter',
	'community',
	'withdrawn'
] as const;
export type Person = (typeof PEOPLE)[number];

export type SeedPerson = {
	id: string;
	/** The account's display name. */
	name: string;
	/** The name they chose in their case (case 1, or case 2 for the other facilitator). */
	caseName: string | null;
	fp: string;
	/** The Cookie header value for their session. */
	cookie: string;
};

export type SeedEnvelope = {
	caseId: string;
	objectId: string;
	version: number;
	kind: string;
	authorId: string;
	/** The participant a conversation is with, or a relay's recipient. */
	subject: string | null;
	header: string;
	body: string;
	/** reader id → their wrap's box. */
	wraps: Record<string, string>;
	/** reader id → who wrapped it for them, where that is not the author. */
	wrappers?: Record<string, string>;
};

/** A stored string only these users may ever be sent. */
export type Secret = { value: string; readers: readonly string[] };

export type SeedCase = {
	id: string;
	ref: string;
	/** Present members, and which of them facilitate. */
	members: readonly Person[];
	facilitators: readonly Person[];
	/** Present members' names in the case. */
	names: string[];
	/** Names of people who left: only the case's facilitators still see them. */
	formerNames: string[];
};

export type Seed = ReturnType<typeof makeSeed>;

const DAY = 86_400_000;
const ORG_ROLES: Partial<Record<Person, 'admin' | 'facilitator'>> = {
	admin: 'admin',
	lead: 'facilitator',
	coFacilitator: 'facilitator',
	otherFacilitator: 'facilitator'
};

/** `n` random base64url characters (ids, keys, ciphertext). */
export const b64 = (n: number) =>
	randomBytes(Math.ceil((n * 3) / 4) + 1)
		.toString('base64url')
		.slice(0, n);
/** A 32-byte value (fingerprint, public key, hash) as unpadded base64url. */
export const bytes32 = () => b64(43);
const REF = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const ref = () => 'C-' + Array.from(randomBytes(6), (b) => REF[b % REF.length]).join('');

/** A case log entry in its wire form (the server stores it as JSON and cannot check `sig`). */
export function logEntry(
	seq: number,
	op: 'create' | 'add' | 'remove',
	subject: SeedPerson,
	role: t.CaseMember['role'],
	supports: string | null,
	signer: SeedPerson,
	createdAt: number
) {
	const prev = seq === 0 ? 'A'.repeat(43) : bytes32();
	const entry = { v: 1, seq, prev, op, subject: { userId: subject.id, fp: subject.fp } };
	return { ...entry, role, supports, signer: signer.id, createdAt, sig: b64(86) };
}

export function makeSeed(now = Date.now()) {
	const tokens = {} as Record<Person, string>;
	const people = {} as Record<Person, SeedPerson>;
	for (const p of PEOPLE) {
		tokens[p] = generateToken();
		const caseName = p === 'admin' ? null : `${p}-in-case-${b64(10)}`;
		const person = { id: b64(22), name: `${p} account ${b64(6)}`, caseName, fp: bytes32() };
		people[p] = { ...person, cookie: sessionCookie(tokens[p]) };
	}
	const { lead, coFacilitator: co, otherFacilitator: other } = people;
	const { survivor, responsible, supporter, community, withdrawn } = people;
	const c1Members = [
		'lead',
		'coFacilitator',
		'survivor',
		'responsible',
		'supporter',
		'community'
	] as const;
	const case1: SeedCase = {
		id: b64(22),
		ref: ref(),
		members: c1Members,
		facilitators: ['lead', 'coFacilitator'],
		names: c1Members.map((p) => people[p].caseName ?? ''),
		formerNames: [withdrawn.caseName ?? '']
	};
	const case2: SeedCase = {
		id: b64(22),
		ref: ref(),
		members: ['otherFacilitator'],
		facilitators: ['otherFacilitator'],
		names: [other.caseName ?? ''],
		formerNames: []
	};
	const at = (daysAgo: number) => now - Math.round(daysAgo * DAY);
	const event = (
		caseId: string,
		when: number,
		actor: SeedPerson,
		kind: 'stage' | 'member',
		value: string
	) => ({ caseId, at: when, actorId: actor.id, kind, value });

	const member = (
		p: SeedPerson,
		role: t.CaseMember['role'],
		joinedAt: number,
		extra: Partial<typeof t.caseMembers.$inferInsert> = {}
	) => ({
		caseId: case1.id,
		userId: p.id,
		role,
		supports: null,
		displayName: p.caseName ?? '',
		fp: p.fp,
		joinedAt,
		statusAt: joinedAt,
		...extra
	});
	const caseMembers: (typeof t.caseMembers.$inferInsert)[] = [
		member(lead, 'facilitator', at(20)),
		member(co, 'facilitator', at(19)),
		// She hears of every update of the agreement's follow-up, so check-ins may be passed on.
		member(survivor, 'survivor', at(18), {
			mode: 'letter',
			jointConsent: 'no',
			choicesAt: at(17),
			followUp: 'all'
		}),
		member(responsible, 'responsible', at(17)),
		member(supporter, 'supporter', at(16), { supports: survivor.id }),
		member(withdrawn, 'community', at(15), { status: 'withdrawn', statusAt: at(5) }),
		member(community, 'community', at(2)),
		{ ...member(other, 'facilitator', at(10)), caseId: case2.id }
	];

	const caseLog = [
		logEntry(0, 'create', lead, 'facilitator', null, lead, at(20)),
		logEntry(1, 'add', co, 'facilitator', null, lead, at(19)),
		logEntry(2, 'add', survivor, 'survivor', null, lead, at(18)),
		logEntry(3, 'add', responsible, 'responsible', null, co, at(17)),
		logEntry(4, 'add', supporter, 'supporter', survivor.id, lead, at(16)),
		logEntry(5, 'add', withdrawn, 'community', null, lead, at(15))
	].map((e, seq) => ({ caseId: case1.id, seq, entry: JSON.stringify(e), createdAt: at(20 - seq) }));
	caseLog.push({
		caseId: case2.id,
		seq: 0,
		entry: JSON.stringify(logEntry(0, 'create', other, 'facilitator', null, other, at(10))),
		createdAt: at(10)
	});

	// The community member joined through an invite; their add waits for a facilitator's
	// browser to check the invite's tag and sign it. The person who withdrew waits for removal.
	const usedInvite = { id: b64(22), token: generateToken() };
	const invite = { id: b64(22), token: generateToken() };
	const facilitatorInvite = { id: b64(22), token: generateToken() };
	const orgInvite = { id: b64(22), token: generateToken() };
	// An add-a-passkey link the survivor made for a new device of hers, not used yet.
	const deviceLink = { id: b64(22), token: generateToken() };
	const pendingAdd = { id: b64(22), seq: 6 };
	// The joiner's invite tag: only facilitators' browsers check it, so only they are sent it.
	const tag = bytes32();
	const change = (p: SeedPerson, op: 'add' | 'remove', inviteId: string | null) =>
		JSON.stringify({
			op,
			subject: { userId: p.id, fp: p.fp },
			role: 'community',
			supports: null,
			invite: inviteId && { inviteId, tag }
		});
	const casePending = [
		{
			id: b64(22),
			caseId: case1.id,
			userId: withdrawn.id,
			change: change(withdrawn, 'remove', null),
			createdAt: at(5)
		},
		{
			id: pendingAdd.id,
			caseId: case1.id,
			userId: community.id,
			change: change(community, 'add', usedInvite.id),
			createdAt: at(2)
		}
	];
	const links: (typeof t.links.$inferInsert)[] = [
		{
			id: usedInvite.id,
			tokenHash: hashToken(usedInvite.token),
			kind: 'case',
			createdBy: lead.id,
			userId: community.id,
			createdAt: at(3),
			expiresAt: at(3) + 7 * DAY,
			usedAt: at(2)
		},
		...[invite, facilitatorInvite].map((i) => ({
			id: i.id,
			tokenHash: hashToken(i.token),
			kind: 'case' as const,
			createdBy: lead.id,
			createdAt: at(1),
			expiresAt: at(1) + 7 * DAY
		})),
		{
			id: orgInvite.id,
			tokenHash: hashToken(orgInvite.token),
			kind: 'facilitator',
			createdBy: people.admin.id,
			createdAt: at(1),
			expiresAt: at(1) + 7 * DAY
		},
		{
			id: deviceLink.id,
			tokenHash: hashToken(deviceLink.token),
			kind: 'device',
			createdBy: survivor.id,
			userId: survivor.id,
			createdAt: at(0.1),
			expiresAt: at(0.1) + DAY
		}
	];
	const caseInvites = [
		{ linkId: usedInvite.id, caseId: case1.id, role: 'community' as const, supports: null },
		{ linkId: invite.id, caseId: case1.id, role: 'community' as const, supports: null },
		{ linkId: facilitatorInvite.id, caseId: case1.id, role: 'facilitator' as const, supports: null }
	];

	const envelope = (
		caseId: string,
		objectId: string,
		kind: string,
		author: SeedPerson,
		readers: SeedPerson[],
		subject: SeedPerson | null = null
	): SeedEnvelope => ({
		caseId,
		objectId,
		version: 1,
		kind,
		authorId: author.id,
		subject: subject?.id ?? null,
		header: b64(320),
		body: b64(180),
		wraps: Object.fromEntries(readers.map((r) => [r.id, b64(150)]))
	});
	// Meetings of case 1, all still to come (each an hour; times from `now`). The survivor and
	// her supporter prepare with the lead; the facilitators have a readiness call; a check-in of
	// the responsible party with the community member who later withdrew was cancelled before
	// they left, so it still names them (as does a poll they were in, closed by then).
	const zone = 'Europe/Berlin';
	const preparation = { id: b64(22), startsAt: now + 3 * DAY };
	const readiness = { id: b64(22), startsAt: now + 2 * DAY };
	const cancelled = { id: b64(22), startsAt: now + 4 * DAY };
	// Finding a time: an open poll for the next preparation meeting, answered by the survivor
	// only, and a closed one the responsible party answered. When each answered (odd instants,
	// so they can be spotted) goes only to facilitators and to the one who answered.
	const openPoll = {
		id: b64(22),
		answeredAt: at(0.5) - 4321,
		slots: [now + 5 * DAY, now + 6 * DAY]
	};
	const closedPoll = { id: b64(22), answeredAt: at(7.8) - 1234, slots: [at(7.5), at(7)] };

	// The accountability agreement of case 1, drafted by the lead. Version 1 is in force: the
	// survivor approved each item and then by a private note (she did not choose to sign), the
	// responsible party signed. Version 2, an amendment adding an item, waits for both: she has
	// approved its items, neither has consented yet. Every item is the responsible party's.
	const agreementId = b64(22);
	/** A due day: UTC midnight, `days` from now. */
	const dueIn = (days: number) => {
		const t = now + days * DAY;
		return t - (t % DAY);
	};
	type ItemKind = (typeof t.AGREEMENT_ITEM_KINDS)[number];
	type Item = { itemId: string; kind: ItemKind; ownerId: string; due: number | null };
	const item = (kind: ItemKind, due: number | null): Item => ({
		itemId: b64(22),
		kind,
		ownerId: responsible.id,
		due
	});
	const boundary = item('boundary', null);
	const apology = item('apology', dueIn(10));
	const education = item('education', dueIn(30));
	const agreementVersions = [
		{ version: 1, digest: bytes32(), items: [boundary, apology], createdAt: at(8) },
		{
			version: 2,
			digest: bytes32(),
			items: [boundary, { ...apology, due: dueIn(17) }, education],
			createdAt: at(1)
		}
	].map((v, i, all) => ({
		...v,
		prevDigest: i === 0 ? null : (all[i - 1]?.digest ?? null),
		inForceAt: v.version === 1 ? at(6) : null
	}));
	const signature = b64(86);
	// Check-ins by the responsible party on the apology: one only the facilitators and its author
	// have, one the lead passed on to the survivor (she chose every update).
	const checkInIds = { kept: b64(22), passedOn: b64(22) };

	// Readers as DESIGN §4's table allows them. The co-facilitator joined after the summary and
	// the survivor's comment were written: nobody has wrapped those two for them yet.
	const survivorSide = [survivor, lead, co, supporter, withdrawn];
	const survivorTalk = [survivor, lead, co];
	const responsibleTalk = [responsible, lead, co];
	const objects = {
		summary: envelope(case1.id, 'summary', 'case-summary', lead, [lead]),
		notes: envelope(case1.id, 'notes', 'facilitator-notes', lead, [lead, co]),
		inviteSecret: envelope(case1.id, `inv-${invite.id}`, 'invite-secret', lead, [lead, co]),
		facilitatorInviteSecret: envelope(
			case1.id,
			`inv-${facilitatorInvite.id}`,
			'invite-secret',
			lead,
			[lead, co]
		),
		usedInviteSecret: envelope(case1.id, `inv-${usedInvite.id}`, 'invite-secret', lead, [lead, co]),
		// Shared also with a community member who has since withdrawn: the wrap stays, unusable.
		survivorInput: envelope(case1.id, b64(22), 'input', survivor, survivorSide),
		responsibleInput: envelope(case1.id, b64(22), 'input', responsible, [responsible, lead, co]),
		interimSummary: envelope(case1.id, b64(22), 'interim-summary', lead, [lead, co, survivor]),
		interimComment: envelope(case1.id, b64(22), 'interim-comment', survivor, [survivor, lead]),
		// Conversations: each is with one participant and the case's facilitators.
		survivorMessage: envelope(case1.id, b64(22), 'conversation', survivor, survivorTalk, survivor),
		relayProposal: envelope(case1.id, b64(22), 'conversation', lead, survivorTalk, survivor),
		approvedProposal: envelope(case1.id, b64(22), 'conversation', lead, survivorTalk, survivor),
		responsibleMessage: envelope(
			case1.id,
			b64(22),
			'conversation',
			lead,
			responsibleTalk,
			responsible
		),
		// What the survivor approved, sealed by her browser for the responsible party.
		relayed: envelope(
			case1.id,
			b64(22),
			'relay',
			survivor,
			[survivor, responsible, lead, co],
			responsible
		),
		// The preparation meeting's place and agenda: for the facilitators and its invitees.
		preparationDetails: envelope(case1.id, preparation.id, 'meeting', lead, [
			lead,
			co,
			survivor,
			supporter
		]),
		case2Summary: envelope(case2.id, 'summary', 'case-summary', other, [other]),
		// The agreement's words, each version an envelope of the agreement's id: for the
		// facilitators and both parties (the survivor has not let her supporter read it).
		agreementText: envelope(case1.id, agreementId, 'agreement', lead, [
			lead,
			co,
			survivor,
			responsible
		]),
		amendmentText: {
			...envelope(case1.id, agreementId, 'agreement', lead, [lead, co, survivor, responsible]),
			version: 2
		},
		checkIn: envelope(case1.id, checkInIds.kept, 'check-in', responsible, responsibleTalk),
		passedOnCheckIn: {
			...envelope(case1.id, checkInIds.passedOn, 'check-in', responsible, [
				...responsibleTalk,
				survivor
			]),
			wrappers: { [survivor.id]: lead.id }
		}
	};
	const envelopes = Object.values(objects);

	// Sealed files: random ciphertext of each chunk's exact sealed length, as base64url text
	// so a response carrying it can be spotted. The letter is attached to the survivor's
	// message; the upload is hers, complete, and not sent yet.
	const file = (size: number, chunkSize = 16 * 1024) => {
		const chunkCount = Math.max(1, Math.ceil(size / chunkSize));
		const chunks = Array.from({ length: chunkCount }, (_, i) =>
			b64(Math.min(chunkSize, size - i * chunkSize) + SEAL_OVERHEAD)
		);
		return { id: b64(22), size, chunkSize, chunkCount, chunks };
	};
	const letter = file(1000);
	const upload = file(20_000);
	const attachment = (f: typeof letter, attachedTo: SeedEnvelope | null, createdAt: number) => ({
		id: f.id,
		caseId: case1.id,
		ownerId: survivor.id,
		size: f.size,
		chunkSize: f.chunkSize,
		chunkCount: f.chunkCount,
		objectId: attachedTo?.objectId ?? null,
		version: attachedTo?.version ?? null,
		createdAt
	});
	// Relays of the survivor's words to the responsible party, each proposed by the lead.
	const relay = { id: b64(22) };
	const approvedRelay = { id: b64(22) };
	const relayRow = (
		id: string,
		proposal: SeedEnvelope,
		relayed: SeedEnvelope | null,
		createdAt: number
	) => ({
		id,
		caseId: case1.id,
		fromId: survivor.id,
		toId: responsible.id,
		proposedBy: lead.id,
		proposalObjectId: proposal.objectId,
		status: relayed ? ('approved' as const) : ('proposed' as const),
		relayObjectId: relayed?.objectId ?? null,
		createdAt,
		decidedAt: relayed ? createdAt + DAY : null
	});
	const device = { id: b64(22), share: b64(43) };
	const draft = {
		userId: survivor.id,
		objectId: b64(22),
		kind: 'draft' as const,
		caseId: case1.id,
		version: 1,
		deleted: false,
		header: b64(200),
		body: b64(400),
		wrap: b64(150),
		size: 600,
		updatedAt: at(1)
	};

	const meetingRow = (
		m: { id: string; startsAt: number },
		kind: t.Meeting['kind'],
		by: SeedPerson,
		createdAt: number,
		status: t.Meeting['status'] = 'scheduled'
	) => ({
		id: m.id,
		caseId: case1.id,
		kind,
		startsAt: m.startsAt,
		durationMin: 60,
		timeZone: zone,
		status,
		pollId: null,
		createdBy: by.id,
		createdAt,
		changedAt: status === 'cancelled' ? at(6) : createdAt
	});
	type Rsvp = t.MeetingInvitee['rsvp'];
	const invitee = (m: { id: string }, p: SeedPerson, rsvp: Rsvp = 'pending', rsvpAt?: number) => ({
		meetingId: m.id,
		userId: p.id,
		rsvp,
		rsvpAt: rsvpAt ?? null,
		arriveAfterMin: 0,
		leaveBeforeMin: 0
	});
	const pollRow = (
		poll: { id: string },
		kind: t.Meeting['kind'],
		by: SeedPerson,
		createdAt: number,
		closedAt: number | null = null
	) => ({
		id: poll.id,
		caseId: case1.id,
		kind,
		durationMin: 60,
		timeZone: zone,
		status: closedAt ? ('closed' as const) : ('open' as const),
		meetingId: null,
		createdBy: by.id,
		createdAt,
		closedAt
	});
	const asked = (poll: { id: string }, p: SeedPerson, answeredAt: number | null = null) => ({
		pollId: poll.id,
		userId: p.id,
		answeredAt,
		jointConsent: null
	});
	type PollAnswer = 'yes' | 'if_need_be' | 'no';
	const answered = (poll: { id: string }, p: SeedPerson, answers: PollAnswer[]) =>
		answers.map((answer, idx) => ({ pollId: poll.id, userId: p.id, idx, answer }));
	const notice = (
		id: number,
		m: { id: string },
		p: SeedPerson,
		kind: 'scheduled' | 'cancelled',
		createdAt: number
	) => ({ id, caseId: case1.id, meetingId: m.id, userId: p.id, kind, createdAt });

	const rows = {
		settings: [{ key: 'deployment.id', value: b64(22) }],
		users: PEOPLE.map((p) => ({
			id: people[p].id,
			displayName: people[p].name,
			orgRole: ORG_ROLES[p] ?? null,
			createdAt: at(30)
		})),
		identities: PEOPLE.map((p) => ({
			userId: people[p].id,
			keyVersion: 1,
			boxPk: bytes32(),
			signPk: bytes32(),
			createdAt: at(30)
		})),
		sessions: PEOPLE.map((p) => sessionRow(people[p].id, tokens[p], now)),
		cases: [
			{ id: case1.id, ref: case1.ref, leadId: lead.id, createdBy: lead.id, createdAt: at(20) },
			{ id: case2.id, ref: case2.ref, leadId: other.id, createdBy: other.id, createdAt: at(10) }
		],
		caseMembers,
		caseEvents: [
			event(case1.id, at(20), lead, 'stage', 'referral'),
			event(case1.id, at(18), survivor, 'member', `${survivor.id} joined`),
			event(case1.id, at(14), lead, 'stage', 'preparation'),
			event(case1.id, at(8), lead, 'stage', 'agreement'),
			event(case1.id, at(6), lead, 'stage', 'follow-up'),
			event(case1.id, at(5), withdrawn, 'member', `${withdrawn.id} withdrawn`),
			event(case1.id, at(2), community, 'member', `${community.id} joined`),
			event(case2.id, at(10), other, 'stage', 'referral')
		],
		caseLog,
		casePending,
		links,
		caseInvites,
		caseEnvelopes: envelopes.map((e) => ({
			caseId: e.caseId,
			objectId: e.objectId,
			version: e.version,
			kind: e.kind,
			authorId: e.authorId,
			subject: e.subject,
			deleted: false,
			header: e.header,
			body: e.body,
			size: e.header.length + e.body.length,
			createdAt: at(4)
		})),
		caseWraps: envelopes.flatMap((e) =>
			Object.entries(e.wraps).map(([readerId, box]) => ({
				caseId: e.caseId,
				objectId: e.objectId,
				version: e.version,
				readerId,
				wrapperId: e.wrappers?.[readerId] ?? e.authorId,
				box
			}))
		),
		caseNotices: [
			{ id: 1, caseId: case1.id, userId: survivor.id, kind: 'talk' as const, createdAt: at(0.05) },
			{
				id: 2,
				caseId: case1.id,
				userId: withdrawn.id,
				kind: 'withdrawn' as const,
				createdAt: at(5)
			}
		],
		attachments: [
			attachment(letter, objects.survivorMessage, at(4)),
			// Recent: the cleanup takes an upload not sent within a day.
			attachment(upload, null, at(0.01))
		],
		attachmentChunks: [letter, upload].flatMap((f) =>
			f.chunks.map((chunk, idx) => ({ attachmentId: f.id, idx, data: Buffer.from(chunk) }))
		),
		relays: [
			relayRow(approvedRelay.id, objects.approvedProposal, objects.relayed, at(5)),
			relayRow(relay.id, objects.relayProposal, null, at(1))
		],
		personalEnvelopes: [draft],
		// The survivor's phone, remembered ("this device is mine"): the server's half of its key.
		deviceShares: [
			{
				id: device.id,
				userId: survivor.id,
				share: device.share,
				createdAt: at(3),
				lastUsedAt: at(1)
			}
		],
		meetings: [
			meetingRow(preparation, 'preparation', lead, at(1)),
			meetingRow(readiness, 'readiness', co, at(3)),
			meetingRow(cancelled, 'check-in', co, at(9), 'cancelled')
		],
		meetingInvitees: [
			// Her answer: facilitators are shown everyone's, an invitee only their own.
			invitee(preparation, lead, 'attending', at(1)),
			invitee(preparation, survivor, 'need_to_talk', at(0.5)),
			invitee(preparation, supporter),
			invitee(readiness, co, 'attending', at(3)),
			invitee(readiness, lead),
			invitee(cancelled, co),
			invitee(cancelled, responsible, 'attending', at(8)),
			invitee(cancelled, withdrawn)
		],
		meetingPolls: [
			pollRow(openPoll, 'preparation', lead, at(1)),
			pollRow(closedPoll, 'check-in', co, at(8), at(6))
		],
		pollSlots: [openPoll, closedPoll].flatMap((poll) =>
			poll.slots.map((startsAt, idx) => ({ pollId: poll.id, idx, startsAt }))
		),
		pollInvitees: [
			asked(openPoll, lead),
			asked(openPoll, survivor, openPoll.answeredAt),
			asked(openPoll, supporter),
			asked(closedPoll, co),
			asked(closedPoll, responsible, closedPoll.answeredAt),
			asked(closedPoll, withdrawn)
		],
		pollAnswers: [
			...answered(openPoll, survivor, ['yes', 'if_need_be']),
			...answered(closedPoll, responsible, ['no', 'yes'])
		],
		meetingNotices: [
			notice(1, preparation, survivor, 'scheduled', at(1)),
			notice(2, preparation, supporter, 'scheduled', at(1)),
			notice(3, cancelled, responsible, 'cancelled', at(6))
		],
		// Questions only (no answers): one template in use for each party, and a draft not in use.
		formTemplates: (
			[
				['survivor', true],
				['responsible', true],
				['survivor', false]
			] as const
		).map(([audience, inUse], i) => ({
			id: b64(22),
			audience,
			name: `Questions for the ${audience}${i === 2 ? ' (draft)' : ''}`,
			contentNote: 'Every question is optional.',
			questions: JSON.stringify([{ type: 'long', id: 'q1', text: 'What do you need?' }]),
			inUse,
			createdAt: at(40),
			updatedAt: at(40)
		})),
		agreements: [{ id: agreementId, caseId: case1.id, createdBy: lead.id, createdAt: at(8) }],
		agreementVersions: agreementVersions.map((v) => ({
			agreementId,
			version: v.version,
			digest: v.digest,
			prevDigest: v.prevDigest,
			logSeq: 5,
			logHash: bytes32(),
			createdBy: lead.id,
			createdAt: v.createdAt,
			inForceAt: v.inForceAt
		})),
		agreementItems: agreementVersions.flatMap((v) =>
			v.items.map((i) => ({ agreementId, version: v.version, ...i }))
		),
		agreementSigners: agreementVersions.map((v) => ({
			agreementId,
			version: v.version,
			userId: responsible.id,
			role: 'responsible' as const,
			fp: responsible.fp
		})),
		agreementConsents: [
			{
				agreementId,
				version: 1,
				userId: survivor.id,
				role: 'survivor' as const,
				method: 'note' as const,
				decision: 'approve' as const,
				signature: null,
				at: at(6)
			},
			{
				agreementId,
				version: 1,
				userId: responsible.id,
				role: 'responsible' as const,
				method: 'signature' as const,
				decision: 'approve' as const,
				signature,
				at: at(6.5)
			}
		],
		itemApprovals: agreementVersions.flatMap((v) =>
			v.items.map((i) => ({
				agreementId,
				version: v.version,
				itemId: i.itemId,
				userId: survivor.id,
				decision: 'approve' as const,
				at: v.version === 1 ? at(7) : at(0.5)
			}))
		),
		checkIns: (
			[
				[checkInIds.passedOn, at(4)],
				[checkInIds.kept, at(3)]
			] as const
		).map(([id, createdAt]) => ({
			id,
			caseId: case1.id,
			agreementId,
			itemId: apology.itemId,
			authorId: responsible.id,
			createdAt
		})),
		// Unseen news (content-free): opening the agreement page marks one's own seen.
		agreementNews: (
			[
				[survivor, 'in_force', 'milestone', null, at(6)],
				[responsible, 'in_force', 'review', null, at(6)],
				[survivor, 'review', 'review', null, at(1)],
				[responsible, 'review', 'review', null, at(1)],
				[lead, 'check_in', 'review', apology.itemId, at(3)],
				[co, 'check_in', 'review', apology.itemId, at(3)]
			] as const
		).map(([p, kind, level, itemId, createdAt], i) => ({
			id: i + 1,
			caseId: case1.id,
			userId: p.id,
			kind,
			level,
			itemId,
			createdAt
		}))
	};

	const secrets: Secret[] = [
		...envelopes.flatMap((e) => [
			{ value: e.header, readers: Object.keys(e.wraps) },
			{ value: e.body, readers: Object.keys(e.wraps) },
			...Object.entries(e.wraps).map(([reader, box]) => ({ value: box, readers: [reader] }))
		]),
		...[draft.header, draft.body, draft.wrap, device.share].map((value) => ({
			value,
			readers: [survivor.id]
		})),
		{ value: tag, readers: [lead.id, co.id] },
		// A file goes to whoever its message is wrapped for; an upload not sent, to nobody else.
		...[letter.id, ...letter.chunks].map((value) => ({
			value,
			readers: Object.keys(objects.survivorMessage.wraps)
		})),
		...[upload.id, ...upload.chunks].map((value) => ({ value, readers: [survivor.id] })),
		// A relay's recipient learns of it once approved, and never of the proposal behind it.
		...[relay.id, objects.relayProposal.objectId, objects.approvedProposal.objectId].map(
			(value) => ({ value, readers: Object.keys(objects.relayProposal.wraps) })
		),
		{ value: approvedRelay.id, readers: Object.keys(objects.relayed.wraps) },
		// A meeting or poll reaches its case's facilitators and its invitees only, and an answer
		// only the facilitators and the one who gave it. Everyone's answer to a meeting comes as
		// `rsvp` (facilitators only); an invitee's own as `myRsvp`. Pages write it as script
		// (`rsvp:"…"`); `__data.json` is read back into JSON before it is searched.
		...(
			[
				[preparation.id, [survivor, supporter]],
				[readiness.id, []],
				[cancelled.id, [responsible]],
				[openPoll.id, [survivor, supporter]],
				[closedPoll.id, [responsible]],
				[String(openPoll.answeredAt), [survivor]],
				[String(closedPoll.answeredAt), [responsible]],
				['"rsvp":"need_to_talk"', []],
				['rsvp:"need_to_talk"', []]
			] as const
		).map(([value, invited]) => ({
			value,
			readers: [lead.id, co.id, ...invited.map((p) => p.id)]
		})),
		// The agreement (its id, items, digests and signature) reaches only those its words are
		// wrapped for: a supporter only if their party lets them, the community never.
		...[
			agreementId,
			...[boundary, apology, education].map((i) => i.itemId),
			...agreementVersions.map((v) => v.digest),
			signature
		].map((value) => ({ value, readers: Object.keys(objects.agreementText.wraps) })),
		// A check-in: its author, the facilitators, and a survivor it was passed on to.
		{ value: checkInIds.kept, readers: Object.keys(objects.checkIn.wraps) },
		{ value: checkInIds.passedOn, readers: Object.keys(objects.passedOnCheckIn.wraps) },
		// A survivor's answer on each item goes to the facilitators and to her only (as JSON, and
		// as a page writes it in script).
		...[
			`"userId":"${survivor.id}","decision":"approve"`,
			`userId:"${survivor.id}",decision:"approve"`
		].map((value) => ({ value, readers: [lead.id, co.id, survivor.id] }))
	];

	return {
		now,
		people,
		case1,
		case2,
		/** Waiting invites to case 1, made by the lead: as a community member, as a facilitator. */
		invite,
		facilitatorInvite,
		/** A waiting invite to become one of the program's facilitators, made by the admin. */
		orgInvite,
		/** The survivor's add-a-passkey link, and her remembered device. */
		deviceLink,
		device,
		/** The community member's add, waiting to be signed as log entry `seq`. */
		pendingAdd,
		/** An unseen "I need to talk" from the survivor. */
		noticeId: 1,
		objects,
		draft,
		/** The survivor's file attached to her message, and her upload not sent yet. */
		letter,
		upload,
		/** The lead's proposal to relay the survivor's words, waiting for her answer. */
		relay,
		/** An earlier relay she approved: the responsible party has it. */
		approvedRelay,
		/**
		 * Case 1's meetings: a preparation meeting of the lead, the survivor and her supporter; a
		 * readiness call of the facilitators; a cancelled check-in of the co-facilitator, the
		 * responsible party and the person who withdrew. All an hour long, in `zone`.
		 */
		meetings: { zone, preparation, readiness, cancelled },
		/** An open poll (lead, survivor, supporter; she answered) and a closed one. */
		polls: { open: openPoll, closed: closedPoll },
		/**
		 * Case 1's agreement: version 1 in force (items: a boundary with no day, an apology due in
		 * ten days), version 2 adding an education item, waiting for the survivor's note and the
		 * responsible party's signature (she approved its items). Two check-ins on the apology by
		 * the responsible party, one passed on to the survivor.
		 */
		agreement: {
			id: agreementId,
			items: { boundary, apology, education },
			versions: agreementVersions,
			checkIns: checkInIds
		},
		/** Ids nothing uses yet, for requests that create something. */
		fresh: {
			caseId: b64(22),
			inviteId: b64(22),
			objectId: b64(22),
			uploadId: b64(22),
			relayId: b64(22),
			meetingId: b64(22),
			pollId: b64(22)
		},
		secrets,
		rows
	};
}

/** Tables the app reads and writes; what is not here (its migrations) is never touched. */
async function appTables(db: Client): Promise<string[]> {
	const result = await db.execute(
		`SELECT name FROM sqlite_master WHERE type = 'table'
			AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name`
	);
	return result.rows.map((r) => String(r.name));
}

/** Empties every table and writes the seed again, in one transaction. */
export async function applySeed(db: Client, seed: Seed) {
	const orm = drizzle(db);
	const r = seed.rows;
	const tables = await appTables(db);
	await orm.batch([
		// Foreign keys are checked at commit, when every row is back.
		orm.run(sql`PRAGMA defer_foreign_keys = ON`),
		...tables.map((name) => orm.run(sql.raw(`DELETE FROM "${name}"`))),
		orm.insert(t.settings).values(r.settings),
		orm.insert(t.users).values(r.users),
		orm.insert(t.identities).values(r.identities),
		orm.insert(t.sessions).values(r.sessions),
		orm.insert(t.cases).values(r.cases),
		orm.insert(t.caseMembers).values(r.caseMembers),
		orm.insert(t.caseEvents).values(r.caseEvents),
		orm.insert(t.caseLog).values(r.caseLog),
		orm.insert(t.casePending).values(r.casePending),
		orm.insert(t.links).values(r.links),
		orm.insert(t.caseInvites).values(r.caseInvites),
		orm.insert(t.caseEnvelopes).values(r.caseEnvelopes),
		orm.insert(t.caseWraps).values(r.caseWraps),
		orm.insert(t.caseNotices).values(r.caseNotices),
		orm.insert(t.attachments).values(r.attachments),
		orm.insert(t.attachmentChunks).values(r.attachmentChunks),
		orm.insert(t.relays).values(r.relays),
		orm.insert(t.personalEnvelopes).values(r.personalEnvelopes),
		orm.insert(t.deviceShares).values(r.deviceShares),
		orm.insert(t.formTemplates).values(r.formTemplates),
		orm.insert(t.meetings).values(r.meetings),
		orm.insert(t.meetingInvitees).values(r.meetingInvitees),
		orm.insert(t.meetingPolls).values(r.meetingPolls),
		orm.insert(t.pollSlots).values(r.pollSlots),
		orm.insert(t.pollInvitees).values(r.pollInvitees),
		orm.insert(t.pollAnswers).values(r.pollAnswers),
		orm.insert(t.meetingNotices).values(r.meetingNotices),
		orm.insert(t.agreements).values(r.agreements),
		orm.insert(t.agreementVersions).values(r.agreementVersions),
		orm.insert(t.agreementItems).values(r.agreementItems),
		orm.insert(t.agreementSigners).values(r.agreementSigners),
		orm.insert(t.agreementConsents).values(r.agreementConsents),
		orm.insert(t.itemApprovals).values(r.itemApprovals),
		orm.insert(t.checkIns).values(r.checkIns),
		orm.insert(t.agreementNews).values(r.agreementNews)
	]);
}

/**
 * What a request may change without anyone having done anything: the rate-limit counters (the
 * invite pages count every visit, by design) and a session's "last active" time (written at
 * most once a minute by any request). Everything else, the audit log included, must stay put
 * when a request is refused or only reads.
 */
const IGNORED: Record<string, '*' | readonly string[]> = {
	rate_limits: '*',
	rate_limit_secrets: '*',
	sessions: ['last_active_at']
};

export type Fingerprint = Record<string, string[]>;

/**
 * A read batch, tried again when this process's own connection reports SQLITE_BUSY ("cannot
 * commit transaction - SQL statements in progress", once in some hundred thousand reads of a
 * long fuzzing run): the test's reading, not the app's answer.
 */
async function readBatch(db: Client, statements: string[]) {
	for (let attempt = 1; ; attempt++) {
		try {
			return await db.batch(statements, 'read');
		} catch (e) {
			if (attempt >= 5 || !String((e as Error).message).includes('SQLITE_BUSY')) throw e;
			await new Promise((r) => setTimeout(r, 20 * attempt));
		}
	}
}

/** Every row of every table, each as sorted JSON, so two states can be compared and explained. */
export async function fingerprint(db: Client): Promise<Fingerprint> {
	const tables = (await appTables(db)).filter((name) => IGNORED[name] !== '*');
	const results = await readBatch(
		db,
		tables.map((name) => `SELECT * FROM "${name}"`)
	);
	const out: Fingerprint = {};
	tables.forEach((name, i) => {
		const skip = IGNORED[name] ?? [];
		const rows = results[i]?.rows ?? [];
		const columns = results[i]?.columns ?? [];
		out[name] = rows
			.map((row) =>
				JSON.stringify(
					columns
						.filter((c) => !skip.includes(c))
						.map((c) => {
							const v = row[c];
							if (v instanceof ArrayBuffer) return Buffer.from(v).toString('hex');
							return typeof v === 'bigint' ? String(v) : v;
						})
				)
			)
			.sort();
	});
	return out;
}

/** The tables whose rows differ, with what appeared and went, for a failure message. */
export function describeChanges(before: Fingerprint, after: Fingerprint): string[] {
	const names = new Set([...Object.keys(before), ...Object.keys(after)]);
	const changes: string[] = [];
	for (const name of names) {
		const a = new Set(before[name] ?? []);
		const b = new Set(after[name] ?? []);
		const gone = [...a].filter((row) => !b.has(row));
		const added = [...b].filter((row) => !a.has(row));
		if (gone.length === 0 && added.length === 0) continue;
		const show = (sign: string, rows: string[]) =>
			rows.length ? ` ${sign}${rows.length} ${rows.slice(0, 2).join(' ').slice(0, 300)}` : '';
		changes.push(`${name}:${show('-', gone)}${show('+', added)}`);
	}
	return changes;
}
