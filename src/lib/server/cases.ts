import { and, asc, count, desc, eq, inArray, isNull, gt, max, sql } from 'drizzle-orm';
import { getDb, preparedOn, write, type Tx } from './db';
import { caseEvents, caseInvites, caseMembers, cases, links, users } from './db/schema';
import type { CaseMember } from './db/schema';
import { byCase, byIds, caseAccess, checkAccess, facilitatorAccess } from './case-access';
import { putCaseEnvelopeIn } from './case-envelopes';
import { appendFirstEntryIn, countPending } from './case-log';
import { countNotices, leaveLogIn } from './case-notices';
import { auditIn } from './audit';
import { Problem } from './problem';
import type { SessionUser } from './auth/session';
import type { CaseEnvelopeInput, CaseRoleName, LogEntryInput, Stage } from './validation/cases';
import { dropFromUpcomingIn } from './meetings';
import { dropFromOpenPollsIn } from './meeting-polls';

/**
 * Cases as the server knows them: a short reference, who is in them with which role, stages as
 * events. Titles, summaries and notes are envelopes only facilitators' browsers can open.
 */

// No 0/O, 1/I/L or U: a reference is read aloud and typed from paper.
const REF_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

function newRef(length: number): string {
	const bytes = new Uint8Array(length);
	crypto.getRandomValues(bytes);
	// 256 is not a multiple of 30; the slight bias is harmless for a non-secret label.
	return 'C-' + Array.from(bytes, (b) => REF_ALPHABET[b % REF_ALPHABET.length]).join('');
}

async function uniqueRef(tx: Tx): Promise<string> {
	for (let attempt = 0; attempt < 20; attempt++) {
		const ref = newRef(attempt < 10 ? 4 : 6);
		const [taken] = await tx.select({ id: cases.id }).from(cases).where(eq(cases.ref, ref));
		if (!taken) return ref;
	}
	throw new Error('No free case reference');
}

export const CLOSED_STAGES: readonly Stage[] = ['closed', 'withdrawn'];

export async function currentStageIn(tx: Tx, caseId: string): Promise<Stage> {
	const [current] = await tx
		.select({ value: caseEvents.value })
		.from(caseEvents)
		.where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.kind, 'stage')))
		.orderBy(desc(caseEvents.id))
		.limit(1);
	return (current?.value as Stage | undefined) ?? 'referral';
}

/**
 * A facilitator opens a case: the browser made its id, signed the log's first entry and sealed
 * the title and summary for the facilitator alone. All of it lands together or not at all.
 */
export async function openCase(
	user: SessionUser,
	input: { caseId: string; entry: LogEntryInput; summary: CaseEnvelopeInput },
	now = Date.now()
) {
	if (user.orgRole !== 'facilitator' && user.orgRole !== 'admin') {
		throw new Problem(403, 'forbidden');
	}
	const { caseId, entry, summary } = input;
	const firstEntry =
		entry.seq === 0 &&
		entry.op === 'create' &&
		entry.role === 'facilitator' &&
		entry.supports === null &&
		entry.signer === user.id &&
		entry.subject.userId === user.id &&
		/^A+$/.test(entry.prev);
	if (!firstEntry) throw new Problem(400, 'bad_request');
	if (summary.kind !== 'case-summary' || summary.version !== 1 || summary.deleted) {
		throw new Problem(400, 'bad_request');
	}
	return write(async (tx) => {
		const [exists] = await tx.select({ id: cases.id }).from(cases).where(eq(cases.id, caseId));
		if (exists) throw new Problem(409, 'case_exists');
		const ref = await uniqueRef(tx);
		await tx
			.insert(cases)
			.values({ id: caseId, ref, leadId: user.id, createdBy: user.id, createdAt: now });
		await tx.insert(caseMembers).values({
			caseId,
			userId: user.id,
			role: 'facilitator',
			supports: null,
			displayName: user.displayName,
			fp: entry.subject.fp,
			joinedAt: now,
			statusAt: now
		});
		await tx
			.insert(caseEvents)
			.values({ caseId, at: now, actorId: user.id, kind: 'stage', value: 'referral' });
		await appendFirstEntryIn(tx, caseId, entry, now);
		await putCaseEnvelopeIn(tx, user.id, caseId, summary, now);
		await auditIn(
			tx,
			{ actorId: user.id, action: 'case.opened', objectType: 'case', objectId: caseId },
			now
		);
		return { id: caseId, ref };
	});
}

