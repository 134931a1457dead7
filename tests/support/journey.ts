import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import type { App } from './app';
import { caseOpened } from './cases';

// What the longer journeys share: pictures at phone width, canaries looked for everywhere the
// app keeps or sends anything, the lead's browser confirming members, files saved from a page.

/** A full-page picture at phone width, from the top, into `dir/name.png`. */
export async function phoneShot(page: Page, dir: string, name: string) {
	await page.setViewportSize({ width: 390, height: 844 });
	// From the top: a scrolled page draws its sticky header mid-picture.
	await page.evaluate(() => window.scrollTo(0, 0));
	await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
	await page.setViewportSize({ width: 1280, height: 800 });
}

/** Every file the app keeps: the database, its WAL and anything else beside them. */
export function storedFiles(app: App, dir = dirname(app.dbPath)): Buffer[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
		e.isDirectory() ? storedFiles(app, join(dir, e.name)) : [readFileSync(join(dir, e.name))]
	);
}

/** No secret in any recorded traffic, the app's output, or anything it stored. */
export function expectNowhere(app: App, secrets: string[], traffic: string[][]) {
	for (const seen of traffic) {
		expect(seen.length).toBeGreaterThan(10);
		expect(seen.filter((t) => secrets.some((s) => t.includes(s)))).toEqual([]);
	}
	for (const s of secrets) expect(app.output()).not.toContain(s);
	const files = storedFiles(app);
	expect(files.length).toBeGreaterThan(0);
	for (const bytes of files) for (const s of secrets) expect(bytes.includes(s)).toBe(false);
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export async function userIdOf(app: App, caseId: string, role: string) {
	const r = await app.db.execute({
		sql: 'SELECT user_id FROM case_members WHERE case_id = ? AND role = ?',
		args: [caseId, role]
	});
	return String(r.rows[0]?.user_id);
}

/** The lead's browser signs new members into the case log; until then nothing is shared. */
export async function confirmMember(lead: Page, app: App, caseId: string, entry: string) {
	await lead.goto(`${app.origin}/cases/${caseId}`);
	await expect(lead.getByRole('listitem').filter({ hasText: entry })).toBeVisible();
	// This case's changes only: another test's case may be waiting for its own lead.
	const pending = async () =>
		(await app.db.execute({ sql: 'SELECT 1 FROM case_pending WHERE case_id = ?', args: [caseId] }))
			.rows.length;
	await expect.poll(pending).toBe(0);
	// The change is signed before the case's objects are shared with a new facilitator: if
	// the lead left before that and never came back, the new facilitator would never read them.
	await caseOpened(lead);
}

/** "Save a copy": the file is decrypted in the page and saved; returns what was saved. */
export async function saveCopy(page: Page, within: Locator) {
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		within.getByRole('button', { name: 'Save a copy' }).click()
	]);
	return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}
