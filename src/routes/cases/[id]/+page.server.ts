import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { actionPathId, pageProblem, pathId } from '$lib/server/api';
import { handOverLead, setStage } from '$lib/server/cases';
import { casePage } from '$lib/server/case-page';
import { closeCase } from '$lib/server/agreements';
import { revokeCaseInvite } from '$lib/server/case-invites';
import { attempt, parseForm } from '$lib/server/forms';
import { markNoticeSeen, raiseSignal, setMyParticipation } from '$lib/server/case-notices';
import { getDeploymentId } from '$lib/server/org';
import { stage } from '$lib/server/validation/cases';
import { id } from '$lib/server/validation/keys';
import { m } from '$lib/paraglide/messages.js';

// Structure only (who, which role, which stage); everything written about the case is opened
// by the browser. A person outside the case gets the same "not found" as a case that is not.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	try {
		const caseId = pathId(event.params.id);
		const now = Date.now();
		return {
			userId: user.id,
			// One access check for all of it (`casePage` checks who is asking, as `caseView`).
			...(await casePage(user.id, caseId, now)),
			deploymentId: await getDeploymentId(),
			now,
			pageTitle: m.case_page_title()
		};
	} catch (e) {
		return pageProblem(e);
	}
};

const StageForm = v.object({ stage });
const CloseForm = v.object({
	outcome: v.picklist(['completed', 'partial', 'ended', 'withdrawn']),
	// The required "I understand everything will be deleted" box.
	understood: v.literal('yes')
});
const SignalForm = v.object({ kind: v.picklist(['talk', 'unsafe']) });
const ParticipationForm = v.object({
	to: v.picklist(['active', 'paused', 'withdrawn']),
	// Withdrawing: keep what they wrote for its readers, or delete it with them.
	words: v.optional(v.picklist(['keep', 'delete']))
});
const NoticeForm = v.object({
	id: v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,15}$/), v.transform(Number))
});
const PersonForm = v.object({ id });

// Each action checks who is asking itself (the domain refuses anyone not a facilitator here).
export const actions: Actions = {
	stage: async (event) => {
		const user = requireUser(event);
		const input = await parseForm(event.request, StageForm);
		if (!input) return fail(400, { form: 'stage', problem: m.case_stage_invalid() });
		return attempt('stage', async () => {
			await setStage(user.id, pathId(event.params.id), input.stage);
			return { form: 'stage', done: m.case_stage_saved() };
		});
	},
	close: async (event) => {
		const user = requireUser(event);
		const input = await parseForm(event.request, CloseForm);
		if (!input) return fail(400, { form: 'close', problem: m.case_close_invalid() });
		return attempt('close', async () => {
			const { deleteAt } = await closeCase(user.id, actionPathId(event.params.id), input.outcome);
			return { form: 'close', outcome: input.outcome, deleteAt };
		});
	},
	lead: async (event) => {
		const user = requireUser(event);
		const input = await parseForm(event.request, PersonForm);
		if (!input) return fail(400, { form: 'lead', problem: m.problem_bad_request() });
		return attempt('lead', async () => {
			await handOverLead(user.id, pathId(event.params.id), input.id);
			return { form: 'lead', done: m.case_lead_saved() };
		});
	},
	signal: async (event) => {
		const user = requireUser(event);
		const input = await parseForm(event.request, SignalForm);
		if (!input) return fail(400, { form: 'signal', problem: m.problem_bad_request() });
		return attempt('signal', async () => {
			await raiseSignal(user.id, pathId(event.params.id), input.kind);
			return { form: 'signal', done: m.case_signal_sent() };
		});
	},
	participation: async (event) => {
		const user = requireUser(event);
		const input = await parseForm(event.request, ParticipationForm);
		if (!input) return fail(400, { form: 'participation', problem: m.problem_bad_request() });
		const caseId = actionPathId(event.params.id);
		if (input.to === 'withdrawn' && !input.words) {
			return fail(400, { form: 'participation', problem: m.case_withdraw_choose_words() });
		}
		const result = await attempt('participation', async () => {
			await setMyParticipation(user.id, caseId, input.to, Date.now(), input.words !== 'delete');
			return { form: 'participation', done: m.case_participation_saved() };
		});
		// Withdrawn: this case is no longer theirs to open; their list says so.
		if (input.to === 'withdrawn' && !('status' in result)) redirect(303, '/cases?withdrew');
		return result;
	},
	seen: async (event) => {
		const user = requireUser(event);
		const input = await parseForm(event.request, NoticeForm);
		if (!input) return fail(400, { form: 'seen', problem: m.problem_bad_request() });
		return attempt('seen', async () => {
			await markNoticeSeen(user.id, pathId(event.params.id), input.id);
			return { form: 'seen', done: m.case_notice_marked() };
		});
	},
	withdrawInvite: async (event) => {
		const user = requireUser(event);
		const input = await parseForm(event.request, PersonForm);
		if (!input) return fail(400, { form: 'withdrawInvite', problem: m.problem_bad_request() });
		return attempt('withdrawInvite', async () => {
			await revokeCaseInvite(user.id, pathId(event.params.id), input.id);
			return { form: 'withdrawInvite', done: m.case_invite_withdrawn() };
		});
	}
};
