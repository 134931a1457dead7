import type { WireCaseEnvelope } from '$lib/case-envelope-wire';
import { and, desc, eq, gte, inArray, max, sql, type SQLWrapper } from 'drizzle-orm';
import { getDb, write, type Tx } from './db';
import {
	attachments,
	auditEvents,
	caseEnvelopes,
	caseWraps,
	meetingInvitees,
	meetings,
	type CaseMember
} from './db/schema';
import { caseAccess, rosterIn } from './case-access';
import { attachIn } from './attachments';
import { auditIn, type AuditEntry } from './audit';
import { DAY } from './retention';
import { Problem } from './problem';
import { countsTowardUnread, refreshUnreadIn } from './unread';
import {
	CASE_ENVELOPE_MAX_BYTES,
	type CaseEnvelopeInput,
	type CaseRoleName,
	type WrapInput
} from './validation/cases';

/**
 * Encrypted case objects. The server cannot open them and does not try; it mirrors the reader
 * rules (DESIGN §4) on its own membership tables so a wrap for someone who may never read a
 * kind is refused before it is stored, and serves each person only what is wrapped for them.
 * Browsers check everything again against the signed case log.
 */

export type CaseKind = CaseEnvelopeInput['kind'];
type Reader = ReturnType<typeof getDb> | Tx;

const FACILITATOR_KINDS = new Set<CaseKind>(['case-summary', 'facilitator-notes', 'invite-secret']);
/** Kinds whose versions all come from their first author: nobody else edits their words. */
const SINGLE_AUTHOR = new Set<CaseKind>(['input', 'interim-comment', 'conversation', 'relay']);
/** Kinds about one participant, named in `subject` (a conversation, a relay's recipient). */
const SUBJECT_KINDS = new Set<CaseKind>(['conversation', 'relay']);
/** Kinds only their author gives to more readers (DESIGN §4: a party's own input). */
const AUTHOR_ADDS = new Set<CaseKind>(['input']);

const AUTHORS: Record<CaseKind, readonly CaseRoleName[]> = {
	'case-summary': ['facilitator'],
	'facilitator-notes': ['facilitator'],
	'invite-secret': ['facilitator'],
	input: ['survivor', 'responsible'],
	'interim-summary': ['facilitator'],
	'interim-comment': ['survivor'],
	// Narrowed by subject below: a participant writes only in their own conversation.
	conversation: ['facilitator', 'survivor', 'responsible', 'supporter', 'community'],
	// Made only through relays.ts, when the author approves or shares (or by them, to delete).
	relay: ['survivor', 'responsible', 'supporter', 'community'],
	// A meeting's place, link and agenda: its object id is the meeting's id.
	meeting: ['facilitator'],
	// Made only through agreements.ts, which keeps the agreement's structure beside them.
	agreement: ['facilitator'],
	'check-in': ['responsible', 'facilitator']
};

/** Kinds stored only by the module that keeps their workflow (relays.ts, agreements.ts). */
const THROUGH_MODULE = new Set<CaseKind>(['relay', 'agreement', 'check-in']);

type Roster = Map<
	string,
	Pick<CaseMember, 'userId' | 'role' | 'supports' | 'status'> &
		Partial<Pick<CaseMember, 'followUp' | 'agreementToSupporters'>>
>;

function sideOf(userId: string, roster: Roster): 'survivor' | 'responsible' | null {
	const m = roster.get(userId);
	if (!m) return null;
	if (m.role === 'survivor' || m.role === 'responsible') return m.role;
	if (m.role !== 'supporter' || !m.supports) return null;
	const party = roster.get(m.supports);
	return party?.role === 'survivor' || party?.role === 'responsible' ? party.role : null;
}

