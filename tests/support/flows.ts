import { expect, type Page } from '@playwright/test';
import { expectAccessible } from './axe';

/**
 * Creates an account (setup or invite link) with a display name and a named passkey, sets up
 * its keys and returns the recovery code it was shown.
 */
export async function createAccount(page: Page, url: string, name: string, passkeyName = '') {
	await page.goto(url);
	await page.getByLabel('Your name here').fill(name);
	if (passkeyName) await page.getByLabel('Name for this passkey (optional)').fill(passkeyName);
	await page.getByRole('button', { name: 'Create passkey' }).click();
	const code = await createKeys(page);
	await expect(page.getByRole('heading', { name: `Welcome, ${name}.` })).toBeVisible();
	return code;
}

/** The key set-up step after a new account's passkey: returns the recovery code shown once. */
export async function createKeys(page: Page) {
	await expect(page.getByRole('heading', { name: 'Set up your private key' })).toBeVisible();
	await page.getByRole('button', { name: 'Create my key' }).click();
	const code = page.getByLabel('Recovery code', { exact: true });
	await expect(code).toBeVisible();
	const text = (await code.textContent())?.trim() ?? '';
	expect(text).toMatch(/^([0-9A-Z]{5}-){6}[0-9A-Z]{2}[0-9A-Z*~$=]$/);
	await expectAccessible(page);
	await page.getByLabel('I have kept my recovery code somewhere safe').check();
	await page.getByRole('button', { name: 'Continue' }).click();
	return text;
}

/**
 * Signs in. A passkey with a PRF wrap (or a remembered device) unlocks in the same tap; any
 * other lands on the unlock page, where `code` (the recovery code) is typed if given.
 */
export async function signIn(
	page: Page,
	origin: string,
	code?: string,
	options: { remember?: boolean } = {}
) {
	await page.goto(`${origin}/signin`);
	await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
	if (code === undefined) {
		await expect(page).toHaveURL(`${origin}/home`);
		return;
	}
	await unlockWithCode(page, code, options);
	await expect(page).toHaveURL(`${origin}/home`);
}

export async function unlockWithCode(page: Page, code: string, { remember = false } = {}) {
	await expect(page.getByRole('heading', { name: 'Open your private key' })).toBeVisible();
	await page.getByLabel('Recovery code', { exact: true }).fill(code);
	if (remember) await page.getByLabel('This device is mine alone').check();
	await page.getByRole('button', { name: 'Unlock', exact: true }).click();
}

export async function signOut(page: Page, origin: string) {
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(`${origin}/signin`);
}
