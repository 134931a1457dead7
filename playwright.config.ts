import { defineConfig } from '@playwright/test';
import { chromiumExecutable } from './tests/support/browser';

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
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run'
			]
		},
		trace: 'off'
	}
});
