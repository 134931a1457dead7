import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { getDb, isFileDb } from './db';
import { config } from './config';
import { audit } from './audit';
import { DAY, retentionPolicy } from './retention';

/** A backup that could not be made, in words an operator can act on (no paths, no data). */
export class BackupRefused extends Error {}

const NAME = /^circlekeeper-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.db$/;

/** `circlekeeper-20300101T090000Z.db`: sorts by time, and says when it was made in UTC. */
export function backupName(now: number) {
	const stamp = new Date(now)
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d{3}/, '');
	return `circlekeeper-${stamp}.db`;
}

/** When a backup was made, read from its name; null for any other file. */
export function backupTime(name: string): number | null {
	const parts = name.match(NAME)?.slice(1).map(Number);
	if (!parts) return null;
	const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = parts;
	return Date.UTC(y, mo - 1, d, h, mi, s);
}

async function integrityOk(path: string) {
	const copy = createClient({ url: `file:${path}` });
	try {
		const result = await copy.execute('PRAGMA integrity_check');
		return result.rows.length === 1 && result.rows[0]?.[0] === 'ok';
	} catch {
		return false;
	} finally {
		copy.close();
	}
}

/** Deletes a backup and whatever SQLite left beside it. */
function remove(path: string) {
	for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

/** Backups are of file databases only; checked before anything is opened or written. */
export function refuseServerDb() {
	if (isFileDb()) return;
	throw new BackupRefused(
		"DATABASE_URL is not a file database. With a libsql server, use the libsql server's own backup tooling."
	);
}

/**
 * Writes a consistent copy of the open file database into `dir` with `VACUUM INTO` (free pages,
 * where deleted rows were, are not copied), checks it, then deletes the backups there older
 * than the closed-case window, so a purged case does not live on in a backup (DESIGN §6).
 * A libsql server has no VACUUM INTO: its own backup tooling applies.
 */
export async function makeBackup(now = Date.now(), dir = config().backupDir) {
	refuseServerDb();
	mkdirSync(dir, { recursive: true });
	const file = backupName(now);
	const path = resolve(dir, file);
	if (existsSync(path)) {
		throw new BackupRefused(`A backup named ${file} exists already. Try again in a second.`);
	}
	// A bound parameter: the path never becomes part of the SQL text.
	await getDb().run(sql`VACUUM INTO ${path}`);
	if (!(await integrityOk(path))) {
		remove(path);
		throw new BackupRefused('The copy failed its integrity check and was deleted.');
	}

	const { closedCaseDays } = await retentionPolicy();
	const cutoff = now - closedCaseDays * DAY;
	const deleted: string[] = [];
	for (const name of readdirSync(dir).sort()) {
		const at = backupTime(name);
		if (at === null || name === file || at >= cutoff) continue;
		remove(join(dir, name));
		deleted.push(name);
	}
	// No path: where backups live is the operator's business, not the audit's.
	await audit({ actorId: null, action: 'backup.made' }, now);
	return { file, path, deleted };
}
