import { deletePasskeyWrapIn } from '../keys';
import { and, asc, count, eq } from 'drizzle-orm';
import { getDb, write } from '../db';
import { passkeys } from '../db/schema';
import { auditIn } from '../audit';
import { Problem } from '../problem';

export async function listPasskeys(userId: string) {
	return getDb()
		.select({
			id: passkeys.id,
			name: passkeys.name,
			createdAt: passkeys.createdAt,
			lastUsedAt: passkeys.lastUsedAt,
			backedUp: passkeys.backedUp
		})
		.from(passkeys)
		.where(eq(passkeys.userId, userId))
		.orderBy(asc(passkeys.createdAt));
}

export async function renamePasskey(
	userId: string,
	passkeyId: string,
	name: string,
	now = Date.now()
) {
	await write(async (tx) => {
		const done = await tx
			.update(passkeys)
			.set({ name })
			.where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, userId)))
			.returning({ id: passkeys.id });
		if (done.length === 0) throw new Problem(404, 'passkey_unknown');
		await auditIn(
			tx,
			{ actorId: userId, action: 'passkey.renamed', objectType: 'passkey', objectId: passkeyId },
			now
		);
	});
}

/** Removes a passkey, but never the last one: that would lock the person out for good. */
export async function removePasskey(userId: string, passkeyId: string, now = Date.now()) {
	await write(async (tx) => {
		const [mine] = await tx
			.select({ id: passkeys.id })
			.from(passkeys)
			.where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, userId)));
		if (!mine) throw new Problem(404, 'passkey_unknown');
		const [total] = await tx
			.select({ n: count() })
			.from(passkeys)
			.where(eq(passkeys.userId, userId));
		if ((total?.n ?? 0) <= 1) throw new Problem(409, 'passkey_last');
		await tx.delete(passkeys).where(eq(passkeys.id, passkeyId));
		// Its key wrap goes with it: a removed passkey must not unlock anything.
		await deletePasskeyWrapIn(tx, userId, passkeyId);
		await auditIn(
			tx,
			{ actorId: userId, action: 'passkey.removed', objectType: 'passkey', objectId: passkeyId },
			now
		);
	});
}
