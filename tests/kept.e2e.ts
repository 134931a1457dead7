import { mkdirSync, readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startApp, type App } from './support/app';
import { newDevice } from './support/passkeys';
import { expectAccessible } from './support/axe';
import { recordTraffic } from './support/traffic';
import { createAccount, signOut } from './support/flows';
import { inviteLink, joinAsNewPerson, openCase } from './support/cases';
import { confirmMember, phoneShot, userIdOf } from './support/journey';

// "What is kept about me" and "Download my data": a survivor sees what the server keeps about
// her and when it goes, and takes away everything she can read, opened in her own browser. The
// server sends only what it holds, sealed; another person's copy never holds her words.

const SHOTS = '/tmp/shots-kept';

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

/** "Download my data": the saved file, parsed. */
async function downloadCopy(page: Page) {
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Download my data' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.json$/);
	await expect(page.getByText('Your copy is saved in your downloads.')).toBeVisible();
	return JSON.parse(readFileSync(await download.path(), 'utf8'));
}

test('a survivor sees what is kept about her, downloads and prints her copy; the server sees no words', async ({
	browser,
	playwright
}) => {
	test.setTimeout(240_000);
	const canary = `kept-${crypto.randomUUID()}`;
	const message = `message-${crypto.randomUUID()}`;
	const fileCanary = `file-${crypto.randomUUID()}`;
	const { caseId, ref } = await openCase(lead, app.origin, 'Kept case');
	const survivorLink = await inviteLink(lead, 'Survivor');
	const wren = (await newDevice(await browser.newContext(), true)).page;
	await joinAsNewPerson(wren, survivorLink, 'Wren');
	await confirmMember(lead, app, caseId, 'Wren — Survivor');
	const partyLink = await inviteLink(lead, 'Responsible party');
	const ash = (await newDevice(await browser.newContext(), true)).page;
	await joinAsNewPerson(ash, partyLink, 'Ash');
	await confirmMember(lead, app, caseId, 'Ash — Responsible party');

	// Her input, for the facilitators.
	await wren.goto(`${app.origin}/cases/${caseId}/input`);
	await wren.getByRole('button', { name: 'Show the questions' }).click();
	await wren.getByRole('textbox').first().fill(`I need ${canary}`);
	await expect(wren.getByText('Draft saved, readable only by you')).toBeVisible();
	await wren.getByRole('button', { name: 'Send to the people I chose' }).click();
	await expect(wren.getByText('Sent. Only the people you chose can read it.')).toBeVisible();

	// A message to her from the lead, with a letter: the copy names the file, never its bytes.
	const wrenId = await userIdOf(app, caseId, 'survivor');
	await lead.goto(`${app.origin}/cases/${caseId}/messages/${wrenId}`);
	await expect(lead.getByRole('heading', { name: 'Write a message' })).toBeVisible();
	await lead.getByLabel('Your message').fill(`Hello ${message}`);
	const letter = Buffer.from(`inside ${fileCanary}`);
	await lead
		.getByLabel('Attach a file (optional)')
		.setInputFiles({ name: 'letter.txt', mimeType: 'text/plain', buffer: letter });
	await lead.getByRole('button', { name: 'Send', exact: true }).click();
	await expect(lead.getByText('Sent.', { exact: true })).toBeVisible({ timeout: 60_000 });

	// Someone opening her input is an event about her (recorded by the input pages): one made
	// here, as the lead, so the page is seen naming who did it.
	const alderId = await userIdOf(app, caseId, 'facilitator');
	await app.db.execute({
		sql: `INSERT INTO audit_events (at, actor_id, action, object_type, object_id, case_id, subject_id)
			VALUES (?, ?, 'input.fetched', 'input', 'x', ?, ?)`,
		args: [Date.now(), alderId, caseId, wrenId]
	});

	// "What is kept about you", from her account menu.
	await wren.goto(`${app.origin}/home`);
	await wren.getByRole('link', { name: 'See what is kept about you, and download a copy' }).click();
	await expect(
		wren.getByRole('heading', { name: 'What is kept about you', level: 1 })
	).toBeVisible();
	const account = wren.getByRole('region', { name: 'Your account' });
	await expect(account.getByText('Taking part in cases')).toBeVisible();
	await expect(account.getByText('30 days after your last case is deleted.')).toBeVisible();
	const kase = wren.getByRole('listitem').filter({ hasText: `Case ${ref}` });
	await expect(kase.getByText('Survivor')).toBeVisible();
	await expect(kase.getByText('Input and its files: 1')).toBeVisible();
	await expect(
		kase.getByText('30 days after this case is closed, with everything in it.')
	).toBeVisible();
	const events = wren.getByRole('region', { name: 'What happened' });
	await expect(events.getByText('Set up a private key')).toBeVisible();
	const opened = events.getByRole('listitem').filter({ hasText: 'Opened input' });
	await expect(opened.getByText('Alder')).toBeVisible();
	await expect(opened.getByText('Deleted with its case')).toBeVisible();
	await expect(wren.getByText(canary)).toBeHidden();
	await expectAccessible(wren);
	await phoneShot(wren, SHOTS, 'kept-survivor');
	await wren.screenshot({ path: `${SHOTS}/kept-survivor-desktop.png`, fullPage: true });

	// Her copy: everything she can read, opened here. The server sent only sealed envelopes.
	const traffic = recordTraffic(wren);
	const copy = await downloadCopy(wren);
	expect(copy.format).toBe('circlekeeper-export/v1');
	expect(copy.unopened).toBe(0);
	const [mine] = copy.cases;
	expect(mine).toMatchObject({ ref, role: 'survivor', part: 'active', deleteAt: null });
	const input = mine.writing.find((w: { kind: string }) => w.kind === 'input');
	expect(input).toMatchObject({ opened: true, author: 'Wren', content: { type: 'input' } });
	expect(input.content.answers).toContainEqual(
		expect.objectContaining({ answer: `I need ${canary}` })
	);
	const sent = mine.writing.find((w: { kind: string }) => w.kind === 'conversation');
	expect(sent).toMatchObject({
		opened: true,
		author: 'Alder',
		content: {
			type: 'message',
			text: `Hello ${message}`,
			file: { name: 'letter.txt', type: 'text/plain', size: letter.length }
		}
	});
	expect(JSON.stringify(copy)).not.toContain(fileCanary);
	expect(copy.kept.events.some((e: { action: string }) => e.action === 'input.fetched')).toBe(true);
	expect(traffic.some((t) => t.includes('/api/me/export'))).toBe(true);
	expect(traffic.filter((t) => t.includes(canary) || t.includes(message))).toEqual([]);

	// The printable copy shows the same, opened in this browser, with a print button.
	await wren.getByRole('link', { name: 'Printable copy' }).click();
	await expect(wren.getByRole('heading', { name: 'Everything you can read here' })).toBeVisible();
	await expect(wren.getByText(`I need ${canary}`)).toBeVisible();
	await expect(wren.getByText(`Hello ${message}`)).toBeVisible();
	await expect(wren.getByText(`letter.txt (text/plain, ${letter.length} B)`)).toBeVisible();
	await expect(wren.getByRole('button', { name: 'Print' })).toBeVisible();
	await expect(wren.getByRole('heading', { name: `Case ${ref}`, exact: true })).toBeVisible();
	await expectAccessible(wren);
	await phoneShot(wren, SHOTS, 'kept-print');
	await wren.emulateMedia({ media: 'print' });
	await expect(wren.getByRole('button', { name: 'Print' })).toBeHidden();
	await expect(wren.getByRole('navigation', { name: 'Main' })).toBeHidden();
	await wren.screenshot({ path: `${SHOTS}/kept-print-media.png`, fullPage: true });
	await wren.emulateMedia({ media: 'screen' });
	expect(traffic.filter((t) => t.includes(canary) || t.includes(message))).toEqual([]);

	// Something the server changed cannot be opened: it is listed as such, the rest still opens.
	const stored = await app.db.execute({
		sql: "SELECT object_id, body FROM case_envelopes WHERE case_id = ? AND kind = 'conversation'",
		args: [caseId]
	});
	const body = String(stored.rows[0]?.body);
	await app.db.execute({
		sql: 'UPDATE case_envelopes SET body = ? WHERE case_id = ? AND object_id = ?',
		args: [(body[0] === 'A' ? 'B' : 'A') + body.slice(1), caseId, String(stored.rows[0]?.object_id)]
	});
	await wren.goto(`${app.origin}/account/data`);
	const changed = await downloadCopy(wren);
	await expect(wren.getByText('Items that could not be opened: 1.')).toBeVisible();
	expect(changed.unopened).toBe(1);
	const writing = changed.cases[0].writing;
	expect(writing.find((w: { kind: string }) => w.kind === 'conversation')).toMatchObject({
		opened: false,
		problem: 'could not be opened'
	});
	expect(writing.find((w: { kind: string }) => w.kind === 'input')).toMatchObject({ opened: true });

	// The other party's copy holds the case, but never her words.
	await ash.goto(`${app.origin}/account/data`);
	const theirs = await downloadCopy(ash);
	expect(theirs.cases[0]).toMatchObject({ ref, role: 'responsible' });
	expect(JSON.stringify(theirs)).not.toContain(canary);
	await phoneShot(ash, SHOTS, 'kept-party');

	// Signed out, there is no copy to have.
	const anon = await playwright.request.newContext({ baseURL: app.origin });
	const refused = await anon.get('/api/me/export');
	expect(refused.status()).toBe(401);
	expect(await refused.json()).toMatchObject({ code: 'signin_required' });
	expect(await refused.text()).not.toContain(canary);
	await anon.dispose();
	const page = await browser.newPage();
	await page.goto(`${app.origin}/account/data`);
	await expect(page).toHaveURL(`${app.origin}/signin`);
	await page.close();

	await wren.context().close();
	await ash.context().close();
});

