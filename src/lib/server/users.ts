import { eq } from 'drizzle-orm';
import { getDb } from './db';
import { users } from './db/schema';

export async function getAccountName(userId: string): Promise<string> {
	const [user] = await getDb()
		.select({ name: users.displayName })
		.from(users)
		.where(eq(users.id, userId));
	return user?.name ?? '';
}