/** The current stage of each case: the latest stage event. */
export async function stagesOf(caseIds: readonly string[]): Promise<Map<string, Stage>> {
	if (caseIds.length === 0) return new Map();
	const db = getDb();
	const latest = db
		.select({ latestId: max(caseEvents.id).as('latest_id') })
		.from(caseEvents)
		.where(and(inArray(caseEvents.caseId, [...caseIds]), eq(caseEvents.kind, 'stage')))
		.groupBy(caseEvents.caseId)
		.as('latest');
	const rows = await db
		.select({ caseId: caseEvents.caseId, value: caseEvents.value })
		.from(caseEvents)
		.innerJoin(latest, eq(latest.latestId, caseEvents.id));
	return new Map(rows.map((r) => [r.caseId, r.value as Stage]));
}

export type CaseListItem = {
	id: string;
	ref: string;
	stage: Stage;
	myRole: (typeof caseMembers.$inferSelect)['role'];
	myStatus: (typeof caseMembers.$inferSelect)['status'];
	isLead: boolean;
	leadName: string;
	leadActive: boolean;
	people: number;
	pendingLog: number;
	/** Unseen safety signals ("I need to talk", "I don't feel safe"). */
	urgent: number;
	/** Unseen participation changes (paused, resumed, withdrawn). */
	notices: number;
	waitingInvites: number;
	createdAt: number;
};

/**
 * The cases a person is in (and may still open), newest first, with what needs attention: all
 * of them at once, counted case by case. The cases list shows a page at a time instead
 * (dashboard.ts); this stays the reference it is tested against, and the benchmarks' "before".
 */
export async function listCasesFor(userId: string, now = Date.now()): Promise<CaseListItem[]> {
	const db = getDb();
	const mine = await db
		.select({
			id: cases.id,
			ref: cases.ref,
			leadId: cases.leadId,
			createdAt: cases.createdAt,
			myRole: caseMembers.role,
			myStatus: caseMembers.status
		})
		.from(caseMembers)
		.innerJoin(cases, eq(cases.id, caseMembers.caseId))
		.where(and(eq(caseMembers.userId, userId), inArray(caseMembers.status, ['active', 'paused'])))
		.orderBy(desc(cases.createdAt));
	const ids = mine.map((c) => c.id);
	if (ids.length === 0) return [];
	const [stages, pending, notices, people, leads, invites] = await Promise.all([
		stagesOf(ids),
		countPending(ids),
		countNotices(ids),
		db
			.select({ caseId: caseMembers.caseId, n: count() })
			.from(caseMembers)
			.where(
				and(inArray(caseMembers.caseId, ids), inArray(caseMembers.status, ['active', 'paused']))
			)
			.groupBy(caseMembers.caseId)
			.then(byCase),
		db
			.select({ id: users.id, name: users.displayName, status: users.status })
			.from(users)
			.where(inArray(users.id, [...new Set(mine.map((c) => c.leadId))])),
		// From the few links still open (links_open_idx), not from every invitation of every
		// case: the unary + keeps SQLite from starting at the cases' invitations.
		db
			.select({ caseId: caseInvites.caseId, n: count() })
			.from(links)
			.innerJoin(caseInvites, eq(caseInvites.linkId, links.id))
			.where(
				and(
					isNull(links.usedAt),
					isNull(links.revokedAt),
					gt(links.expiresAt, now),
					inArray(sql`+${caseInvites.caseId}`, ids)
				)
			)
			.groupBy(caseInvites.caseId)
			.then(byCase)
	]);
	const leadBy = new Map(leads.map((l) => [l.id, l]));
	return mine.map((c) => {
		const facilitator = c.myRole === 'facilitator';
		const lead = leadBy.get(c.leadId);
		return {
			id: c.id,
			ref: c.ref,
			stage: stages.get(c.id) ?? 'referral',
			myRole: c.myRole,
			myStatus: c.myStatus,
			isLead: c.leadId === userId,
			leadName: lead?.name ?? '',
			leadActive: lead?.status === 'active',
			people: people.get(c.id) ?? 0,
			pendingLog: facilitator ? (pending.get(c.id) ?? 0) : 0,
			urgent: facilitator ? (notices.get(c.id)?.urgent ?? 0) : 0,
			notices: facilitator ? (notices.get(c.id)?.other ?? 0) : 0,
			waitingInvites: facilitator ? (invites.get(c.id) ?? 0) : 0,
			createdAt: c.createdAt
		};
	});
}

