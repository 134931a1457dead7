import { and, eq } from 'drizzle-orm';
import { write } from './db';
import { caseEvents, caseMembers, caseNotices } from './db/schema';
import { caseAccess } from './case-access';
import { auditIn } from './audit';
import { Problem } from './problem';

/**
 * A party's own choices about taking part: the survivor's way of taking part (DESIGN §2) and
 * each party's consent to joint meetings. Readable structure, so scheduling can follow them;
 * never why. The survivor decides whether the others in the case may see their way of taking
 * part; facilitators always do, and get a content-free notice when it changes.
 */

export const MODES = caseMembers.mode.enumValues;
export const CONSENTS = caseMembers.jointConsent.enumValues;
export type Mode = (typeof MODES)[number];
export type Consent = (typeof CONSENTS)[number];
export type Choices = { mode?: Mode | null; jointConsent?: Consent | null; modeShown?: boolean };

export async function setChoices(
	userId: string,
	caseId: string,
	choices: Choices,
	now = Date.now()
) {
	await write(async (tx) => {
		const { member } = await caseAccess(userId, caseId, ['survivor', 'responsible'], tx);
		// Only the survivor has a way of taking part to choose; both parties consent or not.
		const survivor = member.role === 'survivor';
		if (!survivor && (choices.mode !== undefined || choices.modeShown !== undefined)) {
			throw new Problem(403, 'forbidden');
		}
		const next = {
			mode: choices.mode === undefined ? member.mode : choices.mode,
			jointConsent: choices.jointConsent === undefined ? member.jointConsent : choices.jointConsent,
			modeShown: choices.modeShown ?? member.modeShown
		};
		if (
			next.mode === member.mode &&
			next.jointConsent === member.jointConsent &&
			next.modeShown === member.modeShown
		) {
			return;
		}
		await tx
			.update(caseMembers)
			.set({ ...next, choicesAt: now })
			.where(and(eq(caseMembers.caseId, caseId), eq(caseMembers.userId, userId)));
		await tx.insert(caseNotices).values({ caseId, userId, kind: 'choices', createdAt: now });
		await tx.insert(caseEvents).values({
			caseId,
			at: now,
			actorId: userId,
			kind: 'member',
			value: `${userId} choices`
		});
		await auditIn(
			tx,
			{ actorId: userId, action: 'case.choices_changed', objectType: 'case', objectId: caseId },
			now
		);
	});
}
