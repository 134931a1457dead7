import { existsSync, readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { countRows, startApp, type App } from './support/app';
import { newDevice } from './support/passkeys';
import { expectAccessible } from './support/axe';
import { recordTraffic } from './support/traffic';
import { createAccount, createKeys } from './support/flows';
import { inviteLink, joinAsNewPerson, openCase as openCaseAt } from './support/cases';
import { confirmMember } from './support/journey';

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

async function circleCode(page: Page) {
	await page.getByText('Circle code').click();
	const digits = page.locator('.digits');
	await expect(digits).toHaveText(/^(\s*\d{5}){4}\s*$/);
	return (await digits.textContent())?.replace(/\s+/g, '') ?? '';
}

const openCase = (page: Page, title: string, summary = '') =>
	openCaseAt(page, app.origin, title, summary);

test('a facilitator opens a case and invites a survivor; the link secret and the title stay in browsers', async ({
	browser
}) => {
	const canary = `canary-${crypto.randomUUID()}`;
	const leadTraffic = recordTraffic(lead);
	const { caseId, ref } = await openCase(lead, `Harm at the co-op ${canary}`, `Referral ${canary}`);
	expect(ref).toMatch(/^C-[0-9A-Z]{4}$/);
	await expect(lead.getByText(`Referral ${canary}`)).toBeVisible();
	await expectAccessible(lead);

	const link = await inviteLink(lead, 'Survivor');
	const secret = link.split('#')[1] ?? '';
	await expect(lead.getByText('Not used yet. Expires')).toBeVisible();
	await lead.screenshot({ path: 'test-results/case-facilitator.png', fullPage: true });

	const survivor = (await newDevice(await browser.newContext(), true)).page;
	const survivorTraffic = recordTraffic(survivor);
	await joinAsNewPerson(survivor, link, 'Wren', 'test-results/join-case-phone.png');
	await expect(survivor.getByText('You have joined.')).toBeVisible();

	// The facilitator's browser checks Wren's tag and signs the add into the log.
	await lead.goto(`${app.origin}/cases/${caseId}`);
	await expect(lead.getByRole('listitem').filter({ hasText: 'Wren — Survivor' })).toBeVisible();
	await expect(lead.getByText('Used by Wren.')).toBeVisible();
	await expect.poll(() => countRows(app.db, 'case_log')).toBe(2);
	await expect.poll(() => countRows(app.db, 'case_pending')).toBe(0);

	await survivor.reload();
	await expect(survivor.getByRole('heading', { name: `Case ${ref}` })).toBeVisible();
	await expect(survivor.getByText('You have joined.')).toBeHidden();
	// Survivors never see the facilitators' title, notes or invitation tools.
	await expect(survivor.getByText(canary)).toBeHidden();
	await expect(survivor.getByRole('heading', { name: 'Invite someone' })).toBeHidden();
	await expect(survivor.getByRole('heading', { name: 'Facilitator notes' })).toBeHidden();
	expect(await circleCode(survivor)).toBe(await circleCode(lead));
	await expectAccessible(survivor);
	await survivor.screenshot({ path: 'test-results/case-survivor.png', fullPage: true });
	await survivor.setViewportSize({ width: 390, height: 844 });
	await survivor.screenshot({ path: 'test-results/case-survivor-phone.png', fullPage: true });

	// The dashboard opens the title in the facilitator's browser.
	await lead.goto(`${app.origin}/cases`);
	await expect(
		lead.getByRole('link', { name: `${ref}: Harm at the co-op ${canary}` })
	).toBeVisible();
	await expectAccessible(lead);
	await lead.setViewportSize({ width: 390, height: 844 });
	await lead.screenshot({ path: 'test-results/cases-phone.png', fullPage: true });
	await lead.setViewportSize({ width: 1280, height: 800 });

	// Neither the invite secret nor the canary ever reached the server.
	for (const traffic of [leadTraffic, survivorTraffic]) {
		expect(traffic.length).toBeGreaterThan(10);
		expect(traffic.filter((t) => t.includes(canary) || t.includes(secret))).toEqual([]);
	}
	expect(app.output()).not.toContain(canary);
	expect(app.output()).not.toContain(secret);
	await app.db.execute('SELECT count(*) FROM case_envelopes');
	for (const file of [app.dbPath, `${app.dbPath}-wal`]) {
		if (existsSync(file)) expect(readFileSync(file).includes(canary)).toBe(false);
	}
	await survivor.context().close();
});

test('a co-facilitator joins with their account and can read the summary and notes', async ({
	browser
}) => {
	const { caseId } = await openCase(lead, 'Second case');
	await lead.getByLabel('Notes', { exact: true }).fill('First meeting went calmly.');
	await lead.getByRole('button', { name: 'Save the notes' }).click();
	await expect(lead.getByText('Saved', { exact: false })).toBeVisible();

	// Notes too long to store are refused before anything is sent, and stay in the editor.
	const long = 'x'.repeat(300_000);
	await lead.getByLabel('Notes', { exact: true }).fill(long);
	await lead.getByRole('button', { name: 'Save the notes' }).click();
	await expect(lead.getByText('This is too long to save in one piece')).toBeVisible();
	await expect(lead.getByLabel('Notes', { exact: true })).toHaveValue(long);
	await lead.reload();
	await expect(lead.getByLabel('Notes', { exact: true })).toHaveValue('First meeting went calmly.');

	// Malformed or oversized envelopes sent straight to the API: a 4xx in words, nothing stored.
	const rows = await countRows(app.db, 'case_envelopes');
	const api = (path: string, body: unknown) =>
		lead.request.put(`${app.origin}/api/cases/${caseId}/envelopes/${path}`, {
			data: body,
			headers: { origin: app.origin }
		});
	const good = {
		v: 1,
		kind: 'facilitator-notes',
		objectId: 'notes',
		version: 2,
		subject: null,
		deleted: false,
		header: 'AAAA',
		body: 'AAAA',
		wraps: [{ reader: 'someone', wrapper: 'someone', box: 'AAAA' }]
	};
	for (const [path, body, status] of [
		['notes', { ...good, kind: 'story' }, 400],
		['notes', { ...good, header: 'not base64!' }, 400],
		['other', good, 400],
		['notes', { ...good, body: 'A'.repeat(400_000) }, 413]
	] as const) {
		const res = await api(path, body);
		expect(res.status(), JSON.stringify(body).slice(0, 80)).toBe(status);
		expect((await res.json()).message).toMatch(/\w+ \w+/);
	}
	expect(await countRows(app.db, 'case_envelopes')).toBe(rows);

	// Birch is a facilitator of the program, invited to this case as co-facilitator.
	await lead.goto(`${app.origin}/admin`);
	await lead.getByRole('button', { name: 'Make an invitation link' }).click();
	const orgLink = await lead.getByLabel('Invitation link').inputValue();
	const birch = (await newDevice(await browser.newContext(), true)).page;
	await createAccount(birch, orgLink, 'Birch');

	await lead.goto(`${app.origin}/cases/${caseId}`);
	const link = await inviteLink(lead, 'Co-facilitator');
	await birch.goto(link);
	await birch.getByRole('button', { name: 'Join this case' }).click();
	await expect(birch).toHaveURL(`${app.origin}/cases/${caseId}`);

	// The lead's browser confirms Birch and gives them the facilitators' objects.
	await lead.reload();
	await expect(lead.getByRole('listitem').filter({ hasText: 'Birch — Facilitator' })).toBeVisible();
	await expect.poll(() => countRows(app.db, 'case_pending')).toBe(0);
	await expect
		.poll(async () => {
			const r = await app.db.execute(
				`SELECT count(*) AS n FROM case_wraps WHERE case_id = '${caseId}' AND object_id IN ('summary','notes')`
			);
			return Number(r.rows[0]?.n);
		})
		.toBe(4);
	await birch.reload();
	await expect(birch.getByRole('heading', { name: 'Second case' })).toBeVisible();
	await expect(birch.getByLabel('Notes', { exact: true })).toHaveValue(
		'First meeting went calmly.'
	);
	await birch.context().close();
});

test('invites: withdrawn links stop working; a closed case takes nobody new; outsiders see nothing', async ({
	browser
}) => {
	const { caseId } = await openCase(lead, 'Third case');
	const withdrawn = await inviteLink(lead, 'Community member');
	await lead.getByRole('button', { name: 'Withdraw this invitation' }).click();
	await expect(lead.getByText('The invitation was withdrawn.')).toBeVisible();

	const stranger = (await newDevice(await browser.newContext(), true)).page;
	await stranger.goto(withdrawn);
	await expect(
		stranger.getByText('This link was withdrawn by the person who made it.')
	).toBeVisible();

	const link = await inviteLink(lead, 'Responsible party');
	// Closing takes an outcome, and says when everything in the case will be deleted.
	await lead.getByText('Close the case', { exact: true }).first().click();
	await lead.getByLabel('Ended without completion', { exact: true }).check();
	await lead.getByLabel(/I understand everything in this case will be deleted on/).check();
	await lead.getByRole('button', { name: 'Close the case' }).click();
	await expect(
		lead.getByText(/Closed: Ended without completion\. Everything in this case/)
	).toBeVisible();
	await stranger.goto(link);
	await stranger.getByLabel('Your name here').fill('Oak');
	await stranger.getByRole('button', { name: 'Create passkey' }).click();
	await createKeys(stranger);
	await stranger.getByRole('button', { name: 'Join this case' }).click();
	await expect(stranger.getByText('This case is closed, so nobody new can join it.')).toBeVisible();

	// Oak has an account now, but no part in any case: every way in is "not found".
	const page = await stranger.goto(`${app.origin}/cases/${caseId}`);
	expect(page?.status()).toBe(404);
	// SvelteKit answers __data.json itself; the page's node is the 404, with nothing of the case.
	const data = await (
		await stranger.request.get(`${app.origin}/cases/${caseId}/__data.json`)
	).json();
	expect(data.nodes.at(-1)).toMatchObject({ type: 'error', status: 404 });
	expect(JSON.stringify(data)).not.toContain(caseId);
	for (const path of [
		`/api/cases/${caseId}/log`,
		`/api/cases/${caseId}/envelopes?kind=case-summary`
	]) {
		expect((await stranger.request.get(`${app.origin}${path}`)).status(), path).toBe(404);
	}
	const stage = await stranger.request.post(`${app.origin}/cases/${caseId}?/stage`, {
		form: { stage: 'referral' },
		headers: { origin: app.origin, accept: 'application/json', 'x-sveltekit-action': 'true' }
	});
	// An enhanced form post: SvelteKit wraps the action's refusal in a 200 it reads itself.
	expect(await stage.json()).toMatchObject({ type: 'failure', status: 404 });
	await lead.reload();
	await expect(lead.getByText('Stage: Closed')).toBeVisible();
	await stranger.context().close();
});

test('a safety signal reaches the facilitator at once; pausing and withdrawing are the participant’s own', async ({
	browser
}) => {
	const { caseId } = await openCase(lead, 'Fourth case');
	const link = await inviteLink(lead, 'Survivor');
	const survivor = (await newDevice(await browser.newContext(), false)).page;
	await joinAsNewPerson(survivor, link, 'Ash');

	await survivor.getByRole('button', { name: "I don't feel safe" }).click();
	await expect(
		survivor.getByText('Sent. The facilitators see it now, marked urgent.')
	).toBeVisible();
	await expectAccessible(survivor);
	await survivor.setViewportSize({ width: 390, height: 844 });
	await survivor.screenshot({ path: 'test-results/case-signal-phone.png', fullPage: true });

	await lead.goto(`${app.origin}/cases`);
	await expect(lead.getByText('Urgent: safety signals not seen yet: 1')).toBeVisible();
	// Opening the case, the lead's browser confirms Ash: only then is her leaving a removal to sign.
	await confirmMember(lead, app, caseId, 'Ash — Survivor');
	const notice = lead.getByRole('listitem').filter({ hasText: 'Ash said they do not feel safe' });
	await expect(notice).toContainText('Urgent:');
	await lead.screenshot({ path: 'test-results/case-notice.png', fullPage: true });
	await notice.getByRole('button', { name: 'Mark as seen' }).click();
	await expect(lead.getByText('Marked as seen.')).toBeVisible();
	await survivor.reload();
	await expect(survivor.getByText('a facilitator has seen it')).toBeVisible();

	await survivor.getByRole('button', { name: 'Pause my part' }).click();
	await expect(survivor.getByText('You have paused your part.')).toBeVisible();
	await lead.reload();
	const notices = lead.getByRole('region', { name: 'Needs your attention' });
	await expect(notices.getByText('Ash paused their part')).toBeVisible();

	await survivor.getByText('Withdraw from this case', { exact: true }).click();
	await survivor.getByLabel('Keep it for the people I chose to share it with').check();
	await survivor.getByRole('button', { name: 'Yes, withdraw from this case' }).click();
	await expect(survivor).toHaveURL(`${app.origin}/cases?withdrew`);
	await expect(survivor.getByText('You withdrew from the case.')).toBeVisible();
	expect((await survivor.goto(`${app.origin}/cases/${caseId}`))?.status()).toBe(404);

	// The lead's browser signs the removal the server made: the log now ends without Ash.
	const before = await countRows(app.db, 'case_log');
	await lead.reload();
	await expect(notices.getByText('Ash withdrew from this case')).toBeVisible();
	await expect.poll(() => countRows(app.db, 'case_log')).toBe(before + 1);
	await expect.poll(() => countRows(app.db, 'case_pending')).toBe(0);
	await survivor.context().close();
});
