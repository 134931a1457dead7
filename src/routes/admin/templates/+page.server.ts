import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireOrgRole } from '$lib/server/auth/guards';
import { createTemplate, listTemplates } from '$lib/server/templates';
import { m } from '$lib/paraglide/messages.js';
import { readTemplateForm, saveTemplate } from './form.server';

const ADMIN = ['admin'] as const;

export const load: PageServerLoad = async (event) => {
	requireOrgRole(event, ADMIN);
	return {
		templates: await listTemplates(),
		deleted: event.url.searchParams.has('deleted'),
		pageTitle: m.templates_title()
	};
};

export const actions: Actions = {
	create: async (event) => {
		const admin = requireOrgRole(event, ADMIN);
		const { values, input, failure } = await readTemplateForm(event.request, 'create');
		if (!input) return failure;
		const id = await saveTemplate('create', values, () => createTemplate(admin.id, input));
		if (typeof id !== 'string') return id;
		redirect(303, `/admin/templates/${id}?created`);
	}
};
