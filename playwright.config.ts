import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './scripts/chromium.js';

// Each spec file starts its own server on a fresh database (tests/support/app.ts), so files
// do not depend on each other's state.
export default defineConfig({
	testDir: 'tests',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	workers: 2,
	retries: 0,
	timeout: 60_000,
	reporter: process.env.CI ? 'list' : 'list',
	use: {
		browserName: 'chromium',
		launchOptions: {
			executablePath: chromiumExecutable(),
			args: CHROMIUM_ARGS
		},
		trace: 'off'
	}
});
