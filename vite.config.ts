import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			// One language for now; cookie/URL strategies would add routing we do not need yet.
			strategy: ['baseLocale']
		}),
		sveltekit()
	],
	test: {
		include: ['src/**/*.spec.ts'],
		environment: 'node',
		// Integration tests share one process per file; each file makes its own database.
		fileParallelism: true,
		testTimeout: 20_000,
		expect: { requireAssertions: true }
	}
});
