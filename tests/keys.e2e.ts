import { existsSync, readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { countRows, startApp, type App } from './support/app';
import { newDevice } from './support/passkeys';
import { expectAccessible } from './support/axe';
import { storedSlots } from './support/storage';
import { recordTraffic } from './support/traffic';
import { createAccount, signIn, signOut, unlockWithCode } from './support/flows';

let app: App;
let admin: Page;
let birch: Page;

test.beforeAll(async ({ browser }) => {
	app = await startApp();
	admin = (await newDevice(await browser.newContext(), true)).page;
	await createAccount(admin, app.setupUrl, 'Alder', 'Desk');
});
test.afterAll(async () => {
	await app.stop();
});

async function writePage(page: Page, text: string) {
	await page.goto(`${app.origin}/notebook`);
	await page.getByLabel('Write here').fill(text);
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByText('Saved.')).toBeVisible();
	await expect(page.getByRole('listitem').filter({ hasText: text })).toBeVisible();
}

test('PRF: one tap signs in and unlocks; a reload stays unlocked; the canary never leaves the browser', async () => {
	const canary = `canary-${crypto.randomUUID()}`;
	const traffic = recordTraffic(admin);
	await writePage(admin, `A private page: ${canary}\nSecond line.`);
	await expectAccessible(admin);
	await admin.screenshot({ path: 'test-results/notebook.png', fullPage: true });
	await admin.setViewportSize({ width: 390, height: 844 });
	await admin.screenshot({ path: 'test-results/notebook-phone.png', fullPage: true });
	await admin.setViewportSize({ width: 1280, height: 800 });

	// Change it and read it back after a reload: the session share unlocks without a tap.
	const item = admin.getByRole('listitem').filter({ hasText: canary });
	await item.getByRole('button', { name: 'Change' }).click();
	await admin.getByLabel('Change this page').fill(`Changed: ${canary}`);
	await admin.getByRole('button', { name: 'Save' }).nth(1).click();
	await expect(admin.getByText(`Changed: ${canary}`)).toBeVisible();
	await admin.reload();
	await expect(admin.getByText(`Changed: ${canary}`)).toBeVisible();
	await expect(admin).toHaveURL(`${app.origin}/notebook`);

	// Signing out and in again: the passkey's PRF output opens the keys in the same tap.
	await signOut(admin, app.origin);
	await signIn(admin, app.origin);
	await admin.goto(`${app.origin}/notebook`);
	await expect(admin.getByText(`Changed: ${canary}`)).toBeVisible();

	// The canary is in no request, response, server log, database file or WAL.
	expect(traffic.length).toBeGreaterThan(20);
	expect(traffic.filter((t) => t.includes(canary))).toEqual([]);
	expect(app.output()).not.toContain(canary);
	await app.db.execute('SELECT count(*) FROM personal_envelopes');
	for (const file of [app.dbPath, `${app.dbPath}-wal`]) {
		if (existsSync(file)) expect(readFileSync(file).includes(canary)).toBe(false);
	}
	expect(await countRows(app.db, 'personal_envelopes')).toBeGreaterThanOrEqual(2);
});

test('a page too long to store is refused with words that keep it in the editor', async () => {
	await admin.goto(`${app.origin}/notebook`);
	const long = 'a'.repeat(256 * 1024);
	await admin.getByLabel('Write here').fill(long);
	await admin.getByRole('button', { name: 'Save' }).click();
	await expect(admin.getByText('This page is too long to save in one piece')).toBeVisible();
	await expect(admin.getByLabel('Write here')).toHaveValue(long);
	await admin.getByLabel('Write here').fill('');
});

test('deleting a page leaves a tombstone with no text', async () => {
	await writePage(admin, 'To be deleted soon');
	const item = admin.getByRole('listitem').filter({ hasText: 'To be deleted soon' });
	await item.getByText('Delete', { exact: true }).click();
	await item.getByRole('button', { name: 'Yes, delete this page' }).click();
	await expect(admin.getByText('The page was deleted.')).toBeVisible();
	await expect(admin.getByText('To be deleted soon')).toHaveCount(0);
	const rows = await app.db.execute(
		"SELECT count(*) AS n FROM personal_envelopes WHERE kind = 'notebook' AND deleted = 1"
	);
	expect(Number(rows.rows[0]?.n)).toBe(1);
});

