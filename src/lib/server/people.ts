import { and, asc, eq, isNotNull, ne } from 'drizzle-orm';
import { getDb } from './db';
import { identities, users } from './db/schema';
import { Problem } from './problem';
import type { SessionUser } from './auth/session';

/**
 * Who a person may see in the directory, with their public keys, to compare safety numbers.
 * Facilitators and admins see everyone with keys; anyone else sees the facilitators and
 * admins (the people of their cases join them when cases arrive). Public keys only.
 */

function visibleTo(viewer: SessionUser) {
	const base = and(eq(users.status, 'active'), ne(users.id, viewer.id));
	return viewer.orgRole ? base : and(base, isNotNull(users.orgRole));
}

const columns = {
	id: users.id,
	displayName: users.displayName,
	orgRole: users.orgRole,
	keyVersion: identities.keyVersion,
	boxPk: identities.boxPk,
	signPk: identities.signPk
};

export async function listPeopleFor(viewer: SessionUser) {
	return getDb()
		.select(columns)
		.from(users)
		.innerJoin(identities, eq(identities.userId, users.id))
		.where(visibleTo(viewer))
		.orderBy(asc(users.displayName))
		.limit(1000);
}

/** Someone the viewer may not see is "not found", the same as someone who does not exist. */
export async function getPersonFor(viewer: SessionUser, id: string) {
	const [person] = await getDb()
		.select(columns)
		.from(users)
		.innerJoin(identities, eq(identities.userId, users.id))
		.where(and(visibleTo(viewer), eq(users.id, id)));
	if (!person) throw new Problem(404, 'person_not_found');
	return person;
}