/** The same reader table browsers apply (crypto/reader-rules.ts), on the server's roster. */
export function mayReadKind(
	kind: CaseKind,
	authorId: string,
	subject: string | null,
	readerId: string,
	roster: Roster
): boolean {
	const reader = roster.get(readerId);
	if (!reader || (reader.status !== 'active' && reader.status !== 'paused')) return false;
	if (FACILITATOR_KINDS.has(kind)) return reader.role === 'facilitator';
	if (kind === 'conversation') return reader.role === 'facilitator' || readerId === subject;
	if (kind === 'relay') {
		return reader.role === 'facilitator' || readerId === authorId || readerId === subject;
	}
	// Any member may be invited; checkMeetingReaders narrows it to this meeting's invitees.
	if (kind === 'meeting') return true;
	// The agreement: facilitators, the parties, and supporters their party chose to let read it.
	if (kind === 'agreement') {
		if (reader.role === 'supporter') {
			return !!reader.supports && !!roster.get(reader.supports)?.agreementToSupporters;
		}
		return ['facilitator', 'survivor', 'responsible'].includes(reader.role);
	}
	// A check-in: facilitators, its author, and a survivor only while they chose every update.
	if (kind === 'check-in') {
		if (reader.role === 'survivor') return reader.followUp === 'all';
		return reader.role === 'facilitator' || readerId === authorId;
	}
	if (kind === 'interim-summary' || kind === 'interim-comment') {
		return reader.role === 'facilitator' || reader.role === 'survivor';
	}
	// A party's own input: the author, facilitators, and only people on the author's side.
	if (readerId === authorId || reader.role === 'facilitator') return true;
	const mine = sideOf(authorId, roster);
	if (!mine) return false;
	const theirs = sideOf(readerId, roster);
	if (reader.role === 'supporter') return theirs === mine;
	return theirs === null || theirs === mine;
}

function checkWraps(
	kind: CaseKind,
	actorId: string,
	authorId: string,
	subject: string | null,
	wraps: readonly WrapInput[],
	roster: Roster
) {
	const seen = new Set<string>();
	for (const w of wraps) {
		if (w.wrapper !== actorId || seen.has(w.reader)) throw new Problem(400, 'bad_request');
		seen.add(w.reader);
		if (!mayReadKind(kind, authorId, subject, w.reader, roster))
			throw new Problem(403, 'reader_not_allowed');
		// Survivors get check-ins from facilitators, as their follow-up choice says: a responsible
		// party can never reach a survivor directly through one (DESIGN §4).
		const toSurvivor = roster.get(w.reader)?.role === 'survivor';
		if (kind === 'check-in' && toSurvivor && roster.get(actorId)?.role !== 'facilitator') {
			throw new Problem(403, 'reader_not_allowed');
		}
	}
}

/** Base64url characters to bytes, near enough to enforce a size limit. */
const bytesOf = (b64: string) => Math.floor((b64.length * 3) / 4);

/**
 * Stores the next version of a case object, checked against the server's roster: the author's
 * role may write this kind, every reader may read it, versions go up by exactly one, and only
 * the first author continues a single-author object. A tombstone takes every earlier version
 * (body and wraps) with it, at once.
 */
