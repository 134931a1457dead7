import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The command-line tools (`npm run purge`, `npm run backup`) share the app's server modules.
// Node 20 cannot run TypeScript, so `npm run build` bundles them after the app, into
// build/tools/ beside it (not emptied: the app is there); packages stay imports.
export default defineConfig({
	resolve: { alias: { $lib: fileURLToPath(new URL('./src/lib', import.meta.url)) } },
	publicDir: false,
	logLevel: 'warn',
	build: {
		ssr: true,
		target: 'node20',
		outDir: 'build/tools',
		emptyOutDir: false,
		sourcemap: true,
		rollupOptions: {
			input: { purge: 'src/tools/purge.ts', backup: 'src/tools/backup.ts' },
			output: {
				format: 'es',
				entryFileNames: '[name].js',
				chunkFileNames: 'chunks/[name]-[hash].js'
			}
		}
	}
});
