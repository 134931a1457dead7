import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { countRows, startApp, type App } from './support/app';
import { expectAccessible } from './support/axe';
import { caseOpened, inviteLink, joinAsNewPerson, openCase } from './support/cases';
import { createAccount } from './support/flows';
import { confirmMember, phoneShot, userIdOf } from './support/journey';
import { newDevice } from './support/passkeys';

// Deleting an account: a participant's own, with what goes and what stays said first, and a
// deactivated facilitator's by an admin. Afterwards the case shows "a former participant", the
// passkey opens nothing, and the facilitators' audit of the case says what happened.

const SHOTS = '/tmp/shots-delete';

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

const rowsOf = async (table: string, column: string, userId: string) =>
	countRows(app.db, `${table} WHERE ${column} = '${userId}'`);

test('a participant deletes their account: their words go, the case shows a former participant', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const { caseId } = await openCase(lead, app.origin, 'Deletion case');
	const survivor = (await newDevice(await browser.newContext(), true)).page;
	await joinAsNewPerson(survivor, await inviteLink(lead, 'Survivor'), 'Wren');
	await confirmMember(lead, app, caseId, 'Wren — Survivor');
	const wrenId = await userIdOf(app, caseId, 'survivor');

	// Her own words, sent to the facilitators, who read them.
	await survivor.goto(`${app.origin}/cases/${caseId}/input`);
	await survivor.getByLabel('By a letter that is read or passed on').check();
	await survivor.getByLabel('I do not want to meet together').check();
	await survivor.getByRole('button', { name: 'Save my choices' }).click();
	await expect(survivor.getByText('Your choices are saved.')).toBeVisible();
	await survivor.getByRole('button', { name: 'Show the questions' }).click();
	await survivor.getByRole('textbox').first().fill('What happened, in my words.');
	await survivor.getByRole('button', { name: 'Send to the people I chose' }).click();
	await expect(survivor.getByText('Sent. Only the people you chose can read it.')).toBeVisible();
	await lead.goto(`${app.origin}/cases/${caseId}/input`);
	await expect(
		lead.getByRole('article', { name: 'From Wren (Survivor)' }).getByText('in my words')
	).toBeVisible();

	// A message to the facilitators, and a reply.
	await survivor.goto(`${app.origin}/cases/${caseId}/messages/${wrenId}`);
	await survivor.getByLabel('Your message').fill('I would like to talk.');
	await survivor.getByRole('button', { name: 'Send', exact: true }).click();
	await expect(survivor.getByText('Sent.', { exact: true })).toBeVisible();
	await lead.goto(`${app.origin}/cases/${caseId}/messages/${wrenId}`);
	await expect(lead.getByRole('article', { name: 'Message from Wren' })).toBeVisible();
	await lead.getByLabel('Your message').fill('Of course. When suits you?');
	await lead.getByRole('button', { name: 'Send', exact: true }).click();
	await expect(lead.getByText('Sent.', { exact: true })).toBeVisible();
	expect(await rowsOf('case_envelopes', 'author_id', wrenId)).toBe(2);

	// What goes and what stays is said before anything is pressed.
	await survivor.goto(`${app.origin}/home`);
	await survivor.getByRole('link', { name: 'Delete your account' }).click();
	await expect(survivor.getByRole('heading', { name: 'Delete my account' })).toBeVisible();
	await expect(survivor.getByRole('heading', { name: 'What is deleted at once' })).toBeVisible();
	await expect(
		survivor.getByRole('heading', { name: 'What stays, until each case is deleted' })
	).toBeVisible();
	await expect(survivor.getByText('Cases you take part in now: 1')).toBeVisible();
	await expectAccessible(survivor);
	await phoneShot(survivor, SHOTS, 'delete-account');
	await survivor.screenshot({ path: `${SHOTS}/delete-account-desktop.png`, fullPage: true });
	// "What is kept about you" leads here too.
	await survivor.goto(`${app.origin}/account/data`);
	await survivor.getByRole('link', { name: 'Delete my account' }).click();
	await expect(survivor).toHaveURL(`${app.origin}/account/delete`);

	// Without the box ticked, the browser asks for it and nothing happens.
	await survivor.getByRole('button', { name: 'Delete my account' }).click();
	await expect(survivor).toHaveURL(`${app.origin}/account/delete`);
	expect(await rowsOf('passkeys', 'user_id', wrenId)).toBe(1);
	await survivor.getByLabel('I understand this cannot be undone.').check();
	await survivor.getByRole('button', { name: 'Delete my account' }).click();
	await expect(survivor).toHaveURL(`${app.origin}/account/deleted`);
	await expect(
		survivor.getByRole('heading', { name: 'Your account has been deleted' })
	).toBeVisible();
	await expect(survivor.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
	await expectAccessible(survivor);
	await phoneShot(survivor, SHOTS, 'account-deleted');

	for (const [table, column] of [
		['passkeys', 'user_id'],
		['sessions', 'user_id'],
		['key_wraps', 'user_id'],
		['personal_envelopes', 'user_id'],
		['case_wraps', 'reader_id'],
		['case_envelopes', 'author_id']
	] as const) {
		expect(await rowsOf(table, column, wrenId), table).toBe(0);
	}
	expect(await rowsOf('identities', 'user_id', wrenId)).toBe(1);
	const tomb = await app.db.execute({
		sql: 'SELECT status, display_name FROM users WHERE id = ?',
		args: [wrenId]
	});
	expect(tomb.rows[0]).toMatchObject({ status: 'deleted', display_name: 'a former participant' });

	// Her passkey is still on her device, but it opens nothing here any more.
	await survivor.goto(`${app.origin}/home`);
	await expect(survivor).toHaveURL(/\/signin/);
	await survivor.getByRole('button', { name: 'Sign in with a passkey' }).click();
	await expect(survivor.getByText('This passkey is not known here')).toBeVisible();
	await expect(survivor).toHaveURL(/\/signin/);

	// The facilitator: she is "a former participant" who withdrew; the removal is signed.
	await lead.goto(`${app.origin}/cases/${caseId}`);
	await expect(
		lead.getByRole('listitem').filter({ hasText: 'a former participant — Survivor' })
	).toContainText('Withdrew from this case.');
	await expect(lead.getByText('a former participant withdrew from this case')).toBeVisible();
	await expect(lead.locator('main')).not.toContainText('Wren');
	await expect.poll(() => countRows(app.db, `case_pending WHERE case_id = '${caseId}'`)).toBe(0);
	await expectAccessible(lead);
	await phoneShot(lead, SHOTS, 'case-after-deletion');

	// The conversation list no longer offers hers; her words are gone from the inputs.
	await lead.goto(`${app.origin}/messages`);
	await expect(lead.getByRole('link', { name: /With Wren/ })).toHaveCount(0);
	await lead.goto(`${app.origin}/cases/${caseId}/input`);
	await expect(lead.getByRole('article', { name: /From Wren/ })).toHaveCount(0);

	// The case's audit: who did what, with her as the case now names her, no words.
	await lead.goto(`${app.origin}/cases/${caseId}`);
	await lead.getByRole('link', { name: 'What happened in this case' }).click();
	await expect(lead.getByRole('heading', { name: 'What happened in this case' })).toBeVisible();
	const events = lead.getByRole('list').filter({ hasText: 'Opened a case' });
	for (const [who, what] of [
		['a former participant', 'Sent input'],
		['Alder', 'Opened input'],
		['a former participant', 'Deleted input'],
		['a former participant', 'Paused, continued or left a case'],
		['Alder', 'Opened a case']
	]) {
		const item = events.getByRole('listitem').filter({ hasText: `${who}: ${what}` });
		await expect(item.first()).toBeVisible();
	}
	await expect(events.getByRole('listitem').filter({ hasText: 'Opened input' })).toContainText(
		'written by a former participant'
	);
	await expect(lead.locator('main')).not.toContainText('in my words');
	await expectAccessible(lead);
	await phoneShot(lead, SHOTS, 'case-audit');
	await lead.screenshot({ path: `${SHOTS}/case-audit-desktop.png`, fullPage: true });
	await survivor.context().close();
});

