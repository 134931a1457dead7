import { existsSync, readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { countRows, startApp, type App } from './support/app';
import { newDevice } from './support/passkeys';
import { expectAccessible } from './support/axe';
import { recordTraffic } from './support/traffic';
import { createAccount } from './support/flows';
import { inviteLink, joinAsNewPerson, openCase } from './support/cases';

// The survivor's input, start to finish: their choices, an encrypted draft, sending it to the
// readers they chose, the facilitator reading it, revising, deleting — and the other party
// never reaching any of it. A canary proves no words reach the server, its logs or its files.

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

async function phoneShot(page: Page, path: string) {
	await page.setViewportSize({ width: 390, height: 844 });
	// From the top: a scrolled page draws its sticky header mid-picture.
	await page.evaluate(() => window.scrollTo(0, 0));
	await page.screenshot({ path, fullPage: true });
	await page.setViewportSize({ width: 1280, height: 800 });
}

/** What the database file and its WAL hold, as bytes, to look for a canary. */
function storedBytes() {
	return [app.dbPath, `${app.dbPath}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
}

test('a survivor chooses how to take part, writes input only the facilitators read, revises and deletes it', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const canary = `canary-${crypto.randomUUID()}`;
	const revised = `revised-${crypto.randomUUID()}`;
	const { caseId } = await openCase(lead, app.origin, 'Input case');
	const survivorLink = await inviteLink(lead, 'Survivor');
	const survivor = (await newDevice(await browser.newContext(), true)).page;
	const survivorTraffic = recordTraffic(survivor);
	await joinAsNewPerson(survivor, survivorLink, 'Wren');

	await lead.goto(`${app.origin}/cases/${caseId}`);
	const partyLink = await inviteLink(lead, 'Responsible party');
	// The responsible party's passkey has no PRF: the same journey with a recovery code.
	const party = (await newDevice(await browser.newContext(), false)).page;
	const partyTraffic = recordTraffic(party);
	await joinAsNewPerson(party, partyLink, 'Ash');
	await lead.goto(`${app.origin}/cases/${caseId}`);
	await expect(
		lead.getByRole('listitem').filter({ hasText: 'Ash — Responsible party' })
	).toBeVisible();
	await expect.poll(() => countRows(app.db, 'case_pending')).toBe(0);
	const leadTraffic = recordTraffic(lead);

	// The survivor's choices: structure the server keeps, with a notice to the facilitators.
	await survivor.goto(`${app.origin}/cases/${caseId}`);
	await survivor.getByRole('link', { name: 'Your input and how you take part' }).click();
	await expect(survivor.getByRole('heading', { name: 'Your input' })).toBeVisible();
	await survivor.getByLabel('By a letter that is read or passed on').check();
	await survivor.getByLabel('I do not want to meet together').check();
	await survivor.getByRole('button', { name: 'Save my choices' }).click();
	await expect(survivor.getByText('Your choices are saved.')).toBeVisible();
	const stored = await app.db.execute(
		"SELECT mode, joint_consent, mode_shown FROM case_members WHERE display_name = 'Wren'"
	);
	expect(stored.rows[0]).toMatchObject({ mode: 'letter', joint_consent: 'no', mode_shown: 0 });

	// The content note comes first; the questions only when they are ready.
	await expect(survivor.getByRole('heading', { name: 'Before you begin' })).toBeVisible();
	await expectAccessible(survivor);
	await phoneShot(survivor, 'test-results/input-first-shown-phone.png');
	await survivor.getByRole('button', { name: 'Show the questions' }).click();
	const first = survivor.getByRole('textbox').first();
	await expect(first).toBeEditable();
	// Content fields have no name: a page whose script failed could post nothing in the clear.
	expect(await survivor.locator('section[aria-labelledby="mine-heading"] [name]').count()).toBe(0);
	await first.fill(`I need ${canary}`);
	await expect(survivor.getByText('Draft saved, readable only by you')).toBeVisible();
	expect(
		(await app.db.execute("SELECT count(*) AS n FROM personal_envelopes WHERE kind = 'draft'"))
			.rows[0]?.n
	).toBe(1);
	await survivor.screenshot({ path: 'test-results/input-survivor.png', fullPage: true });
	await phoneShot(survivor, 'test-results/input-survivor-phone.png');

	// The draft follows them: it is opened again from the server's ciphertext.
	await survivor.reload();
	await expect(survivor.getByText('Here is your draft, as you left it.')).toBeVisible();
	await expect(survivor.getByRole('textbox').first()).toHaveValue(`I need ${canary}`);

	// Readers: the facilitators by default; the other party is never offered.
	const readers = survivor.getByRole('group', { name: 'Who may read this' });
	await expect(readers.getByLabel('Alder — Facilitator')).toBeChecked();
	await expect(readers.getByText('Ash')).toBeHidden();
	await survivor.getByRole('button', { name: 'Send to the people I chose' }).click();
	await expect(survivor.getByText('Sent. Only the people you chose can read it.')).toBeVisible();
	await expect(survivor.getByText('Readers: Alder')).toBeVisible();
	// Files (and earlier versions, from the second) load once there is a sent input.
	await expect(survivor.getByRole('heading', { name: 'Files with your answers' })).toBeVisible();
	await expectAccessible(survivor);
	await phoneShot(survivor, 'test-results/input-sent-phone.png');

	// The dashboard and the home page say something new is waiting, until it is opened.
	await lead.goto(`${app.origin}/cases`);
	await expect(lead.getByText('New input or comments not read yet: 1')).toBeVisible();

	// The facilitator reads it in their browser, with the survivor's choices beside it.
	await lead.goto(`${app.origin}/cases/${caseId}/input`);
	const fromWren = lead.getByRole('article', { name: 'From Wren (Survivor)' });
	await expect(fromWren.getByText(`I need ${canary}`)).toBeVisible();
	await expect(lead.getByText('By a letter that is read or passed on')).toBeVisible();
	await expectAccessible(lead);
	await lead.screenshot({ path: 'test-results/input-facilitator.png', fullPage: true });

	await lead.goto(`${app.origin}/cases`);
	await expect(lead.getByText('New input or comments not read yet')).toBeHidden();

	// The responsible party cannot reach it by any URL.
	const [row] = (await app.db.execute("SELECT object_id FROM case_envelopes WHERE kind = 'input'"))
		.rows;
	const objectId = String(row?.object_id);
	await party.goto(`${app.origin}/cases/${caseId}/input`);
	await expect(party.getByRole('heading', { name: 'Your input' })).toBeVisible();
	await expect(party.getByRole('heading', { name: 'Shared with you' })).toBeHidden();
	await expect(party.getByText(canary)).toBeHidden();
	await expect(party.getByLabel('By a letter that is read or passed on')).toBeHidden();
	const probe = await party.evaluate(
		async ({ caseId, objectId }) => {
			const get = async (path: string) => {
				const r = await fetch(path);
				return { status: r.status, text: await r.text() };
			};
			return {
				list: await get(`/api/cases/${caseId}/envelopes?kind=input`),
				version: await get(`/api/cases/${caseId}/envelopes/${objectId}?version=1`),
				versions: await get(`/api/cases/${caseId}/envelopes/${objectId}`),
				summary: await get(`/cases/${caseId}/summary`),
				preview: await get(`/cases/${caseId}/preview`),
				data: await get(`/cases/${caseId}/input/__data.json`)
			};
		},
		{ caseId, objectId }
	);
	expect(JSON.parse(probe.list.text)).toEqual({ envelopes: [] });
	expect(probe.version.status).toBe(404);
	expect(JSON.parse(probe.versions.text)).toEqual({ versions: [] });
	expect(probe.summary.status).toBe(403);
	expect(probe.preview.status).toBe(403);
	// Their own page's data names the survivor but carries none of her choices.
	expect(probe.data.text).not.toContain('letter');
	for (const p of Object.values(probe)) expect(p.text).not.toContain(canary);

	// Choices that cannot be read are refused in words, and nothing changes.
	const refused = await survivor.evaluate(async (caseId) => {
		const body = new FormData();
		body.set('mode', 'shout');
		const r = await fetch(`/cases/${caseId}/input?/choices`, {
			method: 'POST',
			body,
			headers: { 'x-sveltekit-action': 'true' }
		});
		return (await r.json()) as { type: string; status: number; data: string };
	}, caseId);
	expect(refused).toMatchObject({ type: 'failure', status: 400 });
	expect(refused.data).toContain('Those choices could not be read.');
	// Withdrawing needs the keep-or-delete answer; without it nothing happens.
	const unsure = await survivor.evaluate(async (caseId) => {
		const body = new FormData();
		body.set('to', 'withdrawn');
		const r = await fetch(`/cases/${caseId}?/participation`, {
			method: 'POST',
			body,
			headers: { 'x-sveltekit-action': 'true' }
		});
		return (await r.json()) as { type: string; status: number; data: string };
	}, caseId);
	expect(unsure).toMatchObject({ type: 'failure', status: 400 });
	expect(unsure.data).toContain('Choose what should happen to what you wrote');
	expect(
		(await app.db.execute("SELECT status FROM case_members WHERE display_name = 'Wren'")).rows[0]
	).toMatchObject({ status: 'active' });

	// The responsible party's own form works the same way, for the facilitators.
	await party.getByRole('button', { name: 'Show the questions' }).click();
	await party.getByRole('textbox').first().fill(`Ash writes ${canary}`);
	await expect(party.getByText('Draft saved, readable only by you')).toBeVisible();
	const partyReaders = party.getByRole('group', { name: 'Who may read this' });
	await expect(partyReaders.getByLabel('Alder — Facilitator')).toBeChecked();
	await expect(partyReaders.getByText('Wren')).toBeHidden();
	await party.getByRole('button', { name: 'Send to the people I chose' }).click();
	await expect(party.getByText('Sent. Only the people you chose can read it.')).toBeVisible();
	await expectAccessible(party);
	await lead.goto(`${app.origin}/cases/${caseId}/input`);
	await expect(
		lead.getByRole('article', { name: 'From Ash (Responsible party)' }).getByText(`Ash writes`)
	).toBeVisible();
	await survivor.reload();
	await expect(survivor.getByText('Ash writes')).toBeHidden();

	// A safety signal reaches the facilitator at once.
	await survivor.goto(`${app.origin}/cases/${caseId}`);
	await survivor.getByRole('button', { name: "I don't feel safe" }).click();
	await expect(survivor.getByText('Sent. The facilitators see it now')).toBeVisible();
	await lead.goto(`${app.origin}/home`);
	await expect(lead.getByText('Wren said they do not feel safe')).toBeVisible();
	await survivor.goto(`${app.origin}/cases/${caseId}/input`);
	await lead.goto(`${app.origin}/cases/${caseId}/input`);

	// The survivor revises: a new version; the facilitator reads it and can open the first.
	await survivor.getByRole('button', { name: 'Change my answers' }).click();
	await survivor.getByRole('textbox').first().fill(`Now ${revised}`);
	await survivor.getByRole('button', { name: 'Send to the people I chose' }).click();
	await expect(survivor.getByText('Version 2, sent')).toBeVisible();
	// Her own earlier versions (loaded once there is more than one) open in her browser.
	await survivor.getByText('Earlier versions').click();
	await survivor.getByRole('button', { name: 'Open version 1' }).click();
	await expect(survivor.getByText(`I need ${canary}`)).toBeVisible();
	await phoneShot(survivor, 'test-results/input-versions-phone.png');
	await lead.reload();
	await expect(fromWren.getByText(`Now ${revised}`)).toBeVisible();
	await fromWren.getByText('Earlier versions').click();
	await fromWren.getByRole('button', { name: 'Open version 1' }).click();
	await expect(fromWren.getByText(`I need ${canary}`)).toBeVisible();

	// Deleting takes every version and wrap at once: only the content-free tombstone is left.
	await survivor.getByText('Delete my answers', { exact: true }).click();
	await survivor.getByRole('button', { name: 'Yes, delete my answers' }).click();
	await expect(survivor.getByText('Your answers are deleted, for everyone.')).toBeVisible();
	const left = await app.db.execute({
		sql: 'SELECT version, deleted FROM case_envelopes WHERE object_id = ?',
		args: [objectId]
	});
	expect(left.rows).toMatchObject([{ version: 3, deleted: 1 }]);
	await lead.reload();
	await expect(lead.getByRole('article', { name: 'From Ash (Responsible party)' })).toBeVisible();
	await expect(fromWren).toBeHidden();

	// No words reached the server: not in any request or answer, its output, or its files.
	for (const traffic of [survivorTraffic, leadTraffic, partyTraffic]) {
		expect(traffic.length).toBeGreaterThan(10);
		expect(traffic.filter((t) => t.includes(canary) || t.includes(revised))).toEqual([]);
	}
	expect(app.output()).not.toContain(canary);
	for (const bytes of storedBytes()) {
		expect(bytes.includes(canary)).toBe(false);
		expect(bytes.includes(revised)).toBe(false);
	}
	await survivor.context().close();
	await party.context().close();
});

test('the interim summary is shared with the survivor only; she comments; the preview shows what the other side sees', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const canary = `summary-${crypto.randomUUID()}`;
	const { caseId } = await openCase(lead, app.origin, 'Summary case');
	const survivorLink = await inviteLink(lead, 'Survivor');
	const survivor = (await newDevice(await browser.newContext(), true)).page;
	await joinAsNewPerson(survivor, survivorLink, 'Kit');
	await lead.goto(`${app.origin}/cases/${caseId}`);
	const partyLink = await inviteLink(lead, 'Responsible party');
	const party = (await newDevice(await browser.newContext(), true)).page;
	await joinAsNewPerson(party, partyLink, 'Lee');
	await lead.goto(`${app.origin}/cases/${caseId}`);
	await expect.poll(() => countRows(app.db, 'case_pending')).toBe(0);

	// A version for the facilitators only stays theirs until they choose to share it.
	await lead.getByRole('link', { name: 'Interim summary' }).click();
	await lead.getByLabel('Summary', { exact: true }).fill(`Draft ${canary}`);
	await lead.getByRole('button', { name: 'Save for the facilitators only' }).click();
	await expect(lead.getByText('Saved for the facilitators only.')).toBeVisible();
	await survivor.goto(`${app.origin}/cases/${caseId}/summary`);
	await expect(survivor.getByText('have not shared a summary with you yet')).toBeVisible();
	await lead.getByLabel('Summary', { exact: true }).fill(`Shared ${canary}`);
	await lead.getByRole('button', { name: 'Save and share with Kit' }).click();
	await expect(lead.getByText('Saved and shared with Kit.')).toBeVisible();
	await expectAccessible(lead);

	await survivor.reload();
	await expect(survivor.getByText(`Shared ${canary}`)).toBeVisible();
	await survivor.getByLabel('A comment for the facilitators').fill(`Comment ${canary}`);
	await survivor.getByRole('button', { name: 'Send my comment' }).click();
	await expect(survivor.getByText('Sent to the facilitators.')).toBeVisible();
	await expectAccessible(survivor);
	await phoneShot(survivor, 'test-results/summary-survivor-phone.png');
	await lead.reload();
	await expect(lead.getByText(`Comment ${canary}`)).toBeVisible();
	await lead.screenshot({ path: 'test-results/summary-facilitator.png', fullPage: true });

	expect((await party.goto(`${app.origin}/cases/${caseId}/summary`))?.status()).toBe(403);

	// The preview is the responsible party's own view, and changes only by her choice.
	await survivor.goto(`${app.origin}/cases/${caseId}/preview`);
	await expect(
		survivor.getByText('They do not see how you would like to take part.')
	).toBeVisible();
	await expectAccessible(survivor);
	await phoneShot(survivor, 'test-results/preview-phone.png');
	await survivor.getByRole('link', { name: 'Change what they can see' }).click();
	await survivor.getByLabel('Someone I trust speaks for me').check();
	await survivor.getByLabel('Let the others in this case see my way of taking part').check();
	await survivor.getByRole('button', { name: 'Save my choices' }).click();
	await expect(survivor.getByText('Your choices are saved.')).toBeVisible();
	await survivor.goto(`${app.origin}/cases/${caseId}/preview`);
	await expect(
		survivor.getByText('Way of taking part: Someone I trust speaks for me')
	).toBeVisible();
	await party.goto(`${app.origin}/cases/${caseId}`);
	await expect(party.getByText('Taking part: Someone I trust speaks for me')).toBeVisible();

	// Withdrawing, the survivor deletes her words: the comment goes for the facilitators too.
	await survivor.goto(`${app.origin}/cases/${caseId}`);
	await survivor.getByText('Withdraw from this case', { exact: true }).click();
	await survivor.getByLabel('Delete it now, for everyone').check();
	await survivor.getByRole('button', { name: 'Yes, withdraw from this case' }).click();
	await expect(survivor).toHaveURL(`${app.origin}/cases?withdrew`);
	expect(
		(
			await app.db.execute(
				"SELECT count(*) AS n FROM case_envelopes WHERE kind = 'interim-comment'"
			)
		).rows[0]?.n
	).toBe(0);
	await lead.goto(`${app.origin}/cases/${caseId}/summary`);
	await expect(lead.getByText('No survivor is taking part in this case.')).toBeVisible();
	for (const bytes of storedBytes()) expect(bytes.includes(canary)).toBe(false);
	await survivor.context().close();
	await party.context().close();
});
