// `npm run backup`: runs the built tool, or says how to build it.
import { existsSync } from 'node:fs';

if (!existsSync('build/tools/backup.js')) {
	console.error('The backup tool is not built yet: run `npm run build` first.');
	process.exit(1);
}
await import('../build/tools/backup.js');
