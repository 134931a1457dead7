import { and, asc, eq, inArray, isNotNull, ne } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { getDb } from './db';
import { attachments, caseEnvelopes, caseLog, caseMembers, caseWraps, users } from './db/schema';
import { agreementFor } from './agreement-views';
import { wrapOfVersion } from './case-envelopes';
import { caseDirectory } from './case-log';
import { caseView } from './cases';
import { meetingsFor } from './meeting-views';
import { keptAbout } from './my-data';
import { getDeploymentId } from './org';
import { listPersonal } from './personal';
import { Problem } from './problem';
import { caseDeleteAt, retentionPolicy } from './retention';
import type { ExportCase, ExportEnvelope, ExportResponse } from '$lib/kept-types';
import type { LogEntryInput } from './validation/cases';

/**
 * "Download my data": everything one person can read, as the server holds it — their envelopes
 * to themselves, every version of every case object wrapped for them (with their own wrap only),
 * and the structure they may see (cases, people, meetings, the agreement). Their browser opens it
 * all; the server sends ciphertext, as it always does.
 */

const PRESENT = ['active', 'paused'] as const;

export async function exportFor(userId: string, now = Date.now()): Promise<ExportResponse> {
	const db = getDb();
	const [user] = await db.select().from(users).where(eq(users.id, userId));
	if (!user) throw new Problem(404, 'not_found');
	const present = await db
		.select({ caseId: caseMembers.caseId })
		.from(caseMembers)
		.where(and(eq(caseMembers.userId, userId), inArray(caseMembers.status, [...PRESENT])));
	const ids = present.map((p) => p.caseId);
	const personal = [
		...(await listPersonal(userId, 'personal-state')),
		...(await listPersonal(userId, 'notebook')),
		...(await listPersonal(userId, 'draft'))
	];
	const policy = await retentionPolicy();
	const [entries, envelopes, meetings, directory] = await Promise.all([
		logsOf(ids),
		envelopesFor(userId, ids),
		meetingsFor(userId, { from: 0 }),
		ids.length === 0 ? [] : caseDirectory(ids)
	]);
	const out: ExportCase[] = [];
	for (const caseId of ids) {
		const view = await caseView(userId, caseId);
		out.push({
			caseId,
			ref: view.ref,
			stage: view.stage,
			role: view.me.role,
			status: view.me.status,
			createdAt: view.createdAt,
			outcome: view.outcome,
			closedAt: view.closedAt,
			deleteAt: view.closedAt === null ? null : caseDeleteAt(view.closedAt, policy),
			people: view.people.map((p) => ({
				userId: p.userId,
				name: p.displayName,
				role: p.role,
				supports: p.supports
			})),
			entries: entries.get(caseId) ?? [],
			envelopes: envelopes.get(caseId) ?? [],
			meetings: meetings
				.filter((m) => m.caseId === caseId)
				.map((m) => ({
					id: m.id,
					kind: m.kind,
					status: m.status,
					timeZone: m.timeZone,
					startsAt: m.startsAt,
					endsAt: m.endsAt,
					myRsvp: m.myRsvp,
					invitees: m.invitees.map((i) => ({ userId: i.userId, name: i.name, role: i.role }))
				})),
			agreement: await agreementOrNull(userId, caseId, now)
		});
	}
	return {
		v: 1,
		me: {
			userId,
			displayName: user.displayName,
			orgRole: user.orgRole,
			createdAt: user.createdAt
		},
		deploymentId: await getDeploymentId(),
		kept: await keptAbout(userId, now),
		personal,
		cases: out,
		directory
	};
}

/** Community members have no agreement to read; everyone else gets their own view of it. */
async function agreementOrNull(userId: string, caseId: string, now: number) {
	try {
		const view = await agreementFor(userId, caseId, now);
		return view.id === null ? null : view;
	} catch (e) {
		if (e instanceof Problem && e.status === 403) return null;
		throw e;
	}
}

async function logsOf(ids: string[]) {
	const logs = new Map<string, LogEntryInput[]>();
	if (ids.length === 0) return logs;
	const rows = await getDb()
		.select({ caseId: caseLog.caseId, entry: caseLog.entry })
		.from(caseLog)
		.where(inArray(caseLog.caseId, ids))
		.orderBy(asc(caseLog.caseId), asc(caseLog.seq));
	for (const r of rows) {
		const list = logs.get(r.caseId) ?? [];
		list.push(JSON.parse(r.entry) as LogEntryInput);
		logs.set(r.caseId, list);
	}
	return logs;
}

/**
 * Every live version wrapped for `userId` in these cases, with their own wrap only and who else
 * may read it (ids). Invitation secrets are keys to links, not anyone's words: they stay out.
 */
async function envelopesFor(userId: string, ids: string[]) {
	const byCase = new Map<string, ExportEnvelope[]>();
	if (ids.length === 0) return byCase;
	const db = getDb();
	const rows = await db
		.select({ e: caseEnvelopes, wrapperId: caseWraps.wrapperId, box: caseWraps.box })
		.from(caseWraps)
		.innerJoin(caseEnvelopes, wrapOfVersion)
		.where(
			and(
				eq(caseWraps.readerId, userId),
				inArray(caseWraps.caseId, ids),
				eq(caseEnvelopes.deleted, false),
				ne(caseEnvelopes.kind, 'invite-secret')
			)
		)
		.orderBy(asc(caseEnvelopes.createdAt), asc(caseEnvelopes.objectId), asc(caseEnvelopes.version));
	const mine = alias(caseWraps, 'mine');
	const [readers, files] = await Promise.all([
		db
			.select({
				caseId: caseWraps.caseId,
				objectId: caseWraps.objectId,
				version: caseWraps.version,
				readerId: caseWraps.readerId
			})
			.from(caseWraps)
			.innerJoin(
				mine,
				and(
					eq(mine.caseId, caseWraps.caseId),
					eq(mine.objectId, caseWraps.objectId),
					eq(mine.version, caseWraps.version)
				)
			)
			.where(and(eq(mine.readerId, userId), inArray(caseWraps.caseId, ids))),
		db
			.select({
				id: attachments.id,
				size: attachments.size,
				chunkCount: attachments.chunkCount,
				caseId: attachments.caseId,
				objectId: attachments.objectId,
				version: attachments.version
			})
			.from(attachments)
			.where(and(inArray(attachments.caseId, ids), isNotNull(attachments.objectId)))
	]);
	const key = (r: { caseId: string; objectId: string | null; version: number | null }) =>
		`${r.caseId}/${r.objectId}/${r.version}`;
	const readersOf = new Map<string, string[]>();
	for (const r of readers) readersOf.set(key(r), [...(readersOf.get(key(r)) ?? []), r.readerId]);
	const fileOf = new Map(files.map((f) => [key(f), f]));
	for (const { e, wrapperId, box } of rows) {
		const file = fileOf.get(key(e));
		const list = byCase.get(e.caseId) ?? [];
		list.push({
			v: 1,
			kind: e.kind,
			objectId: e.objectId,
			version: e.version,
			subject: e.subject,
			deleted: e.deleted,
			authorId: e.authorId,
			header: e.header,
			body: e.body,
			wrap: { reader: userId, wrapper: wrapperId, box },
			readers: (readersOf.get(key(e)) ?? []).sort(),
			createdAt: e.createdAt,
			attachment: file ? { id: file.id, size: file.size, chunkCount: file.chunkCount } : null
		});
		byCase.set(e.caseId, list);
	}
	return byCase;
}
