import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { actionPathId, pageProblem, pathId } from '$lib/server/api';
import { caseView } from '$lib/server/cases';
import { getDeploymentId } from '$lib/server/org';
import { attempt, parseForm, readForm } from '$lib/server/forms';
import { agreementFor, markAgreementNewsSeen } from '$lib/server/agreement-views';
import { approveItems, setAgreementChoices, setItemStatus } from '$lib/server/agreements';
import { ITEM_STATUSES } from '$lib/server/db/schema';
import { m } from '$lib/paraglide/messages.js';
import { fail } from '@sveltejs/kit';

// The case's agreement. Its words are sealed and signed in the browser (the JSON API under
// /api/cases/[id]/agreement); what carries no content — a survivor's answer on each item,
// each person's own choices, an item's status — is posted here as plain forms.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	try {
		const caseId = pathId(event.params.id);
		const view = await caseView(user.id, caseId, [
			'facilitator',
			'survivor',
			'responsible',
			'supporter'
		]);
		const agreement = await agreementFor(user.id, caseId);
		await markAgreementNewsSeen(user.id, caseId);
		return {
			userId: user.id,
			view: { id: view.id, ref: view.ref, stage: view.stage, me: view.me, people: view.people },
			agreement,
			deploymentId: await getDeploymentId(),
			pageTitle: m.agreement_page_title()
		};
	} catch (e) {
		return pageProblem(e);
	}
};

const Choices = v.object({
	approveBy: v.optional(v.picklist(['note', 'sign'])),
	followUp: v.optional(v.picklist(['all', 'milestones', 'completion', 'none'])),
	// A checkbox: present when ticked; `supporters` says the form had the box at all.
	supporters: v.optional(v.literal('shown')),
	toSupporters: v.optional(v.literal('yes'))
});
const Status = v.object({
	itemId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/)),
	status: v.picklist(ITEM_STATUSES)
});

export const actions: Actions = {
	// The survivor's answer on each item of the newest version: fields `item-<id>`.
	approve: async (event) => {
		const user = requireUser(event);
		const caseId = actionPathId(event.params.id);
		const data = await readForm(event.request);
		const version = Number(data?.get('version'));
		if (!data || !Number.isInteger(version) || version < 1) {
			return fail(400, { form: 'approve', problem: m.agreement_form_invalid() });
		}
		const decisions: { itemId: string; decision: 'approve' | 'change' }[] = [];
		for (const [key, value] of data.entries()) {
			const itemId = /^item-([A-Za-z0-9_-]{1,64})$/.exec(key)?.[1];
			if (!itemId) continue;
			if (value !== 'approve' && value !== 'change') {
				return fail(400, { form: 'approve', problem: m.agreement_form_invalid() });
			}
			decisions.push({ itemId, decision: value });
		}
		if (decisions.length === 0) {
			return fail(400, { form: 'approve', problem: m.agreement_approve_none() });
		}
		return attempt('approve', async () => {
			await approveItems(user.id, caseId, version, decisions);
			return { form: 'approve', done: m.agreement_approve_saved() };
		});
	},
	choices: async (event) => {
		const user = requireUser(event);
		const caseId = actionPathId(event.params.id);
		const input = await parseForm(event.request, Choices);
		if (!input) return fail(400, { form: 'choices', problem: m.agreement_form_invalid() });
		return attempt('choices', async () => {
			await setAgreementChoices(user.id, caseId, {
				approveBy: input.approveBy,
				followUp: input.followUp,
				toSupporters: input.supporters ? input.toSupporters === 'yes' : undefined
			});
			return { form: 'choices', done: m.agreement_choices_saved() };
		});
	},
	status: async (event) => {
		const user = requireUser(event);
		const caseId = actionPathId(event.params.id);
		const input = await parseForm(event.request, Status);
		if (!input) return fail(400, { form: 'status', problem: m.agreement_form_invalid() });
		return attempt(
			'status',
			async () => {
				await setItemStatus(user.id, caseId, input.itemId, input.status);
				return { form: 'status', itemId: input.itemId, done: m.agreement_status_saved() };
			},
			{ itemId: input.itemId }
		);
	}
};
