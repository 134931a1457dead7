import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { actionPathId, pageProblem, pathId } from '$lib/server/api';
import { caseView } from '$lib/server/cases';
import { CONSENTS, MODES, setChoices } from '$lib/server/case-choices';
import { templateInUse } from '$lib/server/templates';
import { attempt, parseForm } from '$lib/server/forms';
import { getDeploymentId } from '$lib/server/org';
import { m } from '$lib/paraglide/messages.js';

// A party writes their own input here; facilitators (and anyone a party chose) read it here.
// The server sends structure and the questions; answers are opened in the browser only.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	try {
		const caseId = pathId(event.params.id);
		const view = await caseView(user.id, caseId);
		const role = view.me.role;
		const party = role === 'survivor' || role === 'responsible';
		return {
			userId: user.id,
			view: { id: view.id, ref: view.ref, stage: view.stage, me: view.me, people: view.people },
			template: party ? await templateInUse(role) : null,
			deploymentId: await getDeploymentId(),
			pageTitle: m.input_page_title()
		};
	} catch (e) {
		return pageProblem(e);
	}
};

// Radios and a checkbox: an empty mode is "not decided yet", as is a missing consent.
const ChoicesForm = v.object({
	mode: v.optional(v.union([v.picklist(MODES), v.literal('')])),
	jointConsent: v.optional(v.picklist(CONSENTS)),
	modeShown: v.optional(v.literal('on'))
});

export const actions: Actions = {
	choices: async (event) => {
		const user = requireUser(event);
		const input = await parseForm(event.request, ChoicesForm);
		if (!input) return fail(400, { form: 'choices', problem: m.input_choices_invalid() });
		const caseId = actionPathId(event.params.id);
		// Only the survivor's form has a way of taking part (its radios always send one); the
		// domain refuses it from anyone else.
		const survivorForm = input.mode !== undefined;
		return attempt('choices', async () => {
			await setChoices(user.id, caseId, {
				jointConsent: input.jointConsent ?? null,
				...(survivorForm ? { mode: input.mode || null, modeShown: input.modeShown === 'on' } : {})
			});
			return { form: 'choices', done: m.input_choices_saved() };
		});
	}
};
