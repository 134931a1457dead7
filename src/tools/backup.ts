// `npm run backup`: a checked copy of the file database in BACKUP_DIR, and backups older than
// the closed-case window deleted. Built into build/tools/ by `npm run build`.
import { config } from '$lib/server/config';
import { closeDb, openDb } from '$lib/server/db';
import { BackupRefused, makeBackup, refuseServerDb } from '$lib/server/backup';
import { describeError } from '$lib/server/log';

try {
	// Before connecting: a libsql server is not ours to copy.
	refuseServerDb();
	await openDb();
	const { file, deleted } = await makeBackup(Date.now(), config().backupDir);
	console.log(`Backup made: ${file}`);
	console.log(
		deleted.length === 0
			? 'No older backups to delete.'
			: `Deleted ${deleted.length} backup(s) older than the closed-case window: ${deleted.join(', ')}`
	);
	await closeDb();
	process.exit(0);
} catch (e) {
	console.error(
		e instanceof BackupRefused
			? `No backup made: ${e.message}`
			: `The backup failed: ${describeError(e)}`
	);
	process.exit(1);
}
