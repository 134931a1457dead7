import { expect, test, type Page } from '@playwright/test';
import { startApp, countRows, type App } from './support/app';
import { newDevice } from './support/passkeys';
import { expectAccessible } from './support/axe';
import { createAccount } from './support/flows';

let app: App;
let admin: Page;

test.beforeAll(async ({ browser }) => {
	app = await startApp();
	admin = (await newDevice(await browser.newContext())).page;
	await createAccount(admin, app.setupUrl, 'Alder');
});
test.afterAll(async () => {
	await app.stop();
});

async function makeInvite(page: Page) {
	await page.goto(`${app.origin}/admin`);
	await page.getByRole('button', { name: 'Make an invitation link' }).click();
	const field = page.getByLabel(/Invitation link/);
	await expect(field).toHaveValue(/\/join\/[a-z2-7]+$/);
	return field.inputValue();
}

test('admin invites a facilitator, who joins; deactivation ends their session', async ({
	browser
}) => {
	const inviteUrl = await makeInvite(admin);
	await expectAccessible(admin);
	await admin.screenshot({ path: 'test-results/admin.png', fullPage: true });

	const facilitatorContext = await browser.newContext();
	const { page: facilitator } = await newDevice(facilitatorContext);
	await facilitator.goto(inviteUrl);
	await expectAccessible(facilitator);
	await createAccount(facilitator, inviteUrl, 'Birch');
	await expect(facilitator.getByText('You are a facilitator.')).toBeVisible();
	// A facilitator is not an admin: no admin link, and the page itself refuses.
	await expect(facilitator.getByRole('link', { name: 'Admin' })).toHaveCount(0);
	const adminPage = await facilitator.goto(`${app.origin}/admin`);
	expect(adminPage?.status()).toBe(403);
	await expect(facilitator.getByText('This page is not part of your role')).toBeVisible();

	// The invite shows as used and cannot be used again.
	await admin.reload();
	await expect(admin.getByText('Used by Birch')).toBeVisible();
	const again = await (await browser.newContext()).newPage();
	const reuse = await again.goto(inviteUrl);
	expect(reuse?.status()).toBe(410);
	await expect(again.getByText('This link has already been used')).toBeVisible();
	await expectAccessible(again);

	// Deactivate: Birch's next request finds no session.
	const birch = admin.getByRole('listitem').filter({ hasText: 'Birch — facilitator' });
	await birch.getByText('Deactivate', { exact: true }).click();
	await birch.getByRole('button', { name: 'Yes, deactivate Birch' }).click();
	await expect(admin.getByText('Birch was deactivated.')).toBeVisible();
	await expect(admin.getByText('Birch — facilitator, deactivated')).toBeVisible();
	await facilitator.goto(`${app.origin}/home`);
	await expect(facilitator).toHaveURL(`${app.origin}/signin?expired`);
	await expect(facilitator.getByText('Your session has ended')).toBeVisible();
	// And signing in again is refused with words.
	await facilitator.getByRole('button', { name: 'Sign in with a passkey' }).click();
	await expect(facilitator.getByText('This account is no longer active')).toBeVisible();
	await facilitatorContext.close();
});

test('a withdrawn invite and an unknown link get clear pages', async ({ browser }) => {
	const inviteUrl = await makeInvite(admin);
	const pending = admin.getByRole('listitem').filter({ hasText: 'Waiting' }).first();
	await pending.getByRole('button', { name: 'Withdraw' }).click();
	await expect(admin.getByText('The invitation was withdrawn.')).toBeVisible();

	const page = await (await browser.newContext()).newPage();
	const revoked = await page.goto(inviteUrl);
	expect(revoked?.status()).toBe(410);
	await expect(page.getByText('This link was withdrawn')).toBeVisible();
	const unknown = await page.goto(`${app.origin}/join/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`);
	expect(unknown?.status()).toBe(404);
	await expect(page.getByText('This link does not work')).toBeVisible();
	await expectAccessible(page);
	expect(await countRows(app.db, "users WHERE org_role = 'facilitator'")).toBe(1);
});

test('org settings change the neutral tab title', async () => {
	await admin.goto(`${app.origin}/admin`);
	await admin.getByLabel('Organization name').fill('Harbor Circle');
	await admin.getByLabel('Browser tab title').fill('Recipes');
	await admin.getByRole('button', { name: 'Save settings' }).click();
	await expect(admin.getByText('Settings saved.')).toBeVisible();
	await admin.goto(`${app.origin}/home`);
	await expect(admin).toHaveTitle('Recipes · Home');
	await expect(admin.getByRole('banner').getByText('Harbor Circle')).toBeVisible();
	// Bad input is refused with words and changes nothing.
	await admin.goto(`${app.origin}/admin`);
	await admin.getByLabel('Browser tab title').fill(' ');
	await admin.getByRole('button', { name: 'Save settings' }).click();
	await expect(admin.getByText('Please give a name of at most 80 characters')).toBeVisible();
	await admin.goto(`${app.origin}/home`);
	await expect(admin).toHaveTitle('Recipes · Home');
});