export type CasePerson = {
	userId: string;
	displayName: string;
	role: (typeof caseMembers.$inferSelect)['role'];
	supports: string | null;
	/** Only for facilitators and the person themselves: whether someone paused or left. */
	status: (typeof caseMembers.$inferSelect)['status'] | null;
	/** A facilitator whose account was deactivated: their cases need a new lead. */
	deactivated: boolean;
	isLead: boolean;
	/** A party's way of taking part: for facilitators, themselves, or everyone if they show it. */
	mode: CaseMember['mode'];
	/** Consent to joint meetings: for facilitators and the person themselves only. */
	jointConsent: CaseMember['jointConsent'];
	/** Whether they let the others see their way of taking part (same readers as consent). */
	modeShown: boolean | null;
};

type Viewer = { userId: string; role: CaseMember['role'] };
type Member = Pick<
	CaseMember,
	| 'userId'
	| 'displayName'
	| 'role'
	| 'supports'
	| 'status'
	| 'mode'
	| 'jointConsent'
	| 'modeShown'
	| 'joinedAt'
> & { userStatus: string };

/** Who is in a case as `viewer` may see them, from its members in the order they joined. */
function seenBy(members: Member[], leadId: string | null, viewer: Viewer): CasePerson[] {
	const facilitator = viewer.role === 'facilitator';
	return members
		.filter((p) => facilitator || p.status === 'active' || p.status === 'paused')
		.map((p): CasePerson => {
			const mine = facilitator || p.userId === viewer.userId;
			return {
				userId: p.userId,
				displayName: p.displayName,
				role: p.role,
				supports: p.supports,
				status: mine ? p.status : null,
				// A participant's deleted account reads as their withdrawal, not a deactivation.
				deactivated: p.role === 'facilitator' && p.userStatus !== 'active',
				isLead: p.userId === leadId,
				mode: mine || p.modeShown ? p.mode : null,
				jointConsent: mine ? p.jointConsent : null,
				modeShown: mine ? p.modeShown : null
			};
		});
}

/** Who is in a case as `viewer` may see them (the survivor's preview passes the other side). */
async function peopleSeenBy(caseId: string, leadId: string | null, viewer: Viewer) {
	const members = await getDb()
		.select({ member: caseMembers, userStatus: users.status })
		.from(caseMembers)
		.innerJoin(users, eq(users.id, caseMembers.userId))
		.where(eq(caseMembers.caseId, caseId))
		// In the order they joined (and were added, for the same moment), as `caseView`.
		.orderBy(asc(caseMembers.joinedAt), sql`${caseMembers}.rowid`);
	return seenBy(
		members.map(({ member, userStatus }) => ({ ...member, userStatus })),
		leadId,
		viewer
	);
}

type HistoryRow = { id: number; at: number; kind: string; value: string; actor: string | null };

