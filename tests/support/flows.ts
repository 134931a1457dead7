import { expect, type Page } from '@playwright/test';

/** Creates an account (setup or invite link) with a display name and a named passkey. */
export async function createAccount(page: Page, url: string, name: string, passkeyName = '') {
	await page.goto(url);
	await page.getByLabel('Your name here').fill(name);
	if (passkeyName) await page.getByLabel('Name for this passkey (optional)').fill(passkeyName);
	await page.getByRole('button', { name: 'Create passkey' }).click();
	await expect(page.getByRole('heading', { name: `Welcome, ${name}.` })).toBeVisible();
}

export async function signIn(page: Page, origin: string) {
	await page.goto(`${origin}/signin`);
	await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
	await expect(page).toHaveURL(`${origin}/home`);
}

export async function signOut(page: Page, origin: string) {
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(`${origin}/signin`);
}