export async function putCaseEnvelopeIn(
	tx: Tx,
	actorId: string,
	caseId: string,
	input: CaseEnvelopeInput,
	now: number,
	/**
	 * Set by the module that keeps a kind's workflow (relays.ts, agreements.ts): a relay is made
	 * when its author approves or shares it, agreement text and check-ins with their structure.
	 */
	throughModule = false
) {
	const access = await caseAccess(actorId, caseId, undefined, tx);
	if (!AUTHORS[input.kind].includes(access.member.role)) throw new Problem(403, 'forbidden');
	// Its author may still take back a relay; a signed agreement or a check-in is never taken
	// back on its own (that would leave its structure pointing at nothing).
	const takeBack = input.kind === 'relay' && input.deleted;
	if (THROUGH_MODULE.has(input.kind) && !throughModule && !takeBack) {
		throw new Problem(403, 'forbidden');
	}
	if (bytesOf(input.body) > CASE_ENVELOPE_MAX_BYTES) throw new Problem(413, 'too_large');
	// A tombstone's body is an empty secretbox: nothing of the content stays.
	if (input.deleted && input.body.length > 64) throw new Problem(400, 'bad_request');
	// The author keeps a wrap of their own: they can always read (and revise) what they wrote.
	if (!input.wraps.some((w) => w.reader === actorId)) throw new Problem(400, 'bad_request');
	const roster = await rosterIn(tx, caseId);
	checkSubject(input, actorId, access.member.role, roster);
	checkWraps(input.kind, actorId, actorId, input.subject, input.wraps, roster);
	// A tombstone too: a wrap of it would still tell its reader the meeting's id.
	if (input.kind === 'meeting') {
		await checkMeetingReaders(tx, caseId, input.objectId, input.wraps, roster);
	}
	if (input.attachment && input.deleted) throw new Problem(400, 'bad_request');

	const [first] = await tx
		.select({
			kind: caseEnvelopes.kind,
			authorId: caseEnvelopes.authorId,
			subject: caseEnvelopes.subject
		})
		.from(caseEnvelopes)
		.where(and(eq(caseEnvelopes.caseId, caseId), eq(caseEnvelopes.objectId, input.objectId)))
		.orderBy(caseEnvelopes.version)
		.limit(1);
	const [latest] = await tx
		.select({ version: caseEnvelopes.version, deleted: caseEnvelopes.deleted })
		.from(caseEnvelopes)
		.where(and(eq(caseEnvelopes.caseId, caseId), eq(caseEnvelopes.objectId, input.objectId)))
		.orderBy(desc(caseEnvelopes.version))
		.limit(1);
	if (first && (first.kind !== input.kind || first.subject !== input.subject)) {
		throw new Problem(400, 'bad_request');
	}
	if (first && SINGLE_AUTHOR.has(input.kind) && first.authorId !== actorId) {
		throw new Problem(403, 'forbidden');
	}
	if (latest?.deleted) throw new Problem(410, 'deleted');
	if (input.version !== (latest?.version ?? 0) + 1) throw new Problem(409, 'version_conflict');
	if (!latest && input.deleted) throw new Problem(400, 'bad_request');

	if (input.deleted) {
		const where = and(eq(caseWraps.caseId, caseId), eq(caseWraps.objectId, input.objectId));
		await tx.delete(caseWraps).where(where);
		await tx
			.delete(caseEnvelopes)
			.where(and(eq(caseEnvelopes.caseId, caseId), eq(caseEnvelopes.objectId, input.objectId)));
	}
	await tx.insert(caseEnvelopes).values({
		caseId,
		objectId: input.objectId,
		version: input.version,
		kind: input.kind,
		authorId: actorId,
		subject: input.subject,
		deleted: input.deleted,
		header: input.header,
		body: input.body,
		size: input.header.length + input.body.length,
		createdAt: now
	});
	await tx.insert(caseWraps).values(
		input.wraps.map((w) => ({
			caseId,
			objectId: input.objectId,
			version: input.version,
			readerId: w.reader,
			wrapperId: w.wrapper,
			box: w.box
		}))
	);
	// New to its readers (or, a tombstone, no longer new): their dashboards' counts.
	if (countsTowardUnread(input.kind)) await refreshUnreadIn(tx, caseId);
	if (input.attachment) await attachIn(tx, actorId, caseId, input.attachment, input);
	// A party's own words: that they were written or taken back, never what they say.
	if (input.kind === 'input' && (input.version === 1 || input.deleted)) {
		await auditIn(
			tx,
			{
				actorId,
				action: input.deleted ? 'case.input_deleted' : 'input.created',
				objectType: 'input',
				objectId: input.objectId,
				caseId,
				subjectId: actorId
			},
			now
		);
	}
}

