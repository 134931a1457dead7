import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { problemMessage } from '../messages';
import { Problem } from '../problem';
import type { SessionUser } from './session';

// Every load, action and endpoint calls one of these itself: a layout guard does not
// protect form actions or endpoints.

type Ev = Pick<RequestEvent, 'locals'>;
type OrgRole = 'admin' | 'facilitator';

/** For pages and form actions: a signed-out visitor is sent to sign in. */
export function requireUser(event: Ev): SessionUser {
	const user = event.locals.user;
	if (!user) redirect(303, event.locals.sessionEnded ? '/signin?expired' : '/signin');
	return user;
}

export function requireOrgRole(event: Ev, roles: readonly OrgRole[]): SessionUser {
	const user = requireUser(event);
	if (!user.orgRole || !roles.includes(user.orgRole)) {
		error(403, { message: problemMessage('forbidden'), code: 'forbidden' });
	}
	return user;
}

/** For JSON endpoints: no redirect, a 401 the page's script can explain. */
export function requireSession(event: Ev): { user: SessionUser; sessionId: string } {
	const { user, sessionId } = event.locals;
	if (!user || !sessionId) throw new Problem(401, 'signin_required');
	return { user, sessionId };
}