test('a server that serves an older version of a page is caught, not believed', async () => {
	await writePage(admin, 'First words');
	const saved = await app.db.execute(
		"SELECT * FROM personal_envelopes WHERE kind = 'notebook' AND deleted = 0 ORDER BY updated_at DESC LIMIT 1"
	);
	const old = saved.rows[0]!;
	const item = admin.getByRole('listitem').filter({ hasText: 'First words' });
	await item.getByRole('button', { name: 'Change' }).click();
	await admin.getByLabel('Change this page').fill('Second thoughts');
	await admin.getByRole('button', { name: 'Save' }).nth(1).click();
	await expect(admin.getByText('Second thoughts')).toBeVisible();

	// The server puts the older version back, as a rollback or a restored backup would.
	await app.db.execute({
		sql: 'UPDATE personal_envelopes SET version = ?, header = ?, body = ?, wrap = ? WHERE object_id = ?',
		args: [old.version, old.header, old.body, old.wrap, old.object_id].map((v) => v ?? null)
	});
	await admin.reload();
	await expect(admin.getByText('has seen a newer version')).toBeVisible();
	await expect(admin.getByText('First words')).toHaveCount(0);
	await expectAccessible(admin);
	// Put things back for the journeys that follow.
	await app.db.execute({
		sql: 'DELETE FROM personal_envelopes WHERE object_id = ?',
		args: [old.object_id ?? null]
	});
});

test('recovery after losing every passkey: a new passkey link from an admin and the recovery code', async ({
	browser
}) => {
	// A facilitator joins and writes something.
	await admin.goto(`${app.origin}/admin`);
	await admin.getByRole('button', { name: 'Make an invitation link' }).click();
	const invite = await admin.getByLabel('Invitation link').inputValue();
	const lost = await newDevice(await browser.newContext(), true);
	const code = await createAccount(lost.page, invite, 'Birch');
	await writePage(lost.page, 'Written before the phone was lost');
	await lost.page.context().close();

	// Every passkey is gone; the admin makes a link that adds a new one.
	await admin.goto(`${app.origin}/admin`);
	const birchItem = admin.getByRole('listitem').filter({ hasText: 'Birch' });
	await birchItem.getByText('Lost all their passkeys?').click();
	await birchItem.getByRole('button', { name: 'Make a new passkey link for Birch' }).click();
	const link = await birchItem.getByLabel('New passkey link').inputValue();
	await expectAccessible(admin);

	const fresh = await newDevice(await browser.newContext(), true);
	await fresh.page.goto(link);
	await fresh.page.getByRole('button', { name: 'Create passkey' }).click();
	// The link carried no keys: the recovery code opens the same keys again.
	await unlockWithCode(fresh.page, code);
	await expect(fresh.page).toHaveURL(`${app.origin}/home`);
	await fresh.page.goto(`${app.origin}/notebook`);
	await expect(fresh.page.getByText('Written before the phone was lost')).toBeVisible();

	// The new passkey now unlocks by itself.
	await signOut(fresh.page, app.origin);
	await signIn(fresh.page, app.origin);

	// A new recovery code replaces the old one, which stops working.
	await fresh.page.goto(`${app.origin}/account/keys`);
	await fresh.page.getByText('Make a new recovery code').click();
	await fresh.page.getByRole('button', { name: 'Make a new code now' }).click();
	const newCode =
		(await fresh.page.getByLabel('Recovery code', { exact: true }).textContent()) ?? '';
	expect(newCode.trim()).not.toBe(code);
	await expectAccessible(fresh.page);
	await fresh.page.screenshot({ path: 'test-results/new-recovery-code.png', fullPage: true });
	await fresh.page.getByLabel('I have kept my recovery code somewhere safe').check();
	await fresh.page.getByRole('button', { name: 'Continue' }).click();
	await expect(fresh.page.getByText('The old one no longer works.')).toBeVisible();

	await fresh.page.goto(`${app.origin}/unlock`);
	await fresh.page.getByLabel('Recovery code', { exact: true }).fill(code);
	await fresh.page.getByRole('button', { name: 'Unlock', exact: true }).click();
	await expect(fresh.page.getByText('does not open your key')).toBeVisible();
	await unlockWithCode(fresh.page, newCode.trim());
	await expect(fresh.page).toHaveURL(`${app.origin}/home`);
	birch = fresh.page;
});

async function readSafetyNumber(page: Page, name: string) {
	await page.goto(`${app.origin}/people`);
	await expectAccessible(page);
	await page.getByRole('link', { name }).click();
	await expect(page.getByRole('heading', { name: `Safety number with ${name}` })).toBeVisible();
	await expect(
		page.getByRole('img', { name: 'The same safety number as a QR code' })
	).toBeVisible();
	// Twelve groups of five digits, each its own piece of text.
	const groups = await page
		.getByRole('main')
		.getByText(/^\d{5}$/)
		.allTextContents();
	expect(groups).toHaveLength(12);
	const digits = groups.join(' ');
	return digits;
}

