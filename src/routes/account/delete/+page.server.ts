import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { deleteSessionCookie } from '$lib/server/auth/cookies';
import { countCasesToLeave, deleteParticipantAccount } from '$lib/server/account-deletion';
import { attempt, parseForm } from '$lib/server/forms';
import { problemMessage } from '$lib/server/messages';
import { retentionPolicy } from '$lib/server/retention';
import { m } from '$lib/paraglide/messages.js';

// The required "I understand this cannot be undone" box.
const Confirm = v.object({ understood: v.literal('yes') });

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const policy = await retentionPolicy();
	return {
		// Facilitators and admins are deleted by an admin: the page tells them so, with no button.
		participant: user.orgRole === null,
		cases: user.orgRole === null ? await countCasesToLeave(user.id) : 0,
		closedCaseDays: policy.closedCaseDays,
		auditDays: policy.auditDays,
		pageTitle: m.account_delete_title()
	};
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event);
		if (user.orgRole) {
			return fail(403, { form: 'delete', problem: problemMessage('account_deleted_by_admin') });
		}
		const input = await parseForm(event.request, Confirm);
		if (!input) return fail(400, { form: 'delete', problem: m.account_delete_tick_first() });
		const refused = await attempt('delete', async () => {
			await deleteParticipantAccount(user.id);
			return null;
		});
		if (refused) return refused;
		// The session is gone with the account; this browser forgets everything of it too.
		deleteSessionCookie(event.cookies);
		event.setHeaders({ 'Clear-Site-Data': '"cache", "cookies", "storage"' });
		redirect(303, '/account/deleted');
	}
};
