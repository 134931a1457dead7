import { expect, test } from '@playwright/test';
import { startApp, type App } from './support/app';
import { newDevice } from './support/passkeys';
import { createAccount } from './support/flows';
import { storedSlots } from './support/storage';

let app: App;
test.beforeAll(async () => {
	app = await startApp({ SESSION_IDLE_MINUTES: '1' });
});
test.afterAll(async () => {
	await app.stop();
});

test('a tab left idle past the session timeout wipes its keys by itself', async ({ browser }) => {
	const { page } = await newDevice(await browser.newContext(), true);
	await createAccount(page, app.setupUrl, 'Linden');
	await page.clock.install();
	await page.goto(`${app.origin}/notebook`);
	await expect(page.getByRole('heading', { name: 'Your pages' })).toBeVisible();
	expect(await storedSlots(page)).toContain('session');

	// Nobody touches the tab for longer than the idle limit (one minute here).
	await page.clock.fastForward('01:45');
	await expect(page).toHaveURL(/\/signin\?expired|\/home/);
	const left = await storedSlots(page);
	expect(left).not.toContain('session');
});