test('a facilitator sees that an admin deletes their account; a locked tab unlocks before a copy', async ({
	browser
}) => {
	test.setTimeout(120_000);
	await lead.goto(`${app.origin}/account/data`);
	const account = lead.getByRole('region', { name: 'Your account' });
	await expect(account.getByText('Admin and facilitator')).toBeVisible();
	await expect(account.getByText('When an admin deletes the account.')).toBeVisible();
	await expect(lead.getByRole('region', { name: 'Backups' })).toContainText(
		'no longer than a closed case: 30 days'
	);
	await expectAccessible(lead);
	await phoneShot(lead, SHOTS, 'kept-facilitator');

	// A passkey without PRF signs in locked: the list is there, the copy waits for the key.
	await openCase(lead, app.origin, 'Locked case');
	const link = await inviteLink(lead, 'Community member');
	const rowan = (await newDevice(await browser.newContext(), false)).page;
	await joinAsNewPerson(rowan, link, 'Rowan');
	await signOut(rowan, app.origin);
	await rowan.getByRole('button', { name: 'Sign in with a passkey' }).click();
	await expect(rowan).toHaveURL(`${app.origin}/unlock`);
	await rowan.goto(`${app.origin}/account/data`);
	await expect(rowan.getByRole('listitem').filter({ hasText: 'Community member' })).toBeVisible();
	await rowan.getByRole('button', { name: 'Download my data' }).click();
	await expect(rowan).toHaveURL(`${app.origin}/unlock?next=%2Faccount%2Fdata`);
	await rowan.goto(`${app.origin}/account/data/print`);
	await expect(rowan).toHaveURL(`${app.origin}/unlock?next=%2Faccount%2Fdata%2Fprint`);
	await rowan.context().close();
});
