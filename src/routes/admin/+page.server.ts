import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { requireOrgRole } from '$lib/server/auth/guards';
import {
	deactivateFacilitator,
	getOrgSettings,
	ICONS,
	listFacilitators,
	updateOrgSettings
} from '$lib/server/org';
import {
	createFacilitatorInvite,
	createRecoveryLink,
	listFacilitatorInvites,
	revokeFacilitatorInvite
} from '$lib/server/links';
import { attempt, parseForm } from '$lib/server/forms';
import { deleteFacilitatorAccount } from '$lib/server/account-deletion';
import { config } from '$lib/server/config';
import { m } from '$lib/paraglide/messages.js';

const plain = (max: number, min = 0) =>
	v.pipe(v.string(), v.trim(), v.minLength(min), v.maxLength(max), v.regex(/^[^\p{Cc}]*$/u));
const Settings = v.object({ name: plain(80), tabTitle: plain(40, 1), icon: v.picklist(ICONS) });
const Id = v.object({ id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,32}$/)) });

const ADMIN = ['admin'] as const;

export const load: PageServerLoad = async (event) => {
	const admin = requireOrgRole(event, ADMIN);
	const [settings, facilitators, invites] = await Promise.all([
		getOrgSettings(),
		listFacilitators(),
		listFacilitatorInvites()
	]);
	return {
		me: admin.id,
		settings,
		facilitators,
		invites,
		now: Date.now(),
		pageTitle: m.admin_title()
	};
};

export const actions: Actions = {
	settings: async (event) => {
		const admin = requireOrgRole(event, ADMIN);
		const input = await parseForm(event.request, Settings);
		if (!input) return fail(400, { form: 'settings', problem: m.admin_settings_invalid() });
		await updateOrgSettings(admin.id, input);
		return { form: 'settings', done: m.admin_saved() };
	},
	invite: async (event) => {
		const admin = requireOrgRole(event, ADMIN);
		const link = await createFacilitatorInvite(admin.id);
		// Shown once; only its hash is stored. The encryption issue adds a `#` fragment secret.
		return { form: 'invite', url: config().origin + link.path };
	},
	revoke: async (event) => {
		const admin = requireOrgRole(event, ADMIN);
		const input = await parseForm(event.request, Id);
		if (!input) return fail(400, { form: 'revoke', problem: m.problem_bad_request() });
		return attempt('revoke', async () => {
			await revokeFacilitatorInvite(admin.id, input.id);
			return { form: 'revoke', done: m.admin_invite_revoked_done() };
		});
	},
	recover: async (event) => {
		const admin = requireOrgRole(event, ADMIN);
		const input = await parseForm(event.request, Id);
		if (!input) return fail(400, { form: 'recover', problem: m.problem_bad_request() });
		return attempt('recover', async () => {
			const link = await createRecoveryLink(admin.id, input.id);
			return {
				form: 'recover',
				person: input.id,
				url: config().origin + link.path,
				expiresAt: link.expiresAt
			};
		});
	},
	deactivate: async (event) => {
		const admin = requireOrgRole(event, ADMIN);
		const input = await parseForm(event.request, Id);
		if (!input) return fail(400, { form: 'deactivate', problem: m.problem_bad_request() });
		return attempt('deactivate', async () => {
			const name = await deactivateFacilitator(admin.id, input.id);
			return { form: 'deactivate', done: m.admin_deactivated({ name }) };
		});
	},
	deleteAccount: async (event) => {
		const admin = requireOrgRole(event, ADMIN);
		const input = await parseForm(event.request, Id);
		if (!input) return fail(400, { form: 'deleteAccount', problem: m.problem_bad_request() });
		return attempt('deleteAccount', async () => {
			await deleteFacilitatorAccount(admin.id, input.id);
			return { form: 'deleteAccount', done: m.admin_deleted() };
		});
	}
};
