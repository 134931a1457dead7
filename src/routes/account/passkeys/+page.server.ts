import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { listPasskeys, removePasskey, renamePasskey } from '$lib/server/auth/passkeys';
import { attempt, parseForm } from '$lib/server/forms';
import { m } from '$lib/paraglide/messages.js';

const PasskeyId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,1400}$/));
const Rename = v.object({
	id: PasskeyId,
	name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60), v.regex(/^[^\p{Cc}]+$/u))
});
const Remove = v.object({ id: PasskeyId });

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return {
		userId: user.id,
		passkeys: await listPasskeys(user.id),
		pageTitle: m.passkeys_title()
	};
};

export const actions: Actions = {
	rename: async (event) => {
		const user = requireUser(event);
		const input = await parseForm(event.request, Rename);
		if (!input) return fail(400, { form: 'rename', problem: m.passkeys_name_invalid() });
		return attempt('rename', async () => {
			await renamePasskey(user.id, input.id, input.name);
			return { form: 'rename', done: m.passkeys_renamed() };
		});
	},
	remove: async (event) => {
		const user = requireUser(event);
		const input = await parseForm(event.request, Remove);
		if (!input) return fail(400, { form: 'remove', problem: m.problem_bad_request() });
		return attempt('remove', async () => {
			await removePasskey(user.id, input.id);
			return { form: 'remove', done: m.passkeys_removed() };
		});
	}
};
