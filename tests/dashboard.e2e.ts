import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startApp, type App } from './support/app';
import { expectAccessible } from './support/axe';
import { inviteLink, openCase } from './support/cases';
import { createAccount } from './support/flows';
import { newDevice } from './support/passkeys';
import { phoneShot } from './support/journey';

// The cases list a page at a time (25 cases), what needs the facilitator first, the titles
// of each page opened in her browser; the follow-up on a page of its own.

const SHOTS = '/tmp/shots-dashboard';
const COUNT = 27;

let app: App;
let lead: Page;

test.beforeAll(async ({ browser }) => {
	mkdirSync(SHOTS, { recursive: true });
	app = await startApp();
	lead = (await newDevice(await browser.newContext(), true)).page;
	await createAccount(lead, app.setupUrl, 'Alder', 'Desk');
});
test.afterAll(async () => {
	await app.stop();
});

const headings = (page: Page) => page.locator('.case-heading a');
/** The references on the page shown, once every title has opened. */
async function refsShown(page: Page, count: number) {
	await expect(headings(page)).toHaveCount(count);
	// Waits (retrying) for every title: the keys load after first paint, so "Opening the case
	// titles…" may not have appeared yet when this starts.
	await expect(headings(page)).toHaveText(Array.from({ length: count }, () => /: Referral /));
	await expect(page.getByText('Opening the case titles in this browser…')).toBeHidden();
	return (await headings(page).allTextContents()).map((t) => t.split(':')[0]!.trim());
}

test('more cases than fit on a page: each exactly once across the pages, what needs her first', async () => {
	test.setTimeout(400_000);
	const opened: { caseId: string; ref: string }[] = [];
	for (let i = 1; i <= COUNT; i++) opened.push(await openCase(lead, app.origin, `Referral ${i}`));
	// The oldest case, which would come last by date, has an invitation not used yet.
	await lead.goto(`${app.origin}/cases/${opened[0]!.caseId}`);
	await inviteLink(lead, 'Survivor');

	await lead.goto(`${app.origin}/cases`);
	await expect(
		lead.getByText('Cases that need you: 1. They come first in the list.')
	).toBeVisible();
	const nav = lead.getByRole('navigation', { name: 'Pages of cases' });
	await expect(nav.getByText('Page 1 of 2 · Cases 1 to 25 of 27')).toBeVisible();
	const first = await refsShown(lead, 25);
	expect(first[0]).toBe(opened[0]!.ref);
	await expect(headings(lead).first()).toHaveText(`${opened[0]!.ref}: Referral 1`);
	await expect(
		lead
			.getByRole('listitem')
			.filter({ hasText: opened[0]!.ref })
			.getByText('Invitations not used yet: 1')
	).toBeVisible();
	// Then newest first.
	expect(first[1]).toBe(opened[COUNT - 1]!.ref);
	await expect(nav.getByRole('link', { name: 'Previous page' })).toHaveCount(0);
	await expectAccessible(lead);
	await lead.screenshot({ path: `${SHOTS}/dashboard-page-1-desktop.png`, fullPage: true });
	await phoneShot(lead, SHOTS, 'dashboard-page-1-phone');

	// By keyboard, to the next page: plain links.
	await nav.getByRole('link', { name: 'Next page' }).focus();
	await lead.keyboard.press('Enter');
	await expect(lead).toHaveURL(/\/cases\?page=2$/);
	await expect(nav.getByText('Page 2 of 2 · Cases 26 to 27 of 27')).toBeVisible();
	const second = await refsShown(lead, 2);
	const all = [...first, ...second];
	expect(new Set(all).size).toBe(COUNT);
	expect([...all].sort()).toEqual(opened.map((o) => o.ref).sort());
	await expect(nav.getByRole('link', { name: 'Next page' })).toHaveCount(0);
	await expectAccessible(lead);
	await lead.screenshot({ path: `${SHOTS}/dashboard-page-2-desktop.png`, fullPage: true });
	await phoneShot(lead, SHOTS, 'dashboard-page-2-phone');
	await nav.getByRole('link', { name: 'Previous page' }).click();
	await expect(lead).toHaveURL(/\/cases$/);
	await refsShown(lead, 25);

	// A page that no longer exists sends her to the last one; a page that is not a number is
	// refused in words.
	await lead.goto(`${app.origin}/cases?page=5`);
	await expect(lead).toHaveURL(/\/cases\?page=2$/);
	const bad = await lead.request.get(`${app.origin}/cases?page=two`);
	expect(bad.status()).toBe(400);

	// The follow-up of agreements has its own page, linked in plain words.
	await lead.goto(`${app.origin}/cases`);
	await lead.getByRole('link', { name: 'How the agreements in your cases are going' }).click();
	await expect(lead.getByRole('heading', { level: 1, name: 'Follow-up' })).toBeVisible();
	await expect(lead.getByText('No agreement is in force in your cases right now.')).toBeVisible();
	await expectAccessible(lead);
	await phoneShot(lead, SHOTS, 'follow-up-empty-phone');
});

