import { and, count, countDistinct, eq, inArray, isNotNull, or } from 'drizzle-orm';
import { getDb } from './db';
import {
	agreementConsents,
	auditEvents,
	agreementItems,
	agreements,
	caseEnvelopes,
	caseMembers,
	caseNotices,
	cases,
	checkIns,
	deviceShares,
	identities,
	itemApprovals,
	keyWraps,
	meetingInvitees,
	meetings,
	passkeys,
	personalEnvelopes,
	sessions,
	users
} from './db/schema';
import { listAuditAbout } from './audit';
import { stagesOf } from './cases';
import { config } from './config';
import { DEVICE_SHARE_IDLE_MS } from './keys';
import { Problem } from './problem';
import { caseDeleteAt, DAY, retentionPolicy, type RetentionPolicy } from './retention';
import type { AccountDeletion, AuditWho, KeptAbout, KeptCase, KeptEvent } from '$lib/kept-types';

export type { KeptAbout };

/**
 * "What is kept about me" (DESIGN §6): every row the server keeps about one person, what it is
 * for and when it goes, as structure and counts only. Nothing here opens or returns content, and
 * nothing is read from a case the person is not in.
 */

/** The newest events are listed; a person with more is told how many there are in all. */
const EVENTS_SHOWN = 500;

const byKey = <T>(rows: (T & { caseId: string; n: number })[]) =>
	new Map(rows.map((r) => [r.caseId, r.n]));

export async function keptAbout(userId: string, now = Date.now()): Promise<KeptAbout> {
	const db = getDb();
	const [user] = await db.select().from(users).where(eq(users.id, userId));
	if (!user) throw new Problem(404, 'not_found');
	const policy = await retentionPolicy();
	const { sessionIdleMs } = config();

	const [keys, wraps, myPasskeys, mySessions, devices, personal] = await Promise.all([
		db
			.select({ createdAt: identities.createdAt })
			.from(identities)
			.where(eq(identities.userId, userId)),
		db
			.select({ kind: keyWraps.kind, createdAt: keyWraps.createdAt })
			.from(keyWraps)
			.where(eq(keyWraps.userId, userId)),
		db
			.select({
				name: passkeys.name,
				createdAt: passkeys.createdAt,
				lastUsedAt: passkeys.lastUsedAt
			})
			.from(passkeys)
			.where(eq(passkeys.userId, userId))
			.orderBy(passkeys.createdAt),
		db
			.select({
				createdAt: sessions.createdAt,
				lastActiveAt: sessions.lastActiveAt,
				expiresAt: sessions.expiresAt
			})
			.from(sessions)
			.where(eq(sessions.userId, userId))
			.orderBy(sessions.createdAt),
		db
			.select({ createdAt: deviceShares.createdAt, lastUsedAt: deviceShares.lastUsedAt })
			.from(deviceShares)
			.where(eq(deviceShares.userId, userId))
			.orderBy(deviceShares.createdAt),
		db
			.select({
				kind: personalEnvelopes.kind,
				deleted: personalEnvelopes.deleted,
				caseId: personalEnvelopes.caseId,
				n: count()
			})
			.from(personalEnvelopes)
			.where(eq(personalEnvelopes.userId, userId))
			.groupBy(personalEnvelopes.kind, personalEnvelopes.deleted, personalEnvelopes.caseId)
	]);

	const myCases = await casesOf(userId, policy);
	return {
		account: {
			displayName: user.displayName,
			orgRole: user.orgRole,
			createdAt: user.createdAt,
			deletion: accountDeletion(user, myCases, policy, now)
		},
		passkeys: myPasskeys,
		// A session ends at whichever comes first: its absolute end, or the idle limit.
		sessions: mySessions.map((s) => ({
			createdAt: s.createdAt,
			lastActiveAt: s.lastActiveAt,
			endsAt: Math.min(s.expiresAt, s.lastActiveAt + sessionIdleMs)
		})),
		devices: devices.map((d) => ({ ...d, deleteAt: d.lastUsedAt + DEVICE_SHARE_IDLE_MS })),
		keys: {
			publishedAt: keys[0]?.createdAt ?? null,
			passkeyCopies: wraps.filter((w) => w.kind === 'prf').length,
			recoveryCopies: wraps.filter((w) => w.kind === 'recovery').length
		},
		personal: personalCounts(personal),
		cases: myCases,
		events: await eventsAbout(userId, myCases, policy),
		eventsTotal: await countAuditAbout(userId),
		policy
	};
}