/** How an object shows in the audit: its own type for the kinds people ask about. */
function auditType(kind: CaseKind): AuditEntry['objectType'] {
	if (kind === 'input' || kind === 'meeting' || kind === 'agreement') return kind;
	return 'envelope';
}

/**
 * A meeting's details are for the facilitators and that meeting's invitees only: the server
 * knows who is invited (DESIGN §5), so it keeps everyone else's wraps out.
 */
async function checkMeetingReaders(
	tx: Tx,
	caseId: string,
	meetingId: string,
	wraps: readonly WrapInput[],
	roster: Roster
) {
	const [meeting] = await tx
		.select({ id: meetings.id })
		.from(meetings)
		.where(and(eq(meetings.id, meetingId), eq(meetings.caseId, caseId)));
	if (!meeting) throw new Problem(404, 'meeting_not_found');
	const invited = await tx
		.select({ userId: meetingInvitees.userId })
		.from(meetingInvitees)
		.where(eq(meetingInvitees.meetingId, meetingId));
	const ids = new Set(invited.map((i) => i.userId));
	for (const w of wraps) {
		if (roster.get(w.reader)?.role !== 'facilitator' && !ids.has(w.reader)) {
			throw new Problem(403, 'reader_not_allowed');
		}
	}
}

/**
 * A conversation is with one participant (never a facilitator), and a participant writes only
 * in their own; a relay goes to someone else present in the case. Other kinds have no subject.
 */
function checkSubject(input: CaseEnvelopeInput, actorId: string, role: string, roster: Roster) {
	if (!SUBJECT_KINDS.has(input.kind)) {
		if (input.subject !== null) throw new Problem(400, 'bad_request');
		return;
	}
	// Words can always be taken back, even after the person they were for has left: a tombstone
	// only has to name the object's own subject (checked against its first version).
	if (input.deleted) return;
	const subject = input.subject ? roster.get(input.subject) : undefined;
	const present = subject && (subject.status === 'active' || subject.status === 'paused');
	if (!subject || !present || subject.role === 'facilitator') {
		throw input.kind === 'relay'
			? new Problem(400, 'relay_target')
			: new Problem(404, 'person_not_found');
	}
	if (input.kind === 'conversation' && role !== 'facilitator' && input.subject !== actorId) {
		throw new Problem(403, 'forbidden');
	}
	if (input.kind === 'relay' && input.subject === actorId) throw new Problem(400, 'relay_target');
}

export async function putCaseEnvelope(
	actorId: string,
	caseId: string,
	input: CaseEnvelopeInput,
	now = Date.now()
) {
	await write((tx) => putCaseEnvelopeIn(tx, actorId, caseId, input, now));
}

/**
 * More readers for one version: any facilitator for the kinds facilitators share, only the
 * author for a party's own words. A reader who already has a wrap keeps it.
 */
export async function addCaseWraps(
	actorId: string,
	caseId: string,
	objectId: string,
	body: { version: number; wraps: WrapInput[] },
	now = Date.now()
) {
	await write((tx) => addCaseWrapsIn(tx, actorId, caseId, objectId, body, now));
}

