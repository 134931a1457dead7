import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireOrgRole } from '$lib/server/auth/guards';
import { pageProblem, pathId } from '$lib/server/api';
import { attempt } from '$lib/server/forms';
import {
	deleteTemplate,
	getTemplate,
	setTemplateInUse,
	updateTemplate
} from '$lib/server/templates';
import { m } from '$lib/paraglide/messages.js';
import { readTemplateForm, saveTemplate } from '../form.server';

const ADMIN = ['admin'] as const;
// Template ids are made by generateId: 22 base64url characters.
const templateId = (param: string | undefined) => pathId(param, /^[A-Za-z0-9_-]{22}$/);

export const load: PageServerLoad = async (event) => {
	requireOrgRole(event, ADMIN);
	try {
		return {
			template: await getTemplate(templateId(event.params.id)),
			created: event.url.searchParams.has('created'),
			pageTitle: m.templates_edit_title()
		};
	} catch (e) {
		return pageProblem(e);
	}
};

export const actions: Actions = {
	save: async (event) => {
		const admin = requireOrgRole(event, ADMIN);
		const { values, input, failure } = await readTemplateForm(event.request, 'save');
		if (!input) return failure;
		return saveTemplate('save', values, async () => {
			await updateTemplate(admin.id, templateId(event.params.id), input);
			return { form: 'save', done: m.templates_saved() };
		});
	},
	use: async (event) => {
		const admin = requireOrgRole(event, ADMIN);
		return attempt('use', async () => {
			await setTemplateInUse(admin.id, templateId(event.params.id));
			return { form: 'use', done: m.templates_use_done() };
		});
	},
	delete: async (event) => {
		const admin = requireOrgRole(event, ADMIN);
		const outcome = await attempt('delete', () =>
			deleteTemplate(admin.id, templateId(event.params.id))
		);
		if (typeof outcome !== 'string') return outcome;
		redirect(303, '/admin/templates?deleted');
	}
};
