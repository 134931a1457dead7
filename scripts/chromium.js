// Which Chromium to drive and how: shared by the Playwright config, the e2e runner and the
// benchmarks, so all three use the same browser with the same flags.
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** Headless, sandbox off (CI runs as root), and nothing that phones home or updates itself. */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run'
];

/**
 * Debian's Chromium when present, else Playwright's own browser, else undefined.
 * @returns {string | undefined}
 */
export function chromiumExecutable() {
	if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
	try {
		const own = chromium.executablePath();
		if (own && existsSync(own)) return own;
	} catch {
		// Playwright has no browser of its own installed.
	}
	return undefined;
}
