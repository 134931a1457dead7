import { expect, test } from '@playwright/test';
import { startApp, countRows, type App } from './support/app';
import { newDevice, watchPrf } from './support/passkeys';
import { expectAccessible } from './support/axe';
import { createAccount, signIn, signOut } from './support/flows';

let app: App;
test.beforeAll(async () => {
	app = await startApp();
});
test.afterAll(async () => {
	if (test.info().status !== 'passed') console.log(app.output());
	await app.stop();
});

test('setup link → admin passkey → sign out → sign in again, with PRF', async ({ browser }) => {
	const context = await browser.newContext();
	const { page } = await newDevice(context, true);
	const prfSeen = await watchPrf(page);
	const posted: string[] = [];
	page.on('request', (r) => {
		if (r.method() === 'POST') posted.push(r.postData() ?? '');
	});

	await page.goto(app.setupUrl);
	await expect(page).toHaveTitle('Notes · Set up your organization');
	await expectAccessible(page);
	await page.screenshot({ path: 'test-results/setup.png', fullPage: true });
	await createAccount(page, app.setupUrl, 'River', 'Laptop');
	await expectAccessible(page);
	await page.screenshot({ path: 'test-results/home.png', fullPage: true });

	await signOut(page, app.origin);
	await expectAccessible(page);
	await page.screenshot({ path: 'test-results/signin.png', fullPage: true });
	await signIn(page, app.origin);
	await expect(page.getByRole('heading', { name: 'Welcome, River.' })).toBeVisible();

	// The authenticator produced PRF output in the browser, and none of it was posted.
	expect(prfSeen().length).toBeGreaterThanOrEqual(2);
	expect(prfSeen().every(Boolean)).toBe(true);
	expect(posted.join('\n')).not.toContain('"results"');
	expect(await countRows(app.db, "users WHERE org_role = 'admin'")).toBe(1);

	// The setup link worked once.
	await page.goto(app.setupUrl);
	await expect(
		page
			.getByText('Setup is already complete')
			.or(page.getByText('This link has already been used'))
	).toBeVisible();
	await context.close();
});
