import { expect, type Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { createKeys } from './flows';

/** A facilitator opens a case from the dashboard; returns its id and reference. */
export async function openCase(page: Page, origin: string, title: string, summary = '') {
	await page.goto(`${origin}/cases`);
	await page.getByRole('link', { name: 'Open a case' }).click();
	await expect(page.getByLabel('Title')).toBeEditable();
	await page.screenshot({ path: 'test-results/case-new.png', fullPage: true });
	await page.getByLabel('Title').fill(title);
	if (summary) await page.getByLabel('Summary (optional)').fill(summary);
	await page.getByRole('button', { name: 'Open the case' }).click();
	await expect(page.getByRole('heading', { name: title })).toBeVisible();
	const ref = (await page.getByRole('heading', { level: 1 }).textContent())?.replace('Case ', '');
	return { caseId: new URL(page.url()).pathname.split('/').pop() ?? '', ref: ref?.trim() ?? '' };
}

/** On the case page: makes an invitation link for this role and returns it. */
export async function inviteLink(page: Page, role: string, supports?: string) {
	await page.getByLabel('Their role in this case').selectOption({ label: role });
	if (supports) await page.getByLabel('Whom they support').selectOption({ label: supports });
	const link = page.getByLabel('Invitation link');
	const before = (await link.count()) ? await link.inputValue() : '';
	await page.getByRole('button', { name: 'Make an invitation link' }).click();
	await expect(link).toHaveValue(/#v1\./);
	await expect(link).not.toHaveValue(before);
	return await link.inputValue();
}

/**
 * A new person follows an invite link: passkey, keys, back to the invite, joined. With
 * `phoneShot`, the invitation is also photographed at phone width into that file.
 */
export async function joinAsNewPerson(page: Page, link: string, name: string, phoneShot = '') {
	await page.goto(link);
	await expect(page.getByRole('heading', { name: 'You are invited' })).toBeVisible();
	await expectAccessible(page);
	if (phoneShot) {
		await page.setViewportSize({ width: 390, height: 844 });
		await page.screenshot({ path: phoneShot, fullPage: true });
		await page.setViewportSize({ width: 1280, height: 800 });
	}
	await page.getByLabel('Your name here').fill(name);
	await page.getByRole('button', { name: 'Create passkey' }).click();
	await createKeys(page);
	await expect(page).toHaveURL(/\/join\/[a-z2-7]+#v1\./);
	await expect(page.getByLabel('Your name in this case')).toHaveValue(name);
	await page.getByRole('button', { name: 'Join this case' }).click();
	await expect(page).toHaveURL(/\/cases\/[A-Za-z0-9_-]{22}$/);
	// The case then opens in this browser, which saves the log head it checked. Signed out
	// before that write lands, it comes back refused and ends the next sign-in.
	await caseOpened(page);
}

/**
 * Waits until the case page has opened the case in this browser and done what it does on
 * opening (saving the log head it checked; for a facilitator, signing membership changes and
 * sharing the case with new facilitators): the circle code shows only then. Leaving earlier
 * cuts that work off.
 */
export async function caseOpened(page: Page) {
	await expect(page.getByText('Circle code', { exact: true })).toBeVisible();
}
