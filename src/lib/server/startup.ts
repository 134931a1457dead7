import { openDb } from './db';
import { config } from './config';
import { createSetupLinkIfNeeded } from './links';
import { startPurgeTimer } from './purge';
import { ensureDefaultTemplates } from './templates';

let started: Promise<void> | undefined;

/**
 * Opens the database, applies migrations, adds the default form templates where an audience
 * has none, and prints the setup link on an empty database.
 */
export function startup() {
	started ??= (async () => {
		await openDb();
		await ensureDefaultTemplates();
		const setup = await createSetupLinkIfNeeded();
		if (setup) {
			// The one place a secret is printed: the operator needs it, and it works once.
			console.log(
				`\nCirclekeeper has no admin yet. Open this link within 24 hours to create the first admin:\n\n  ${config().origin}${setup.path}\n`
			);
		}
		startPurgeTimer();
	})();
	return started;
}