function personalCounts(
	rows: { kind: string; deleted: boolean; caseId: string | null; n: number }[]
) {
	const sum = (f: (r: (typeof rows)[number]) => boolean) =>
		rows.filter(f).reduce((a, r) => a + r.n, 0);
	return {
		notebook: sum((r) => r.kind === 'notebook' && !r.deleted),
		drafts: sum((r) => r.kind === 'draft' && !r.deleted),
		settings: sum((r) => r.kind === 'personal-state' && !r.deleted),
		/** Deleted pages and drafts: only a marker with no words stays, so a version never returns. */
		markers: sum((r) => r.deleted)
	};
}

function accountDeletion(
	user: typeof users.$inferSelect,
	myCases: { closedAt: number | null; deleteAt: number | null }[],
	policy: RetentionPolicy,
	now: number
): AccountDeletion {
	if (user.orgRole) return { rule: 'admin' };
	const days = policy.orphanDays;
	const after = (start: number) => start + days * DAY;
	if (user.orphanedAt !== null) return { rule: 'orphan', days, at: after(user.orphanedAt) };
	// No case at all: the clock starts at the next clean-up, minutes from now.
	if (myCases.length === 0) return { rule: 'orphan', days, at: after(now) };
	// Every case closed: the last one to go starts the clock.
	if (myCases.every((c) => c.deleteAt !== null)) {
		return { rule: 'orphan', days, at: after(Math.max(...myCases.map((c) => c.deleteAt!))) };
	}
	return { rule: 'orphan', days, at: null };
}

/** Every case the person is or was in, with counts of what is theirs in it. */
async function casesOf(userId: string, policy: RetentionPolicy) {
	const db = getDb();
	const rows = await db
		.select({
			caseId: cases.id,
			ref: cases.ref,
			closedAt: cases.closedAt,
			role: caseMembers.role,
			status: caseMembers.status,
			joinedAt: caseMembers.joinedAt
		})
		.from(caseMembers)
		.innerJoin(cases, eq(cases.id, caseMembers.caseId))
		.where(eq(caseMembers.userId, userId))
		.orderBy(caseMembers.joinedAt);
	const ids = rows.map((r) => r.caseId);
	if (ids.length === 0) return [];
	const [stages, wrote, invited, owned, written, consents, answers, notices, drafts] =
		await Promise.all([
			stagesOf(ids),
			db
				.select({
					caseId: caseEnvelopes.caseId,
					kind: caseEnvelopes.kind,
					n: countDistinct(caseEnvelopes.objectId)
				})
				.from(caseEnvelopes)
				.where(
					and(
						inArray(caseEnvelopes.caseId, ids),
						eq(caseEnvelopes.authorId, userId),
						eq(caseEnvelopes.deleted, false)
					)
				)
				.groupBy(caseEnvelopes.caseId, caseEnvelopes.kind),
			db
				.select({ caseId: meetings.caseId, n: count() })
				.from(meetingInvitees)
				.innerJoin(meetings, eq(meetings.id, meetingInvitees.meetingId))
				.where(and(eq(meetingInvitees.userId, userId), inArray(meetings.caseId, ids)))
				.groupBy(meetings.caseId)
				.then(byKey),
			db
				.select({ caseId: agreements.caseId, n: countDistinct(agreementItems.itemId) })
				.from(agreementItems)
				.innerJoin(agreements, eq(agreements.id, agreementItems.agreementId))
				.where(and(eq(agreementItems.ownerId, userId), inArray(agreements.caseId, ids)))
				.groupBy(agreements.caseId)
				.then(byKey),
			db
				.select({ caseId: checkIns.caseId, n: count() })
				.from(checkIns)
				.where(and(eq(checkIns.authorId, userId), inArray(checkIns.caseId, ids)))
				.groupBy(checkIns.caseId)
				.then(byKey),
			db
				.select({ caseId: agreements.caseId, n: count() })
				.from(agreementConsents)
				.innerJoin(agreements, eq(agreements.id, agreementConsents.agreementId))
				.where(and(eq(agreementConsents.userId, userId), inArray(agreements.caseId, ids)))
				.groupBy(agreements.caseId)
				.then(byKey),
			db
				.select({ caseId: agreements.caseId, n: count() })
				.from(itemApprovals)
				.innerJoin(agreements, eq(agreements.id, itemApprovals.agreementId))
				.where(and(eq(itemApprovals.userId, userId), inArray(agreements.caseId, ids)))
				.groupBy(agreements.caseId)
				.then(byKey),
			db
				.select({ caseId: caseNotices.caseId, n: count() })
				.from(caseNotices)
				.where(and(eq(caseNotices.userId, userId), inArray(caseNotices.caseId, ids)))
				.groupBy(caseNotices.caseId)
				.then(byKey),
			db
				.select({ caseId: personalEnvelopes.caseId, n: count() })
				.from(personalEnvelopes)
				.where(
					and(
						eq(personalEnvelopes.userId, userId),
						isNotNull(personalEnvelopes.caseId),
						eq(personalEnvelopes.deleted, false)
					)
				)
				.groupBy(personalEnvelopes.caseId)
				.then((r) => byKey(r.map((x) => ({ caseId: x.caseId ?? '', n: x.n }))))
		]);
	return rows.map((r): KeptCase => ({
		caseId: r.caseId,
		ref: r.ref,
		role: r.role,
		status: r.status,
		stage: stages.get(r.caseId) ?? 'referral',
		joinedAt: r.joinedAt,
		closedAt: r.closedAt,
		deleteAt: r.closedAt === null ? null : caseDeleteAt(r.closedAt, policy),
		wrote: Object.fromEntries(wrote.filter((w) => w.caseId === r.caseId).map((w) => [w.kind, w.n])),
		meetings: invited.get(r.caseId) ?? 0,
		itemsOwned: owned.get(r.caseId) ?? 0,
		checkIns: written.get(r.caseId) ?? 0,
		consents: consents.get(r.caseId) ?? 0,
		itemAnswers: answers.get(r.caseId) ?? 0,
		notices: notices.get(r.caseId) ?? 0,
		drafts: drafts.get(r.caseId) ?? 0
	}));
}

