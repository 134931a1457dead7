import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { pageProblem, pathId } from '$lib/server/api';
import { caseView, handOverLead, setStage } from '$lib/server/cases';
import { listCaseInvites, revokeCaseInvite } from '$lib/server/case-invites';
import { attempt, parseForm } from '$lib/server/forms';
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
		const view = await caseView(user.id, caseId);
		const facilitator = view.me.role === 'facilitator';
		return {
			userId: user.id,
			view,
			invites: facilitator ? await listCaseInvites(user.id, caseId) : [],
			deploymentId: await getDeploymentId(),
			now: Date.now(),
			pageTitle: m.case_page_title()
		};
	} catch (e) {
		return pageProblem(e);
	}
};

const StageForm = v.object({ stage });
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
	lead: async (event) => {
		const user = requireUser(event);
		const input = await parseForm(event.request, PersonForm);
		if (!input) return fail(400, { form: 'lead', problem: m.problem_bad_request() });
		return attempt('lead', async () => {
			await handOverLead(user.id, pathId(event.params.id), input.id);
			return { form: 'lead', done: m.case_lead_saved() };
		});
	},
	withdraw: async (event) => {
		const user = requireUser(event);
		const input = await parseForm(event.request, PersonForm);
		if (!input) return fail(400, { form: 'withdraw', problem: m.problem_bad_request() });
		return attempt('withdraw', async () => {
			await revokeCaseInvite(user.id, pathId(event.params.id), input.id);
			return { form: 'withdraw', done: m.case_invite_withdrawn() };
		});
	}
};
