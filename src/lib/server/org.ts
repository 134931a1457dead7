import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { getDb, write, type Tx } from './db';
import { sessions, settings, users } from './db/schema';
import { auditIn } from './audit';
import { removeFromCasesIn } from './cases';
import { Problem } from './problem';

export const ICONS = ['neutral', 'circle'] as const;
export type IconChoice = (typeof ICONS)[number];

export type OrgSettings = { name: string; tabTitle: string; icon: IconChoice };

// A browser tab that says "Notes" draws no attention on a shared device.
const DEFAULTS: OrgSettings = { name: '', tabTitle: 'Notes', icon: 'neutral' };

export async function getOrgSettings(): Promise<OrgSettings> {
	const rows = await getDb()
		.select()
		.from(settings)
		.where(inArray(settings.key, ['org.name', 'org.tabTitle', 'org.icon']));
	const map = new Map(rows.map((r) => [r.key, r.value]));
	const icon = map.get('org.icon');
	return {
		name: map.get('org.name') ?? DEFAULTS.name,
		tabTitle: map.get('org.tabTitle') || DEFAULTS.tabTitle,
		icon: ICONS.includes(icon as IconChoice) ? (icon as IconChoice) : DEFAULTS.icon
	};
}

async function putSetting(tx: Tx, key: string, value: string) {
	await tx
		.insert(settings)
		.values({ key, value })
		.onConflictDoUpdate({ target: settings.key, set: { value } });
}

export async function updateOrgSettings(adminId: string, next: OrgSettings, now = Date.now()) {
	await write(async (tx) => {
		await putSetting(tx, 'org.name', next.name);
		await putSetting(tx, 'org.tabTitle', next.tabTitle);
		await putSetting(tx, 'org.icon', next.icon);
		await auditIn(tx, { actorId: adminId, action: 'org.updated', objectType: 'org' }, now);
	});
}

// Per open database. Kept once read, as it never changes after setup (inserted once, never
// updated: `ensureDeploymentIdIn`), so every instance on one database holds the same value.
const deploymentIds = new WeakMap<object, string>();

/** Binds safety numbers and signatures to this deployment; made at setup (empty before). */
export async function getDeploymentId() {
	const db = getDb();
	const known = deploymentIds.get(db);
	if (known) return known;
	const [row] = await db.select().from(settings).where(eq(settings.key, 'deployment.id'));
	// Empty before setup: asked again next time, until setup has made it.
	if (row?.value) deploymentIds.set(db, row.value);
	return row?.value ?? '';
}

/** The deployment id is made once at setup; the encryption layer binds signatures to it. */
export async function ensureDeploymentIdIn(tx: Tx, id: string) {
	await tx.insert(settings).values({ key: 'deployment.id', value: id }).onConflictDoNothing();
}

export async function listFacilitators() {
	return (
		getDb()
			.select({
				id: users.id,
				displayName: users.displayName,
				orgRole: users.orgRole,
				status: users.status,
				createdAt: users.createdAt,
				deactivatedAt: users.deactivatedAt
			})
			.from(users)
			// A deleted account is only a tombstone for the records that name it.
			.where(and(inArray(users.orgRole, ['admin', 'facilitator']), ne(users.status, 'deleted')))
			.orderBy(asc(users.createdAt))
	);
}

/** Deactivation ends every session at once; the person can no longer sign in. */
export async function deactivateFacilitator(adminId: string, userId: string, now = Date.now()) {
	if (adminId === userId) throw new Problem(409, 'cannot_deactivate_self');
	return write(async (tx) => {
		const [user] = await tx
			.select()
			.from(users)
			.where(and(eq(users.id, userId), inArray(users.orgRole, ['admin', 'facilitator'])));
		if (!user || user.status !== 'active') throw new Problem(404, 'facilitator_not_found');
		await tx
			.update(users)
			.set({ status: 'deactivated', deactivatedAt: now })
			.where(eq(users.id, userId));
		await tx.delete(sessions).where(eq(sessions.userId, userId));
		// Refused in their cases at once; the log removals wait for a colleague's browser.
		await removeFromCasesIn(tx, userId, now);
		await auditIn(
			tx,
			{ actorId: adminId, action: 'facilitator.deactivated', objectType: 'user', objectId: userId },
			now
		);
		return user.displayName;
	});
}