/**
 * The audit events about the person (what they did, and what others did to what is theirs),
 * with who did it named as the person knows them: by their name in the case the event belongs
 * to, else their account name. A case the person is not in is never named.
 */
async function eventsAbout(
	userId: string,
	myCases: { caseId: string; ref: string; deleteAt: number | null }[],
	policy: RetentionPolicy
): Promise<KeptEvent[]> {
	const events = await listAuditAbout(userId, EVENTS_SHOWN);
	const mine = new Map(myCases.map((c) => [c.caseId, c]));
	const actors = [...new Set(events.map((e) => e.actorId).filter((id): id is string => !!id))];
	const db = getDb();
	const [accounts, inCases] =
		actors.length === 0
			? [[], []]
			: await Promise.all([
					db
						.select({ id: users.id, name: users.displayName })
						.from(users)
						.where(inArray(users.id, actors)),
					myCases.length === 0
						? []
						: db
								.select({
									caseId: caseMembers.caseId,
									userId: caseMembers.userId,
									name: caseMembers.displayName
								})
								.from(caseMembers)
								.where(
									and(
										inArray(caseMembers.userId, actors),
										inArray(
											caseMembers.caseId,
											myCases.map((c) => c.caseId)
										)
									)
								)
				]);
	const accountName = new Map(accounts.map((a) => [a.id, a.name]));
	const caseName = new Map(inCases.map((c) => [`${c.caseId} ${c.userId}`, c.name]));
	const who = (actorId: string | null, caseId: string | null): AuditWho => {
		if (actorId === null) return { kind: 'system' };
		if (actorId === userId) return { kind: 'you' };
		const name = (caseId && caseName.get(`${caseId} ${actorId}`)) ?? accountName.get(actorId);
		return name === undefined ? { kind: 'former' } : { kind: 'person', name };
	};
	return events.map((e) => {
		const c = e.caseId ? mine.get(e.caseId) : undefined;
		return {
			at: e.at,
			action: e.action,
			who: who(e.actorId, c ? e.caseId : null),
			caseRef: c?.ref ?? null,
			withCase: e.caseId !== null,
			deleteAt: e.caseId === null ? e.at + policy.auditDays * DAY : (c?.deleteAt ?? null)
		};
	});
}

/** Every event about the person, however many are listed. */
async function countAuditAbout(userId: string) {
	const [row] = await getDb()
		.select({ n: count() })
		.from(auditEvents)
		.where(or(eq(auditEvents.actorId, userId), eq(auditEvents.subjectId, userId)));
	return row?.n ?? 0;
}
