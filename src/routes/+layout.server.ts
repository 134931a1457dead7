import type { LayoutServerLoad } from './$types';
import { getOrgSettings } from '$lib/server/org';
import { config } from '$lib/server/config';

// Only what every page needs to render its frame. Pages authorize themselves.
export const load: LayoutServerLoad = async ({ locals }) => {
	const org = await getOrgSettings();
	return {
		user: locals.user,
		org: { tabTitle: org.tabTitle, icon: org.icon, name: locals.user ? org.name : '' },
		quickExitUrl: config().quickExitUrl,
		sessionIdleMs: config().sessionIdleMs
	};
};