/** `addCaseWraps` inside a transaction; returns the kind of the object. */
export async function addCaseWrapsIn(
	tx: Tx,
	actorId: string,
	caseId: string,
	objectId: string,
	body: { version: number; wraps: WrapInput[] },
	now = Date.now()
): Promise<CaseKind> {
	const access = await caseAccess(actorId, caseId, undefined, tx);
	const [row] = await tx
		.select()
		.from(caseEnvelopes)
		.where(
			and(
				eq(caseEnvelopes.caseId, caseId),
				eq(caseEnvelopes.objectId, objectId),
				eq(caseEnvelopes.version, body.version)
			)
		);
	if (!row || row.deleted) throw new Problem(404, 'not_found');
	const kind = row.kind as CaseKind;
	// The author may always add readers; facilitators too, except to a party's own input.
	const mayAdd =
		row.authorId === actorId || (!AUTHOR_ADDS.has(kind) && access.member.role === 'facilitator');
	if (!mayAdd) throw new Problem(403, 'forbidden');
	const roster = await rosterIn(tx, caseId);
	checkWraps(kind, actorId, row.authorId, row.subject, body.wraps, roster);
	if (kind === 'meeting') await checkMeetingReaders(tx, caseId, objectId, body.wraps, roster);
	const added = await tx
		.insert(caseWraps)
		.values(
			body.wraps.map((w) => ({
				caseId,
				objectId,
				version: body.version,
				readerId: w.reader,
				wrapperId: w.wrapper,
				box: w.box
			}))
		)
		.onConflictDoNothing()
		.returning({ readerId: caseWraps.readerId });
	if (added.length > 0 && countsTowardUnread(kind)) {
		await refreshUnreadIn(
			tx,
			caseId,
			added.map((a) => a.readerId)
		);
	}
	if (added.length > 0) {
		await auditIn(
			tx,
			{
				actorId,
				action: 'readers.added',
				objectType: auditType(kind),
				objectId,
				caseId,
				subjectId: row.authorId === actorId ? null : row.authorId
			},
			now
		);
	}
	return kind;
}

export type StoredCaseEnvelope = WireCaseEnvelope<CaseKind>;

/** A wrap belongs to one version of one object (a join condition for case_wraps). */
export const wrapOfVersion = and(
	eq(caseEnvelopes.caseId, caseWraps.caseId),
	eq(caseEnvelopes.objectId, caseWraps.objectId),
	eq(caseEnvelopes.version, caseWraps.version)
);

/**
 * The wrap of that version for this reader. The unary `+` keeps SQLite from starting at the
 * reader's index (every wrap they hold in every case: thousands for a busy facilitator) and
 * makes it start from the kinds asked for in the cases asked for, then look the wrap up.
 */
export const wrapFor = (readerId: string | SQLWrapper) =>
	and(wrapOfVersion, sql`+${caseWraps.readerId} = ${readerId}`);

/**
 * The newest version of each object of these kinds that is wrapped for me, with my wrap and
 * the list of readers. Objects I have no wrap for do not exist, as far as I can tell.
 */
export async function listCaseEnvelopes(
	userId: string,
	caseId: string,
	kinds: readonly CaseKind[],
	/** Only objects about this participant (a conversation). */
	subject?: string,
	now = Date.now()
): Promise<StoredCaseEnvelope[]> {
	await caseAccess(userId, caseId);
	const found = await latestWrappedFor(userId, [caseId], kinds, subject);
	const out = found.map((f) => f.envelope);
	await noteInputsFetched(userId, caseId, out, now);
	return out;
}

/**
 * `listCaseEnvelopes` across cases the caller has already checked the person may read in, in
 * three queries however many cases and objects (the versions with my wrap, every reader of
 * them, their files), oldest first. Nothing is recorded as fetched: that is the caller's part.
 */
