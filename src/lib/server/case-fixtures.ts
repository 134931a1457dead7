import { getDb } from './db';
import { identities, type User } from './db/schema';
import { openCase } from './cases';
import { createCaseInvite, joinCase } from './case-invites';
import { completePendingEntry, getCaseLog } from './case-log';
import { generateId } from './auth/tokens';
import { insertUser } from './test-db';
import type { CaseEnvelopeInput, CaseRoleName } from './validation/cases';

// Cases for integration tests: real rows through the domain functions, with fake bytes where
// a browser would have sealed or signed (the server never opens them).

export const T = Date.UTC(2030, 0, 1, 9);
export const b64 = (n: number, fill = 1) => Buffer.alloc(n, fill).toString('base64url');
export const session = (u: User) => ({ id: u.id, displayName: u.displayName, orgRole: u.orgRole });

export async function person(orgRole: User['orgRole'] = null) {
	const u = await insertUser({ orgRole });
	await getDb()
		.insert(identities)
		.values({ userId: u.id, keyVersion: 1, boxPk: b64(32, 2), signPk: b64(32, 3), createdAt: T });
	return u;
}

export const entry = (signer: User, fields: object = {}) => ({
	v: 1 as const,
	seq: 0,
	prev: b64(32, 0),
	op: 'create' as const,
	subject: { userId: signer.id, fp: b64(32, 4) },
	role: 'facilitator' as const,
	supports: null,
	signer: signer.id,
	createdAt: T,
	sig: b64(64, 7),
	...fields
});

/** A case object as a browser would PUT it, with fake ciphertext, for these readers. */
export function fakeEnvelope(
	kind: CaseEnvelopeInput['kind'],
	objectId: string,
	author: User,
	readers: User[],
	fields: Partial<CaseEnvelopeInput> = {}
): CaseEnvelopeInput {
	return {
		v: 1,
		kind,
		objectId,
		version: 1,
		subject: null,
		deleted: false,
		header: b64(100),
		body: b64(100),
		wraps: [author, ...readers].map((r) => ({ reader: r.id, wrapper: author.id, box: b64(100) })),
		...fields
	};
}

/** The author taking back a message in `subject`'s conversation: version `version`, empty. */
export const messageTombstone = (objectId: string, author: User, subject: User, version: number) =>
	fakeEnvelope('conversation', objectId, author, [], {
		subject: subject.id,
		version,
		deleted: true,
		body: b64(32)
	});

type Role = 'survivor' | 'responsible' | 'community' | 'supporter';

/**
 * Invites someone into the case as `role`, lets them join and signs their add as the lead's
 * "browser". A supporter names the party they support.
 */
export async function addMember(
	lead: User,
	caseId: string,
	role: CaseRoleName,
	supports: string | null = null,
	displayName = 'Sky'
) {
	const inviteId = generateId();
	const secret = fakeEnvelope('invite-secret', `inv-${inviteId}`, lead, []);
	const { path } = await createCaseInvite(
		lead.id,
		caseId,
		{ inviteId, role, supports, secret, replaces: null },
		T
	);
	const joiner = await person(role === 'facilitator' ? 'facilitator' : null);
	await joinCase(session(joiner), path.slice(6), { fp: b64(32, 5), tag: b64(32), displayName }, T);
	const { entries, pending } = await getCaseLog(lead.id, caseId);
	const p = pending.find((q) => q.change.subject.userId === joiner.id)!;
	const add = entry(lead, {
		seq: entries.length,
		op: 'add',
		subject: p.change.subject,
		role,
		supports
	});
	await completePendingEntry(lead.id, caseId, { pendingId: p.id, entry: add }, T);
	return joiner;
}

const NAMES: Record<Role, string> = {
	survivor: 'Wren',
	responsible: 'Ash',
	community: 'Rowan',
	supporter: 'Fern'
};

/**
 * A case with a lead and one person per role, each add signed by the lead's "browser". A
 * supporter supports the survivor, so list the survivor first.
 */
export async function caseWith(roles: Role[] = ['survivor']) {
	const lead = await person('facilitator');
	const caseId = generateId();
	const summary = fakeEnvelope('case-summary', 'summary', lead, []);
	await openCase(session(lead), { caseId, entry: entry(lead), summary }, T);
	const people: Partial<Record<Role, User>> = {};
	for (const role of roles) {
		const supports = role === 'supporter' ? (people.survivor?.id ?? null) : null;
		people[role] = await addMember(lead, caseId, role, supports, NAMES[role]);
	}
	return { lead, caseId, ...people };
}
