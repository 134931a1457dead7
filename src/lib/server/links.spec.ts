import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { getDb, write } from './db';
import { auditEvents, links } from './db/schema';
import { hashToken } from './auth/tokens';
import { expectProblem, insertUser, useTestDb } from './test-db';
import {
	consumeLinkIn,
	createDeviceLink,
	createFacilitatorInvite,
	createSetupLinkIfNeeded,
	deleteExpiredLinks,
	findLink,
	LINK_LIFETIME_MS,
	revokeFacilitatorInvite
} from './links';

useTestDb();

const T = Date.UTC(2030, 0, 1, 9);
const WEEK = 7 * 24 * 3_600_000;

async function linkRow(id: string) {
	const [row] = await getDb().select().from(links).where(eq(links.id, id));
	return row;
}

describe('links', () => {
	test('a setup link is made only while there is no admin', async () => {
		const setup = await createSetupLinkIfNeeded(T);
		expect(setup?.path).toBe('/setup/' + setup?.token);
		expect((await findLink('setup', setup?.token ?? '', T)).id).toBe(setup?.id);

		await insertUser({ orgRole: 'admin' });
		expect(await createSetupLinkIfNeeded(T)).toBeNull();
		// Another instance's (or an earlier start's) link, printed too: setup is done.
		await expectProblem(findLink('setup', setup?.token ?? '', T), 410, 'setup_done');
	});

	test('a facilitator invite is made, found and audited', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		const invite = await createFacilitatorInvite(admin.id, T);
		expect(invite.path).toBe('/join/' + invite.token);
		expect(invite.expiresAt).toBe(T + WEEK);
		expect((await findLink('facilitator', invite.token, T)).id).toBe(invite.id);
		const events = await getDb()
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.objectId, invite.id));
		expect(events).toMatchObject([{ actorId: admin.id, action: 'invite.created' }]);
	});

	test('only the hash of the token is stored', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		const invite = await createFacilitatorInvite(admin.id, T);
		const row = await linkRow(invite.id);
		expect(row?.tokenHash).toBe(hashToken(invite.token));
		for (const value of Object.values(row ?? {})) {
			expect(String(value)).not.toContain(invite.token);
		}
	});

	test('an invite expires after seven days', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		const invite = await createFacilitatorInvite(admin.id, T);
		expect((await findLink('facilitator', invite.token, T + WEEK - 1)).id).toBe(invite.id);
		await expectProblem(findLink('facilitator', invite.token, T + WEEK), 410, 'link_expired');
	});

	test('a revoked invite is refused', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		const invite = await createFacilitatorInvite(admin.id, T);
		await revokeFacilitatorInvite(admin.id, invite.id, T + 1);
		await expectProblem(findLink('facilitator', invite.token, T + 2), 410, 'link_revoked');
		await expectProblem(revokeFacilitatorInvite(admin.id, invite.id, T + 2), 410, 'link_revoked');
	});

	test('a used invite is refused, and cannot be used twice', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		const joiner = await insertUser();
		const invite = await createFacilitatorInvite(admin.id, T);
		await write((tx) => consumeLinkIn(tx, invite.id, 'facilitator', joiner.id, T + 1));
		expect(await linkRow(invite.id)).toMatchObject({ usedAt: T + 1, userId: joiner.id });
		await expectProblem(findLink('facilitator', invite.token, T + 2), 410, 'link_used');
		await expectProblem(
			write((tx) => consumeLinkIn(tx, invite.id, 'facilitator', admin.id, T + 2)),
			410,
			'link_used'
		);
		expect(await linkRow(invite.id)).toMatchObject({ usedAt: T + 1, userId: joiner.id });
	});

	test('a wrong kind or an unknown token is not found', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		const invite = await createFacilitatorInvite(admin.id, T);
		await expectProblem(findLink('device', invite.token, T), 404, 'link_not_found');
		await expectProblem(findLink('setup', invite.token, T), 404, 'link_not_found');
		await expectProblem(findLink('facilitator', 'a'.repeat(32), T), 404, 'link_not_found');
		await expectProblem(
			write((tx) => consumeLinkIn(tx, invite.id, 'device', admin.id, T)),
			404,
			'link_not_found'
		);
	});

	test('expired links are deleted, live ones kept', async () => {
		const user = await insertUser();
		const later = T + 3_600_000;
		const old = await createDeviceLink(user.id, {}, T);
		const fresh = await createDeviceLink(user.id, {}, later);
		await deleteExpiredLinks(T + LINK_LIFETIME_MS.device + 1);
		expect(await linkRow(old.id)).toBeUndefined();
		expect(await linkRow(fresh.id)).toBeDefined();
	});
});