test('an admin deletes a deactivated facilitator once their open case has a new lead', async ({
	browser
}) => {
	test.setTimeout(120_000);
	await lead.goto(`${app.origin}/admin`);
	await lead.getByRole('button', { name: 'Make an invitation link' }).click();
	const orgLink = await lead.getByLabel('Invitation link').inputValue();
	const birch = (await newDevice(await browser.newContext(), true)).page;
	await createAccount(birch, orgLink, 'Birch');
	const birchId = String(
		(await app.db.execute("SELECT id FROM users WHERE display_name = 'Birch'")).rows[0]?.id
	);

	// Birch leads a case; Alder joins it as co-facilitator.
	const { caseId } = await openCase(birch, app.origin, 'Birch case');
	const link = await inviteLink(birch, 'Co-facilitator');
	await lead.goto(link);
	await lead.getByRole('button', { name: 'Join this case' }).click();
	await expect(lead).toHaveURL(`${app.origin}/cases/${caseId}`);
	// While Birch's browser confirms Alder and shares the case with him, it asks Birch to stay:
	// leaving cuts the sharing off until a facilitator who can read the case opens it again.
	let release = () => {};
	const sharing = new Promise<void>((resolve) => {
		void birch.route('**/wraps', async (route) => {
			resolve();
			await new Promise<void>((r) => (release = r));
			await route.fallback();
		});
	});
	await birch.goto(`${app.origin}/cases/${caseId}`);
	await sharing;
	await expect(birch.getByText('Please keep this page open until it is done.')).toBeVisible();
	await expectAccessible(birch);
	await phoneShot(birch, SHOTS, 'case-confirming');
	release();
	await caseOpened(birch);
	await expect(birch.getByText('Please keep this page open')).toHaveCount(0);
	await birch.unroute('**/wraps');
	await confirmMember(birch, app, caseId, 'Alder — Facilitator');

	// A facilitator cannot delete their own account: an admin does, so cases keep a facilitator.
	await birch.goto(`${app.origin}/account/delete`);
	await expect(
		birch.getByText('Facilitator accounts are deleted by an admin, so every case keeps')
	).toBeVisible();
	await expect(birch.getByRole('button', { name: 'Delete my account' })).toHaveCount(0);
	await expectAccessible(birch);

	// Only a deactivated account can be deleted, and not while it leads an open case.
	await lead.goto(`${app.origin}/admin`);
	const card = lead.getByRole('listitem').filter({ hasText: 'Birch — facilitator' });
	await expect(card.getByText('Delete account', { exact: true })).toHaveCount(0);
	await card.getByText('Deactivate', { exact: true }).click();
	await card.getByRole('button', { name: 'Yes, deactivate Birch' }).click();
	await expect(lead.getByText('Birch was deactivated.')).toBeVisible();
	await card.getByText('Delete account', { exact: true }).click();
	await expect(card.getByText('“a former facilitator”')).toBeVisible();
	await expectAccessible(lead);
	await phoneShot(lead, SHOTS, 'admin-delete');
	await card.getByRole('button', { name: 'Yes, delete the account of Birch' }).click();
	await expect(lead.getByText('They still lead a case that is open.')).toBeVisible();
	expect(await rowsOf('passkeys', 'user_id', birchId)).toBe(1);

	// Alder takes over the lead, then the account can go.
	await lead.goto(`${app.origin}/cases/${caseId}`);
	await expect(lead.getByText('The lead facilitator is no longer active')).toBeVisible();
	await lead.getByLabel('Lead facilitator').selectOption({ label: 'Alder' });
	await lead.getByRole('button', { name: 'Save the lead' }).click();
	await expect(lead.getByText('The lead facilitator was changed.')).toBeVisible();
	await lead.goto(`${app.origin}/admin`);
	await card.getByText('Delete account', { exact: true }).click();
	await card.getByRole('button', { name: 'Yes, delete the account of Birch' }).click();
	await expect(lead.getByText('The account was deleted.')).toBeVisible();
	await expect(lead.getByRole('listitem').filter({ hasText: 'Birch' })).toHaveCount(0);
	for (const table of ['passkeys', 'sessions', 'key_wraps', 'personal_envelopes']) {
		expect(await rowsOf(table, 'user_id', birchId), table).toBe(0);
	}
	// The case log Birch signed still checks out: their public keys stay.
	expect(await rowsOf('identities', 'user_id', birchId)).toBe(1);
	await lead.goto(`${app.origin}/cases/${caseId}`);
	await expect(
		lead.getByRole('listitem').filter({ hasText: 'a former facilitator — Facilitator' })
	).toBeVisible();
	await expect(lead.getByRole('heading', { name: 'Birch case' })).toBeVisible();
	await expectAccessible(lead);
	await birch.context().close();
});
