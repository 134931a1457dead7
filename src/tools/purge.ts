// `npm run purge`: one purge, as the app's timer runs it every five minutes (for cron, or to
// apply a new retention policy at once). Built into build/tools/ by `npm run build`.
import { closeDb, openDb } from '$lib/server/db';
import { describeError } from '$lib/server/log';
import { purge } from '$lib/server/purge';

try {
	await openDb();
	const r = await purge();
	const wal =
		r.checkpointed === null
			? 'no WAL (libsql server)'
			: r.checkpointed
				? 'WAL checkpointed'
				: 'WAL partly checkpointed (a reader held it)';
	console.log(
		`Purge done: deleted ${r.cases} closed cases, ${r.accounts} accounts, ${r.invites} unused invitations, ${r.auditEvents} audit events; ${wal}.`
	);
	await closeDb();
	process.exit(0);
} catch (e) {
	// A database error's message carries its query parameters, which must not be printed.
	console.error(`The purge failed: ${describeError(e)}`);
	process.exit(1);
}
