import { expect, test, type Page } from '@playwright/test';
import { startApp, countRows, type App } from './support/app';
import { newDevice } from './support/passkeys';
import { expectAccessible } from './support/axe';
import { createAccount, signIn, signOut, unlockWithCode } from './support/flows';

let app: App;
let laptop: Page;
let code: string;

test.beforeAll(async ({ browser }) => {
	app = await startApp();
	// The first device has no PRF: sign-in must work without it.
	laptop = (await newDevice(await browser.newContext(), false)).page;
	code = await createAccount(laptop, app.setupUrl, 'Cedar', 'Laptop');
});
test.afterAll(async () => {
	await app.stop();
});

test('sign in with a passkey whose authenticator has no PRF: the recovery code unlocks', async () => {
	await signOut(laptop, app.origin);
	// No PRF, so the passkey alone cannot open the keys: the unlock page asks for the code.
	await laptop.goto(`${app.origin}/signin`);
	await laptop.getByRole('button', { name: 'Sign in with a passkey' }).click();
	await expect(laptop).toHaveURL(`${app.origin}/unlock`);
	await expectAccessible(laptop);
	await laptop.screenshot({ path: 'test-results/unlock.png', fullPage: true });
	await laptop.getByLabel('Recovery code', { exact: true }).fill('ABCDE-ABCDE');
	await laptop.getByRole('button', { name: 'Unlock', exact: true }).click();
	await expect(laptop.getByText('does not look complete')).toBeVisible();
	// Typed sloppily (lower case, spaces) it still works; "mine alone" remembers this device.
	await unlockWithCode(laptop, code.toLowerCase().replace(/-/g, ' '), { remember: true });
	await expect(laptop.getByRole('heading', { name: 'Welcome, Cedar.' })).toBeVisible();
	expect(await countRows(app.db, 'device_shares')).toBe(1);

	// Next time the remembered device unlocks in the same tap, without the code.
	await signOut(laptop, app.origin);
	await signIn(laptop, app.origin);
	await laptop.goto(`${app.origin}/account/keys`);
	await expect(laptop.getByText('This device keeps your key ready')).toBeVisible();
});

