import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'node_modules/',
			'src/lib/paraglide/',
			'data/',
			'test-results/',
			'.sqld/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'no-undef': 'off',
			// The app is always served at the root (no `paths.base`), so plain hrefs are correct.
			'svelte/no-navigation-without-resolve': 'off'
		}
	},
	{
		// The crypto library runs in browsers and Node alike and never touches the server.
		files: ['src/lib/crypto/**/*.ts'],
		ignores: ['src/lib/crypto/**/*.spec.ts', 'src/lib/crypto/**/*.fixtures.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: ['$lib/server/*', '$lib/client/*', 'node:*', '$app/*', '../*'] }
			]
		}
	},
	{
		// The server (and its command-line tools) stores ciphertext and checks shapes; it never
		// imports secret-key code.
		files: [
			'src/lib/server/**/*.ts',
			'src/routes/**/+server.ts',
			'src/routes/**/+*.server.ts',
			'src/tools/**/*.ts'
		],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: ['$lib/crypto/*', '$lib/client/*'],
					paths: [
						{
							name: 'libsql',
							message:
								'Use the database through getDb()/write(): the statement cache (db/statement-cache.ts) relies on every statement being run to its end by @libsql/client.'
						}
					]
				}
			]
		}
	},
	{
		files: ['src/lib/server/db/statement-cache.ts', 'src/lib/server/db/statement-cache.spec.ts'],
		rules: {
			'no-restricted-imports': ['error', { patterns: ['$lib/crypto/*', '$lib/client/*'] }]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	}
);