export async function latestWrappedFor(
	userId: string,
	caseIds: readonly string[],
	kinds: readonly CaseKind[],
	subject?: string
): Promise<{ caseId: string; envelope: StoredCaseEnvelope }[]> {
	if (caseIds.length === 0) return [];
	const db = getDb();
	const latest = db
		.select({
			caseId: caseEnvelopes.caseId,
			objectId: caseEnvelopes.objectId,
			version: max(caseEnvelopes.version).as('latest_version')
		})
		.from(caseEnvelopes)
		.innerJoin(caseWraps, wrapFor(userId))
		.where(
			and(
				inArray(caseEnvelopes.caseId, [...caseIds]),
				inArray(caseEnvelopes.kind, [...kinds]),
				subject === undefined ? undefined : eq(caseEnvelopes.subject, subject)
			)
		)
		// In the kind index's order (an object keeps its kind), so SQLite starts from it.
		.groupBy(caseEnvelopes.caseId, caseEnvelopes.kind, caseEnvelopes.objectId)
		.as('latest');
	const isLatest = (t: typeof caseEnvelopes | typeof caseWraps | typeof attachments) =>
		and(
			eq(t.caseId, latest.caseId),
			eq(t.objectId, latest.objectId),
			eq(t.version, latest.version)
		);
	const rows = await db
		.select({ envelope: caseEnvelopes })
		.from(latest)
		.innerJoin(caseEnvelopes, isLatest(caseEnvelopes));
	if (rows.length === 0) return [];
	const [wraps, files] = await Promise.all([
		db.select({ wrap: caseWraps }).from(latest).innerJoin(caseWraps, isLatest(caseWraps)),
		db
			.select({
				caseId: attachments.caseId,
				objectId: attachments.objectId,
				id: attachments.id,
				size: attachments.size,
				chunkCount: attachments.chunkCount
			})
			.from(latest)
			.innerJoin(attachments, isLatest(attachments))
	]);
	const key = (caseId: string, objectId: string | null) => `${caseId} ${objectId}`;
	const readersOf = new Map<string, Wrap[]>();
	for (const { wrap } of wraps) {
		const k = key(wrap.caseId, wrap.objectId);
		readersOf.set(k, [...(readersOf.get(k) ?? []), wrap]);
	}
	const fileOf = new Map<string, { id: string; size: number; chunkCount: number }>();
	for (const f of files) {
		const k = key(f.caseId, f.objectId);
		if (!fileOf.has(k)) fileOf.set(k, { id: f.id, size: f.size, chunkCount: f.chunkCount });
	}
	const out: { caseId: string; envelope: StoredCaseEnvelope }[] = [];
	for (const { envelope: row } of rows) {
		const k = key(row.caseId, row.objectId);
		const all = readersOf.get(k) ?? [];
		const wrap = all.find((w) => w.readerId === userId);
		if (!wrap) continue;
		out.push({ caseId: row.caseId, envelope: toWire(row, wrap, all, fileOf.get(k)) });
	}
	// Ties in time keep the order of the object ids, as grouping by object gives them.
	return out.sort(
		(a, b) =>
			a.envelope.createdAt - b.envelope.createdAt ||
			(a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0) ||
			(a.envelope.objectId < b.envelope.objectId
				? -1
				: a.envelope.objectId > b.envelope.objectId
					? 1
					: 0)
	);
}

/**
 * Someone other than its author fetched a party's own words: the author can see who and when.
 * Once per reader per object a UTC day, and again once a newer version exists, so reloading a
 * page does not flood the log (the version itself is not recorded). Checked before taking the
 * write lock, and again inside it.
 */
async function noteInputsFetched(
	readerId: string,
	caseId: string,
	rows: readonly StoredCaseEnvelope[],
	now: number
) {
	const read = rows.filter((r) => r.kind === 'input' && !r.deleted && r.authorId !== readerId);
	if (read.length === 0) return;
	const today = now - (now % DAY);
	const noted = async (db: Reader, r: StoredCaseEnvelope) => {
		const [row] = await db
			.select({ id: auditEvents.id })
			.from(auditEvents)
			.where(
				and(
					eq(auditEvents.actorId, readerId),
					eq(auditEvents.action, 'input.fetched'),
					eq(auditEvents.caseId, caseId),
					eq(auditEvents.objectId, r.objectId),
					gte(auditEvents.at, Math.max(today, r.createdAt))
				)
			)
			.limit(1);
		return !!row;
	};
	const due: StoredCaseEnvelope[] = [];
	for (const r of read) if (!(await noted(getDb(), r))) due.push(r);
	if (due.length === 0) return;
	await write(async (tx) => {
		for (const r of due) {
			if (await noted(tx, r)) continue;
			await auditIn(
				tx,
				{
					actorId: readerId,
					action: 'input.fetched',
					objectType: 'input',
					objectId: r.objectId,
					caseId,
					subjectId: r.authorId
				},
				now
			);
		}
	});
}