test('add a second passkey from another device through a one-time link', async ({ browser }) => {
	await laptop.goto(`${app.origin}/account/passkeys`);
	await expect(
		laptop.getByText('This is your only passkey, so it cannot be removed.')
	).toBeVisible();
	await laptop.getByRole('button', { name: 'Make a link' }).click();
	const field = laptop.getByLabel('Your one-time link');
	await expect(field).toHaveValue(/\/devices\/add\/[a-z2-7]+#[A-Za-z0-9_-]{43}$/);
	const link = await field.inputValue();
	const secret = link.split('#')[1] ?? '';
	await expectAccessible(laptop);
	await laptop.screenshot({ path: 'test-results/passkeys.png', fullPage: true });

	const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
	const { page: phone } = await newDevice(phoneContext, true);
	// The `#` secret opens the key bundle the link carries; it must never reach the server.
	const sent: string[] = [];
	phone.on('request', (r) =>
		sent.push(r.url() + (r.postData() ?? '') + JSON.stringify(r.headers()))
	);
	await phone.goto(link);
	await expect(phone.getByText('This link adds a passkey for Cedar')).toBeVisible();
	await expectAccessible(phone);
	await phone.screenshot({ path: 'test-results/device-add-phone.png', fullPage: true });
	await phone.getByLabel('Name for this passkey (optional)').fill('Phone');
	await phone.getByRole('button', { name: 'Create passkey' }).click();
	await expect(phone.getByRole('heading', { name: 'Welcome, Cedar.' })).toBeVisible();
	expect(await countRows(app.db, 'passkeys')).toBe(2);
	// The sealed copy was deleted on use, and the phone made its own PRF wrap.
	expect(await countRows(app.db, 'handovers')).toBe(0);
	expect(await countRows(app.db, 'key_wraps')).toBe(2);
	expect(phone.url()).not.toContain(secret);

	// The phone signs in and unlocks on its own later, and the link does not work twice.
	await signOut(phone, app.origin);
	await signIn(phone, app.origin);
	await phone.goto(`${app.origin}/account/keys`);
	await expect(phone.getByRole('heading', { name: 'This device' })).toBeVisible();
	expect(sent.length).toBeGreaterThan(3);
	expect(sent.filter((s) => s.includes(secret))).toEqual([]);
	expect(app.output()).not.toContain(secret);
	const reuse = await phone.goto(link);
	expect(reuse?.status()).toBe(410);

	// Both passkeys are listed; now one can be renamed and one removed.
	await laptop.goto(`${app.origin}/account/passkeys`);
	await expect(laptop.getByRole('heading', { name: 'Phone' })).toBeVisible();
	const phoneItem = laptop.getByRole('listitem').filter({ hasText: 'Phone' });
	await phoneItem.getByText('Rename', { exact: true }).first().click();
	await phoneItem.getByLabel('New name').fill('Old phone');
	await phoneItem.getByRole('button', { name: 'Rename' }).click();
	await expect(laptop.getByText('The passkey was renamed.')).toBeVisible();
	const oldPhone = laptop.getByRole('listitem').filter({ hasText: 'Old phone' });
	await oldPhone.getByText('Remove', { exact: true }).first().click();
	await oldPhone.getByRole('button', { name: 'Yes, remove Old phone' }).click();
	await expect(laptop.getByText('The passkey was removed.')).toBeVisible();
	expect(await countRows(app.db, 'passkeys')).toBe(1);
	// Its key wrap went with it.
	expect(await countRows(app.db, 'key_wraps')).toBe(1);
	await phoneContext.close();
});

test('sessions page lists sessions and signs out everywhere', async ({ browser }) => {
	// A second signed-in browser: a new passkey there through a one-time link.
	await laptop.goto(`${app.origin}/account/passkeys`);
	await laptop.getByRole('button', { name: 'Make a link' }).click();
	const link = await laptop.getByLabel('Your one-time link').inputValue();
	const { page: other } = await newDevice(await browser.newContext());
	await other.goto(link);
	await other.getByRole('button', { name: 'Create passkey' }).click();
	await expect(other.getByRole('heading', { name: 'Welcome, Cedar.' })).toBeVisible();

	await laptop.goto(`${app.origin}/account/sessions`);
	await expect(laptop.getByText('This browser')).toBeVisible();
	const open = await countRows(app.db, 'sessions');
	expect(open).toBeGreaterThanOrEqual(2);
	await expect(laptop.getByText('Signed in', { exact: true })).toHaveCount(open);
	await expectAccessible(laptop);
	await laptop.getByRole('button', { name: 'Sign out everywhere' }).click();
	await expect(laptop).toHaveURL(`${app.origin}/signin`);
	expect(await countRows(app.db, 'sessions')).toBe(0);
	await other.goto(`${app.origin}/home`);
	await expect(other).toHaveURL(`${app.origin}/signin?expired`);
	await expect(other.getByText('Your session has ended')).toBeVisible();
});

test('quick exit: button and Escape twice leave, end the session and wipe storage', async () => {
	await laptop.route('https://neutral.example/**', (route) =>
		route.fulfill({ contentType: 'text/html', body: '<title>Weather</title><p>Sunny</p>' })
	);
	await signIn(laptop, app.origin);
	await laptop.evaluate(() => sessionStorage.setItem('draft', 'x'));
	await laptop.getByRole('link', { name: 'Quick exit' }).click();
	await expect(laptop).toHaveURL('https://neutral.example/');
	await expect.poll(() => countRows(app.db, 'sessions')).toBe(0);
	// The remembered device is forgotten too, on the server and in this browser.
	expect(await countRows(app.db, 'device_shares')).toBe(0);

	await signIn(laptop, app.origin, code);
	// Same tab, same origin: what the page kept in sessionStorage was wiped on the way out.
	expect(await laptop.evaluate(() => sessionStorage.getItem('draft'))).toBeNull();
	await laptop.goto(`${app.origin}/account/passkeys`, { waitUntil: 'networkidle' });
	await laptop.keyboard.press('Escape');
	await laptop.keyboard.press('Escape');
	await expect(laptop).toHaveURL('https://neutral.example/');
	await expect.poll(() => countRows(app.db, 'sessions')).toBe(0);
	// The replaced entry is gone: Back does not return to the passkeys page.
	await laptop.goBack().catch(() => null);
	expect(laptop.url()).not.toContain('/account/passkeys');
});

test('quick exit without script still leaves and ends the session', async ({ browser }) => {
	await signIn(laptop, app.origin, code);
	// The same session, in a browser whose script does not run.
	const noScript = await browser.newContext({ javaScriptEnabled: false });
	await noScript.addCookies(await laptop.context().cookies());
	const page = await noScript.newPage();
	await page.route('https://neutral.example/**', (route) =>
		route.fulfill({ contentType: 'text/html', body: '<title>Weather</title><p>Sunny</p>' })
	);
	await page.goto(`${app.origin}/home`);
	await expect(page.getByRole('heading', { name: 'Welcome, Cedar.' })).toBeVisible();
	await page.getByRole('link', { name: 'Quick exit' }).click();
	await expect(page).toHaveURL('https://neutral.example/');
	expect(await countRows(app.db, 'sessions')).toBe(0);
	await noScript.close();
});

test('without script, a form still posts: signing out works before the page has loaded its code', async ({
	browser
}) => {
	await signIn(laptop, app.origin, code);
	const noScript = await browser.newContext({ javaScriptEnabled: false });
	await noScript.addCookies(await laptop.context().cookies());
	const page = await noScript.newPage();
	await page.goto(`${app.origin}/home`);
	await expect(page.getByRole('heading', { name: 'Welcome, Cedar.' })).toBeVisible();
	// A plain form post must carry our Origin, or the cross-site check refuses it.
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(`${app.origin}/signin`);
	expect(await countRows(app.db, 'sessions')).toBe(0);
	await noScript.close();
});

test('passkey errors say what to do next', async ({ browser }) => {
	// Not supported: a browser without WebAuthn.
	const bare = await (await browser.newContext()).newPage();
	await bare.addInitScript(() => {
		Object.defineProperty(window, 'PublicKeyCredential', { value: undefined });
	});
	await bare.goto(`${app.origin}/signin`);
	await bare.getByRole('button', { name: 'Sign in with a passkey' }).click();
	await expect(bare.getByText('This browser cannot use passkeys.')).toBeVisible();

	// Wrong device: an authenticator that holds no passkey for this site.
	const { page: stranger } = await newDevice(await browser.newContext());
	await stranger.goto(`${app.origin}/signin`);
	await stranger.getByRole('button', { name: 'Sign in with a passkey' }).click();
	await expect(stranger.getByText('this device may have no passkey for this site')).toBeVisible({
		timeout: 15_000
	});
	await expectAccessible(stranger);
	await stranger.screenshot({ path: 'test-results/signin-error.png', fullPage: true });
});
