// `npm run purge`: runs the built tool, or says how to build it.
import { existsSync } from 'node:fs';

if (!existsSync('build/tools/purge.js')) {
	console.error('The purge tool is not built yet: run `npm run build` first.');
	process.exit(1);
}
await import('../build/tools/purge.js');