/**
 * A case's page in one statement: who is asking (checked as `caseAccess` does), the case, its
 * stage (the latest stage event), everyone in it, and for a facilitator the newest 100 events,
 * the lists as JSON arrays. Built once.
 */
const caseViewRow = preparedOn((db) =>
	db
		.select({
			member: caseMembers,
			case: cases,
			userStatus: users.status,
			stage: sql<Stage | null>`(select ${caseEvents.value} from ${caseEvents}
				where ${caseEvents.caseId} = ${cases.id} and ${caseEvents.kind} = 'stage'
				order by ${caseEvents.id} desc limit 1)`,
			people: sql<string>`(select json_group_array(json_object('userId', pm.user_id,
					'displayName', pm.display_name, 'role', pm.role, 'supports', pm.supports,
					'status', pm.status, 'mode', pm.mode, 'jointConsent', pm.joint_consent,
					'modeShown', pm.mode_shown, 'joinedAt', pm.joined_at, 'userStatus', pu.status,
					'n', pm.rowid))
				from case_members pm inner join users pu on pu.id = pm.user_id
				where pm.case_id = ${cases.id})`,
			history: sql<string>`case when ${caseMembers.role} = 'facilitator' then
				(select json_group_array(json_object('id', id, 'at', at, 'kind', kind,
					'value', value, 'actor', actor))
				from (select e.id, e.at, e.kind, e.value, eu.display_name as actor
					from case_events e left join users eu on eu.id = e.actor_id
					where e.case_id = ${cases.id} order by e.id desc limit 100))
				else '[]' end`
		})
		.from(caseMembers)
		.innerJoin(cases, eq(cases.id, caseMembers.caseId))
		.innerJoin(users, eq(users.id, caseMembers.userId))
		.where(byIds)
		.prepare()
);

/**
 * One case as a member sees it. Everyone in a case sees who is in it (the log they validate
 * names them all); only facilitators see stages' history, and whether others paused or left.
 */
export async function caseView(userId: string, caseId: string, roles?: readonly CaseRoleName[]) {
	const [found] = await caseViewRow().all({ caseId, userId });
	const { member, case: row, stage, ...lists } = checkAccess(found, roles);
	const access = { member, isLead: row.leadId === userId };
	// json_group_array keeps no order a query can rely on: sorted here.
	const members = (
		JSON.parse(lists.people) as (Omit<Member, 'modeShown'> & { modeShown: 0 | 1; n: number })[]
	)
		.map((p) => ({ ...p, modeShown: !!p.modeShown }))
		// In the order they joined (and were added, for the same moment).
		.sort((a, b) => a.joinedAt - b.joinedAt || a.n - b.n);
	const people = seenBy(members, row.leadId, { userId, role: member.role });
	const history = (JSON.parse(lists.history) as HistoryRow[])
		.sort((a, b) => b.id - a.id)
		.map(({ at, kind, value, actor }) => ({ at, kind, value, actor }));
	return {
		id: row.id,
		ref: row.ref,
		stage: stage ?? 'referral',
		createdAt: row.createdAt,
		// Closed with an outcome: every member is told how it ended and when it will be deleted.
		outcome: row.closedAt === null ? null : row.outcome,
		closedAt: row.closedAt,
		me: { role: access.member.role, status: access.member.status, isLead: access.isLead },
		people,
		history
	};
}

/**
 * Moves a case to another open stage. Closing takes an outcome (agreements.ts `closeCase`), so
 * it is refused here; a closed case moved back to an open stage is reopened, which stops the
 * retention clock closing started.
 */
