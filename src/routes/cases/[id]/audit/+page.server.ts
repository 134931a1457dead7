import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { pageProblem, pathId } from '$lib/server/api';
import { caseAuditFor } from '$lib/server/case-audit';
import { m } from '$lib/paraglide/messages.js';

// Who did what in a case, and when: for its facilitators only. Everyone else gets the same
// "not found" as for a case that does not exist.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	try {
		const caseId = pathId(event.params.id);
		const { ref, events } = await caseAuditFor(user.id, caseId);
		return { caseId, ref, events, pageTitle: m.case_audit_title() };
	} catch (e) {
		return pageProblem(e);
	}
};
