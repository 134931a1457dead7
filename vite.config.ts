import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// Svelte's runtime and the kit's client: every page loads them, so in the browser they are one
// chunk. Split by rollup along the pages that use each part, they came as about twenty small
// files, each compressed on its own: one file is 2 KB smaller gzipped on every page
// (docs/benchmarks.md). The server build is left as the kit makes it.
const FRAMEWORK = /\/node_modules\/(svelte\/src|@sveltejs\/kit\/src|devalue|esm-env)\//;
function frameworkChunk(): Plugin {
	let ssr = false;
	return {
		name: 'circlekeeper-framework-chunk',
		apply: 'build',
		configResolved(config) {
			ssr = !!config.build.ssr;
		},
		outputOptions(options) {
			if (ssr) return null;
			return { ...options, manualChunks: (id) => (FRAMEWORK.test(id) ? 'framework' : undefined) };
		}
	};
}

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			// One language for now; cookie/URL strategies would add routing we do not need yet.
			strategy: ['baseLocale']
		}),
		sveltekit(),
		frameworkChunk()
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