test('the home page shows what is waiting a page at a time, safety signals first', async () => {
	test.setTimeout(120_000);
	const { caseId } = await openCase(lead, app.origin, 'Many notices');
	const lead_id = String(
		(await app.db.execute({ sql: 'SELECT lead_id FROM cases WHERE id = ?', args: [caseId] }))
			.rows[0]!.lead_id
	);
	// 40 changes in participation, then two safety signals, oldest first: more than a page.
	const at = Date.now() - 3_600_000;
	const kinds = [
		...Array.from({ length: 40 }, (_, i) => (i % 2 ? 'paused' : 'resumed')),
		'unsafe',
		'talk'
	];
	for (const [i, kind] of kinds.entries()) {
		await app.db.execute({
			sql: `INSERT INTO case_notices (case_id, user_id, kind, created_at) VALUES (?, ?, ?, ?)`,
			args: [caseId, lead_id, kind, at + i * 1000]
		});
	}
	await lead.goto(`${app.origin}/home`);
	const items = lead.locator('section[aria-labelledby="waiting-heading"] li.item');
	await expect(items).toHaveCount(30);
	const total = Number(
		(await lead.getByText(/^Page 1 of 2 · Showing 1 to 30 of \d+$/).textContent())?.match(
			/of (\d+)$/
		)?.[1]
	);
	expect(total).toBeGreaterThanOrEqual(42);
	await expect(
		lead.getByText('Safety signals come first, then other news, newest first, then things to do.')
	).toBeVisible();
	// Both safety signals lead the first page, marked urgent.
	await expect(items.nth(0).getByText('Urgent')).toBeVisible();
	await expect(items.nth(1).getByText('Urgent')).toBeVisible();
	await expect(items.nth(2).getByText('Urgent')).toHaveCount(0);
	await expectAccessible(lead);
	await phoneShot(lead, SHOTS, 'home-page-1-phone');

	const nav = lead.getByRole('navigation', { name: 'Pages of what is waiting' });
	await nav.getByRole('link', { name: 'Next page' }).focus();
	await lead.keyboard.press('Enter');
	await expect(lead).toHaveURL(/\/home\?page=2$/);
	await expect(items).toHaveCount(total - 30);
	await expect(nav.getByText(`Page 2 of 2 · Showing 31 to ${total} of ${total}`)).toBeVisible();
	await expect(items.getByText('Urgent')).toHaveCount(0);
	await expectAccessible(lead);
	await phoneShot(lead, SHOTS, 'home-page-2-phone');

	await lead.goto(`${app.origin}/home?page=7`);
	await expect(lead).toHaveURL(/\/home\?page=2$/);
	const bad = await lead.request.get(`${app.origin}/home?page=0`);
	expect(bad.status()).toBe(400);
	expect(await bad.text()).toContain('was not in the form we expected');
});
