import { expect, test, type Page } from '@playwright/test';
import { countRows, startApp, type App } from './support/app';
import { newDevice } from './support/passkeys';
import { expectAccessible } from './support/axe';
import { createAccount } from './support/flows';
import { inviteLink, joinAsNewPerson, openCase } from './support/cases';

let app: App;
let lead: Page;

test.beforeAll(async ({ browser }) => {
	app = await startApp();
	lead = (await newDevice(await browser.newContext(), true)).page;
	await createAccount(lead, app.setupUrl, 'Alder', 'Desk');
});
test.afterAll(async () => {
	await app.stop();
});

/** Photographs a page at desktop and phone width. */
async function shots(page: Page, name: string) {
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.screenshot({ path: `test-results/${name}.png`, fullPage: true });
	await page.setViewportSize({ width: 390, height: 844 });
	await page.screenshot({ path: `test-results/${name}-phone.png`, fullPage: true });
	await page.setViewportSize({ width: 1280, height: 800 });
}

async function userIdOf(caseId: string, role: string) {
	const r = await app.db.execute({
		sql: 'SELECT user_id FROM case_members WHERE case_id = ? AND role = ?',
		args: [caseId, role]
	});
	return String(r.rows[0]?.user_id);
}

/** What a participant's browser would store for their input: fake ciphertext, one wrap. */
async function fakeInput(caseId: string, authorId: string, readerId: string) {
	await app.db.batch([
		{
			sql: `INSERT INTO case_envelopes (case_id, object_id, version, kind, author_id, subject,
				deleted, header, body, size, created_at) VALUES (?, 'input-1', 1, 'input', ?, NULL, 0,
				'AAAA', 'AAAA', 8, ?)`,
			args: [caseId, authorId, Date.now()]
		},
		{
			sql: `INSERT INTO case_wraps (case_id, object_id, version, reader_id, wrapper_id, box)
				VALUES (?, 'input-1', 1, ?, ?, 'AAAA')`,
			args: [caseId, readerId, authorId]
		}
	]);
}

const postSeen = (page: Page, caseId: string, body: unknown) =>
	page.evaluate(
		async ([url, json]) => {
			const res = await fetch(url, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(json)
			});
			return { status: res.status, body: await res.json() };
		},
		[`/api/cases/${caseId}/seen`, body] as const
	);

test('the home page shows what is waiting: to-dos, urgent signals and new things, marked until opened', async ({
	browser
}) => {
	await lead.goto(`${app.origin}/home`);
	const waiting = lead.getByRole('region', { name: /^Waiting for you/ });
	await expect(lead.getByRole('heading', { name: 'Waiting for you', exact: true })).toBeVisible();
	await expect(waiting.getByText('Nothing is waiting for you right now.')).toBeVisible();
	await expect(lead.getByRole('link', { name: 'Your private notebook' })).toBeVisible();
	await expectAccessible(lead);
	await shots(lead, 'home-empty');

	const { caseId, ref } = await openCase(lead, app.origin, 'Harm at the garden');
	const link = await inviteLink(lead, 'Survivor');
	const survivor = (await newDevice(await browser.newContext(), true)).page;
	await joinAsNewPerson(survivor, link, 'Wren');

	// Until the lead's browser signs Wren in, that is waiting for the lead.
	await lead.goto(`${app.origin}/home`);
	await expect(
		waiting
			.getByRole('listitem')
			.filter({ hasText: `Case ${ref}` })
			.getByRole('link', { name: "Changes to confirm in the case's membership list: 1" })
	).toHaveAttribute('href', `/cases/${caseId}`);
	await lead.goto(`${app.origin}/cases/${caseId}`);
	await expect(lead.getByRole('listitem').filter({ hasText: 'Wren — Survivor' })).toBeVisible();
	await expect.poll(() => countRows(app.db, 'case_pending')).toBe(0);

	// The survivor is asked, gently, for their way of taking part and their own words.
	await survivor.goto(`${app.origin}/home`);
	const theirs = survivor.getByRole('region', { name: 'Waiting for you' });
	const mode = theirs
		.getByRole('listitem')
		.filter({ hasText: `Case ${ref}` })
		.first();
	await expect(
		mode.getByRole('link', { name: "When you're ready, say how you'd like to take part" })
	).toHaveAttribute('href', `/cases/${caseId}/input#taking-part`);
	await expect(
		theirs.getByRole('link', { name: "Whenever you're ready: your own words for the facilitators" })
	).toHaveAttribute('href', `/cases/${caseId}/input`);
	await expect(theirs.getByText('New', { exact: true })).toHaveCount(0);
	await expectAccessible(survivor);
	await shots(survivor, 'home-survivor');

	// "I need to talk" reaches the lead's home at once, urgent and first.
	await survivor.goto(`${app.origin}/cases/${caseId}`);
	await survivor.getByRole('button', { name: 'I need to talk' }).click();
	await expect(survivor.getByText('Sent. The facilitators see it now')).toBeVisible();
	await lead.goto(`${app.origin}/home`);
	await expect(lead.getByRole('heading', { name: 'Waiting for you (1 new)' })).toBeVisible();
	const first = waiting.getByRole('listitem').first();
	await expect(first).toContainText('Urgent');
	await expect(first.getByRole('link', { name: 'Wren asked to talk' })).toHaveAttribute(
		'href',
		`/cases/${caseId}`
	);

	// Wren's input arrives (as their browser would store it): new for the lead until opened.
	const wrenId = await userIdOf(caseId, 'survivor');
	const alderId = await userIdOf(caseId, 'facilitator');
	await fakeInput(caseId, wrenId, alderId);
	await lead.reload();
	await expect(lead.getByRole('heading', { name: 'Waiting for you (2 new)' })).toBeVisible();
	const input = waiting
		.getByRole('listitem')
		.filter({ has: lead.getByRole('link', { name: 'Wren shared their own words' }) });
	await expect(input.getByText('New', { exact: true })).toBeVisible();
	await expect(input.getByRole('link')).toHaveAttribute('href', `/cases/${caseId}/input`);
	await expectAccessible(lead);
	await shots(lead, 'home-facilitator');

	// Only a reader of that very version can mark it; everyone else finds nothing there.
	expect(await postSeen(survivor, caseId, { objectId: 'input-1', version: 1 })).toMatchObject({
		status: 404,
		body: { code: 'not_found' }
	});
	expect((await postSeen(lead, caseId, { objectId: 'input-1', version: 2 })).status).toBe(404);
	expect((await postSeen(lead, caseId, { objectId: 'input-1' })).status).toBe(400);
	expect(await countRows(app.db, 'case_seen')).toBe(0);
	expect(await postSeen(lead, caseId, { objectId: 'input-1', version: 1 })).toEqual({
		status: 200,
		body: { ok: true }
	});
	await lead.reload();
	await expect(lead.getByRole('heading', { name: 'Waiting for you (1 new)' })).toBeVisible();
	// Still listed (so the list does not jump), but no longer marked new.
	await expect(input).toBeVisible();
	await expect(input.getByText('New', { exact: true })).toHaveCount(0);
	await survivor.context().close();
});