export async function setStage(actorId: string, caseId: string, stage: Stage, now = Date.now()) {
	await write(async (tx) => {
		await facilitatorAccess(actorId, caseId, tx);
		if (CLOSED_STAGES.includes(stage)) throw new Problem(400, 'close_with_outcome');
		const current = await currentStageIn(tx, caseId);
		if (current === stage) return;
		if (CLOSED_STAGES.includes(current)) {
			await tx.update(cases).set({ outcome: null, closedAt: null }).where(eq(cases.id, caseId));
		}
		await tx.insert(caseEvents).values({ caseId, at: now, actorId, kind: 'stage', value: stage });
		await auditIn(
			tx,
			{ actorId, action: 'case.stage_changed', objectType: 'case', objectId: caseId },
			now
		);
	});
}

/**
 * Hands the lead to another facilitator of the case. The lead does it; when the lead's
 * account was deactivated or they left the case, any facilitator of the case may take it on.
 */
export async function handOverLead(
	actorId: string,
	caseId: string,
	toId: string,
	now = Date.now()
) {
	await write(async (tx) => {
		const access = await facilitatorAccess(actorId, caseId, tx);
		if (!access.isLead) {
			const [lead] = await tx
				.select({ status: users.status, memberStatus: caseMembers.status })
				.from(cases)
				.innerJoin(users, eq(users.id, cases.leadId))
				.leftJoin(
					caseMembers,
					and(eq(caseMembers.caseId, cases.id), eq(caseMembers.userId, cases.leadId))
				)
				.where(eq(cases.id, caseId));
			const leadGone = !lead || lead.status !== 'active' || lead.memberStatus !== 'active';
			if (!leadGone) throw new Problem(403, 'forbidden');
		}
		await facilitatorAccess(toId, caseId, tx).catch((e: unknown) => {
			throw e instanceof Problem ? new Problem(400, 'lead_not_facilitator') : e;
		});
		await tx.update(cases).set({ leadId: toId }).where(eq(cases.id, caseId));
		await tx.insert(caseEvents).values({ caseId, at: now, actorId, kind: 'lead', value: toId });
		await auditIn(
			tx,
			{ actorId, action: 'case.lead_changed', objectType: 'case', objectId: caseId },
			now
		);
	});
}

/**
 * A deactivated facilitator leaves every case at once (the server refuses them from now on);
 * the matching log removals wait for the next facilitator browser to sign them.
 */
export async function removeFromCasesIn(tx: Tx, userId: string, now: number) {
	const rows = await tx
		.select()
		.from(caseMembers)
		.where(and(eq(caseMembers.userId, userId), inArray(caseMembers.status, ['active', 'paused'])));
	for (const m of rows) {
		await tx
			.update(caseMembers)
			.set({ status: 'removed', statusAt: now })
			.where(and(eq(caseMembers.caseId, m.caseId), eq(caseMembers.userId, userId)));
		await tx.insert(caseEvents).values({
			caseId: m.caseId,
			at: now,
			actorId: null,
			kind: 'member',
			value: `${userId} removed`
		});
		await leaveLogIn(tx, m, now);
		await dropFromUpcomingIn(tx, m.caseId, userId, now);
		await dropFromOpenPollsIn(tx, m.caseId, userId);
	}
}

/**
 * The survivor's preview of what the other side is shown: the same view a responsible party in
 * this case gets (or would get, before one has joined). Survivors only.
 */
export async function otherSideView(userId: string, caseId: string) {
	await caseAccess(userId, caseId, ['survivor']);
	const db = getDb();
	const [row] = await db.select().from(cases).where(eq(cases.id, caseId));
	if (!row) throw new Problem(404, 'case_not_found');
	const [party] = await db
		.select({ userId: caseMembers.userId })
		.from(caseMembers)
		.where(and(eq(caseMembers.caseId, caseId), eq(caseMembers.role, 'responsible')))
		.orderBy(asc(caseMembers.joinedAt))
		.limit(1);
	const viewer: Viewer = { userId: party?.userId ?? '', role: 'responsible' };
	const stages = await stagesOf([caseId]);
	return {
		ref: row.ref,
		stage: stages.get(caseId) ?? 'referral',
		partyJoined: !!party,
		people: await peopleSeenBy(caseId, row.leadId, viewer)
	};
}