test('safety numbers match on both sides; a changed key after verifying is flagged', async () => {
	const seenByAdmin = await readSafetyNumber(admin, 'Birch');
	const seenByBirch = await readSafetyNumber(birch, 'Alder');
	expect(seenByBirch).toBe(seenByAdmin);
	await expectAccessible(birch);
	await birch.setViewportSize({ width: 390, height: 844 });
	await birch.screenshot({ path: 'test-results/safety-number-phone.png', fullPage: true });

	await expect(admin.getByText('You have not marked this person as verified yet.')).toBeVisible();
	await admin.getByRole('button', { name: 'The numbers match: mark as verified' }).click();
	await expect(admin.getByText('You marked this person as verified on')).toBeVisible();
	await admin.reload();
	await expect(admin.getByText('You marked this person as verified on')).toBeVisible();

	// The server (or whoever runs it) swaps in a key of its own for Birch.
	const rows = await app.db.execute("SELECT users.id FROM users WHERE display_name = 'Birch'");
	const birchId = String(rows.rows[0]?.id);
	const forged = Buffer.alloc(32, 7).toString('base64url');
	await app.db.execute({
		sql: 'UPDATE identities SET box_pk = ? WHERE user_id = ?',
		args: [forged, birchId]
	});
	await admin.reload();
	await expect(admin.getByRole('alert')).toContainText('Their key changed after you verified it');
	expect(await readSafetyNumber(admin, 'Birch')).not.toBe(seenByAdmin);
	await expectAccessible(admin);
	await admin.screenshot({ path: 'test-results/safety-number-changed.png', fullPage: true });
});

test('an expired session wipes the keys in the open tab', async () => {
	// The page's own script must be running: it is what notices the expiry and wipes the keys.
	await admin.goto(`${app.origin}/notebook`, { waitUntil: 'networkidle' });
	await expect(admin.getByRole('heading', { name: 'Your pages' })).toBeVisible();
	expect(await storedSlots(admin)).toContain('session');
	// The session ends on the server (idle expiry, or "sign out everywhere" elsewhere).
	await app.db.execute('DELETE FROM sessions');
	await admin.getByLabel('Write here').fill('Written after expiry');
	await admin.getByRole('button', { name: 'Save' }).click();
	await expect(admin).toHaveURL(`${app.origin}/signin?expired`);
	await expect(admin.getByText('Your session has ended')).toBeVisible();
	// Deleting from IndexedDB is asynchronous: wait for it rather than race it.
	await expect.poll(() => storedSlots(admin)).not.toContain('session');
	await signIn(admin, app.origin);
});

test('signing out is a full load: a save still on its way is dropped with the page, never sent later', async () => {
	await admin.goto(`${app.origin}/notebook`);
	await expect(admin.getByRole('heading', { name: 'Your pages' })).toBeVisible();
	// The save is held on its way, as on a slow connection, until after signing out.
	const envelopes = '**/api/me/envelopes/*';
	let release = () => {};
	const held = new Promise<void>((resolve) => {
		void admin.route(envelopes, async (route) => {
			if (route.request().method() !== 'PUT') return route.fallback();
			resolve();
			await new Promise<void>((r) => (release = r));
			await route.fallback().catch(() => undefined);
		});
	});
	const failed = admin.waitForEvent(
		'requestfailed',
		(r) => r.method() === 'PUT' && r.url().includes('/api/me/envelopes/')
	);
	const pages = await countRows(app.db, 'personal_envelopes');
	await admin.evaluate(() => Object.assign(window, { beforeSignOut: true }));
	await admin.getByLabel('Write here').fill('Written while signing out');
	await admin.getByRole('button', { name: 'Save' }).click();
	await held;
	await signOut(admin, app.origin);
	// A new document: the last page's script, its memory and its requests went with it.
	expect(await admin.evaluate(() => 'beforeSignOut' in window)).toBe(false);
	release();
	expect((await failed).failure()?.errorText).toContain('ERR_ABORTED');
	await admin.unroute(envelopes);
	expect(await countRows(app.db, 'personal_envelopes')).toBe(pages);
	// Nothing comes back refused afterwards to end the next sign-in.
	await admin.getByRole('button', { name: 'Sign in with a passkey' }).click();
	await expect(admin).toHaveURL(`${app.origin}/home`);
});

test('quick exit wipes the keys: storage, the server share and the session', async () => {
	await admin.goto(`${app.origin}/notebook`);
	await expect(admin.getByRole('heading', { name: 'Your pages' })).toBeVisible();
	const alderSessions = async (where = '') => {
		const rows = await app.db.execute(
			`SELECT count(*) AS n FROM sessions JOIN users ON users.id = sessions.user_id
			 WHERE users.display_name = 'Alder' ${where}`
		);
		return Number(rows.rows[0]?.n);
	};
	expect(await alderSessions('AND key_share IS NOT NULL')).toBe(1);
	const before = await admin.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
	expect(before).toContain('circlekeeper-keys');

	await admin.route('https://neutral.example/**', (route) =>
		route.fulfill({ contentType: 'text/html', body: '<title>Weather</title><p>Sunny</p>' })
	);
	await admin.getByRole('link', { name: 'Quick exit' }).click();
	await expect(admin).toHaveURL('https://neutral.example/');
	// The session, and with it the server's share, is gone.
	await expect.poll(() => alderSessions()).toBe(0);

	// Back on the site in the same browser: nothing is left that could unlock.
	await admin.goto(`${app.origin}/signin`);
	const after = await admin.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
	expect(after).not.toContain('circlekeeper-keys');
	await admin.goto(`${app.origin}/notebook`);
	await expect(admin).toHaveURL(/\/signin/);
});
