import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { listCasesFor } from '$lib/server/cases';
import { unreadByCase } from '$lib/server/waiting';
import { followUpDashboard } from '$lib/server/agreement-views';
import { getDeploymentId } from '$lib/server/org';
import { m } from '$lib/paraglide/messages.js';

// References, stages and counts only; the titles are opened by the facilitator's browser.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const cases = await listCasesFor(user.id);
	const unread = await unreadByCase(
		user.id,
		cases.map((c) => c.id)
	);
	const facilitating = cases.some((c) => c.myRole === 'facilitator');
	return {
		userId: user.id,
		// Agreements in force in the cases I facilitate: structure only (kinds, owners, days).
		followUp: facilitating ? await followUpDashboard(user.id) : null,
		canOpen: user.orgRole !== null,
		cases: cases.map((c) => ({ ...c, unread: unread.get(c.id) ?? 0 })),
		deploymentId: await getDeploymentId(),
		pageTitle: m.cases_title()
	};
};
