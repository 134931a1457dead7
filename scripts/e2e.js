// Runs the Playwright journeys after checking that a Chromium is there to drive.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumExecutable } from './chromium.js';

if (!chromiumExecutable()) {
	console.error(
		'No Chromium found for the end-to-end tests.\n' +
			"Install Debian's (as root: apt-get install -y chromium) or run `npx playwright install chromium`."
	);
	process.exit(1);
}
if (!existsSync('build/index.js')) {
	console.error('The app is not built yet: run `npm run build` first.');
	process.exit(1);
}
const result = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
	stdio: 'inherit'
});
process.exit(result.status ?? 1);
