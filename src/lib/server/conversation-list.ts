import { getDb } from './db';
import { messageCounts, namesIn } from './conversations';
import { casesOf } from './waiting';

/**
 * Every conversation someone takes part in, grouped by case: a participant's own, one per
 * case; a facilitator's with each participant of their cases (also those with no message
 * yet, so starting one is a click away). Counts and times only.
 */
export async function conversationsFor(userId: string) {
	const db = getDb();
	const mine = await casesOf(db, userId);
	const caseIds = mine.map((c) => c.caseId);
	const [counts, names] = await Promise.all([
		messageCounts(db, userId, caseIds),
		namesIn(db, caseIds)
	]);
	const countOf = new Map(counts.map((c) => [`${c.caseId} ${c.subject}`, c]));
	return mine
		.sort((a, b) => b.createdAt - a.createdAt || a.caseId.localeCompare(b.caseId))
		.map((c) => {
			const facilitator = c.role === 'facilitator';
			const people = [...names.values()].filter(
				(p) =>
					p.caseId === c.caseId &&
					p.role !== 'facilitator' &&
					(p.status === 'active' || p.status === 'paused') &&
					(facilitator || p.userId === userId)
			);
			return {
				caseId: c.caseId,
				ref: c.ref,
				role: c.role,
				conversations: people.map((p) => {
					const n = countOf.get(`${c.caseId} ${p.userId}`);
					return {
						subject: p.userId,
						name: p.name,
						role: p.role,
						self: p.userId === userId,
						unread: n?.unread ?? 0,
						total: n?.total ?? 0,
						lastAt: n?.lastAt ?? null
					};
				})
			};
		});
}
