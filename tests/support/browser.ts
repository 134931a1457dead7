import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** Debian's Chromium when present, else Playwright's own browser, else undefined. */
export function chromiumExecutable(): string | undefined {
	if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
	try {
		const own = chromium.executablePath();
		if (own && existsSync(own)) return own;
	} catch {
		// Playwright has no browser of its own installed.
	}
	return undefined;
}