async function getVersionFor(userId: string, caseId: string, objectId: string, version: number) {
	const db = getDb();
	const [row] = await db
		.select()
		.from(caseEnvelopes)
		.where(
			and(
				eq(caseEnvelopes.caseId, caseId),
				eq(caseEnvelopes.objectId, objectId),
				eq(caseEnvelopes.version, version)
			)
		);
	if (!row) return null;
	const wraps = await db
		.select()
		.from(caseWraps)
		.where(
			and(
				eq(caseWraps.caseId, caseId),
				eq(caseWraps.objectId, objectId),
				eq(caseWraps.version, version)
			)
		);
	const wrap = wraps.find((w) => w.readerId === userId);
	if (!wrap) return null;
	const [file] = await db
		.select({ id: attachments.id, size: attachments.size, chunkCount: attachments.chunkCount })
		.from(attachments)
		.where(
			and(
				eq(attachments.caseId, caseId),
				eq(attachments.objectId, objectId),
				eq(attachments.version, version)
			)
		);
	return toWire(row, wrap, wraps, file);
}

type Wrap = typeof caseWraps.$inferSelect;

/** One version as one reader receives it: their own wrap, and the ids of everyone who may read. */
function toWire(
	row: typeof caseEnvelopes.$inferSelect,
	mine: Wrap,
	all: Wrap[],
	file: StoredCaseEnvelope['attachment'] | undefined
): StoredCaseEnvelope {
	return {
		v: 1,
		kind: row.kind as CaseKind,
		objectId: row.objectId,
		version: row.version,
		subject: row.subject,
		deleted: row.deleted,
		authorId: row.authorId,
		header: row.header,
		body: row.body,
		wrap: { reader: mine.readerId, wrapper: mine.wrapperId, box: mine.box },
		readers: all.map((w) => w.readerId).sort(),
		createdAt: row.createdAt,
		attachment: file ?? null
	};
}

/** One version, if it is wrapped for me; anything else is "not found". */
export async function getCaseEnvelope(
	userId: string,
	caseId: string,
	objectId: string,
	version: number,
	now = Date.now()
) {
	await caseAccess(userId, caseId);
	const found = await getVersionFor(userId, caseId, objectId, version);
	if (!found) throw new Problem(404, 'not_found');
	await noteInputsFetched(userId, caseId, [found], now);
	return found;
}

/** Versions of an object I can open (for "earlier versions"), newest first. */
export async function listVersions(userId: string, caseId: string, objectId: string) {
	await caseAccess(userId, caseId);
	const rows = await getDb()
		.select({ version: caseWraps.version, createdAt: caseEnvelopes.createdAt })
		.from(caseWraps)
		.innerJoin(caseEnvelopes, wrapOfVersion)
		.where(
			and(
				eq(caseWraps.caseId, caseId),
				eq(caseWraps.objectId, objectId),
				eq(caseWraps.readerId, userId)
			)
		)
		.orderBy(desc(caseWraps.version));
	return rows;
}

/** Where the inviting browser keeps an invite's secret (a facilitators-only envelope). */
export const inviteSecretObject = (inviteId: string) => `inv-${inviteId}`;

/** An invite used or withdrawn: its secret is of no more use, so it goes (wraps and all). */
export async function dropSecretIn(tx: Tx, caseId: string, inviteId: string) {
	const objectId = inviteSecretObject(inviteId);
	await tx
		.delete(caseWraps)
		.where(and(eq(caseWraps.caseId, caseId), eq(caseWraps.objectId, objectId)));
	await tx
		.delete(caseEnvelopes)
		.where(and(eq(caseEnvelopes.caseId, caseId), eq(caseEnvelopes.objectId, objectId)));
}
