import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../scripts/chromium.js';
import { countRows, startApp, type App } from './support/app';
import { expectAccessible } from './support/axe';
import { inviteLink, joinAsNewPerson, openCase } from './support/cases';
import { createAccount } from './support/flows';
import { newDevice } from './support/passkeys';
import { recordTraffic } from './support/traffic';
import {
	confirmMember,
	expectNowhere,
	phoneShot,
	saveCopy,
	sha256,
	userIdOf
} from './support/journey';

// Private conversations with the facilitators, relays that need the author's yes, and files
// sealed in the browser chunk by chunk. Canaries prove that no words and no file content reach
// the server in the clear: not in any request or answer, its output, or its files.

const SHOTS = '/tmp/shots-msg';
const MB = 1024 * 1024;

let app: App;
let lead: Page;
let leadTraffic: string[];

test.beforeAll(async ({ browser }) => {
	mkdirSync(SHOTS, { recursive: true });
	app = await startApp();
	lead = (await newDevice(await browser.newContext(), true)).page;
	leadTraffic = recordTraffic(lead);
	await createAccount(lead, app.setupUrl, 'Alder', 'Desk');
});
test.afterAll(async () => {
	await app.stop();
});

/** A case with a survivor (PRF passkey) and a responsible party (no PRF), each in their own browser. */
async function caseWithParties(browser: Browser, title: string) {
	const { caseId, ref } = await openCase(lead, app.origin, title);
	const survivor = (await newDevice(await browser.newContext(), true)).page;
	const survivorTraffic = recordTraffic(survivor);
	await joinAsNewPerson(survivor, await inviteLink(lead, 'Survivor'), 'Wren');
	await lead.goto(`${app.origin}/cases/${caseId}`);
	const party = (await newDevice(await browser.newContext(), false)).page;
	const partyTraffic = recordTraffic(party);
	await joinAsNewPerson(party, await inviteLink(lead, 'Responsible party'), 'Ash');
	await confirmMember(lead, app, caseId, 'Ash — Responsible party');
	return {
		caseId,
		ref,
		survivor,
		party,
		traffic: [leadTraffic, survivorTraffic, partyTraffic],
		wrenId: await userIdOf(app, caseId, 'survivor'),
		ashId: await userIdOf(app, caseId, 'responsible')
	};
}

/** Opens a conversation and waits until it is decrypted and ready to write in. */
async function openThread(page: Page, caseId: string, subject: string) {
	await page.goto(`${app.origin}/cases/${caseId}/messages/${subject}`);
	await expect(page.getByRole('heading', { name: 'Write a message' })).toBeVisible();
}

type Upload = { name: string; mimeType: string; buffer: Buffer };

async function write(page: Page, text: string, file?: Upload) {
	if (text) await page.getByLabel('Your message').fill(text);
	if (file) await page.getByLabel('Attach a file (optional)').setInputFiles(file);
	await page.getByRole('button', { name: 'Send', exact: true }).click();
	await expect(page.getByText('Sent.', { exact: true })).toBeVisible({ timeout: 60_000 });
}

/** A sealed-chunk PUT from this person's browser, with their session. */
function putChunk(page: Page, caseId: string, attachmentId: string, index: number, length = 1040) {
	return page.evaluate(
		async ([url, length]) => {
			const r = await fetch(url, {
				method: 'PUT',
				headers: { 'Content-Type': 'application/octet-stream' },
				body: new Uint8Array(length)
			});
			return { status: r.status, body: (await r.json()) as { code: string; message: string } };
		},
		[`/api/cases/${caseId}/attachments/${attachmentId}/chunks/${index}`, length] as const
	);
}

function postJson(page: Page, url: string, body: unknown) {
	return page.evaluate(
		async ([url, body]) => {
			const r = await fetch(url, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(body)
			});
			return { status: r.status, body: (await r.json()) as { code: string; message: string } };
		},
		[url, body] as const
	);
}

const chunksOf = async (attachmentId: string) =>
	Number(
		(
			await app.db.execute({
				sql: 'SELECT count(*) AS n FROM attachment_chunks WHERE attachment_id = ?',
				args: [attachmentId]
			})
		).rows[0]?.n
	);

const clientId = () => randomBytes(16).toString('base64url');

test('a survivor and the facilitators write privately: new until opened, and the other party reads nothing', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const canary = `canary-${crypto.randomUUID()}`;
	const reply = `reply-${crypto.randomUUID()}`;
	const c = await caseWithParties(browser, 'Conversation case');
	const { survivor, party } = c;

	await survivor.goto(`${app.origin}/cases/${c.caseId}`);
	await survivor.getByRole('link', { name: 'Messages with the facilitators' }).click();
	await expect(survivor).toHaveURL(`${app.origin}/cases/${c.caseId}/messages/${c.wrenId}`);
	await expect(
		survivor.getByRole('heading', { name: 'Messages with your facilitators' })
	).toBeVisible();
	await expect(
		survivor.getByText('No messages yet. You can write whenever you are ready.')
	).toBeVisible();
	// The words have no field name: a page whose script failed could post nothing in the clear.
	const composer = survivor.getByRole('form', { name: 'Write a message' });
	expect(await composer.locator('[name]').count()).toBe(0);
	await write(survivor, `I need ${canary}`);
	await expect(survivor.getByRole('article', { name: 'Message from You' })).toContainText(canary);
	await expectAccessible(survivor);

	// The facilitator's list marks the conversation new; opening it marks it read.
	await lead.goto(`${app.origin}/messages`);
	const inCase = lead.getByRole('region', { name: `Case ${c.ref}` });
	const withWren = inCase.getByRole('listitem').filter({ hasText: 'With Wren (Survivor)' });
	await expect(withWren.getByText('New: 1', { exact: true })).toBeVisible();
	await expect(
		inCase.getByRole('listitem').filter({ hasText: 'With Ash (Responsible party)' })
	).toContainText('No messages yet');
	await expectAccessible(lead);
	await phoneShot(lead, SHOTS, 'facilitator-messages');
	await withWren.getByRole('link', { name: 'With Wren (Survivor)' }).click();
	await expect(lead.getByRole('heading', { name: 'Conversation with Wren' })).toBeVisible();
	await expect(lead.getByRole('article', { name: 'Message from Wren' })).toContainText(
		`I need ${canary}`
	);
	await write(lead, `Thank you for telling us. ${reply}`);
	await expect(lead.getByRole('article', { name: 'Message from You' })).toContainText(reply);
	await expectAccessible(lead);
	await lead.goto(`${app.origin}/messages`);
	await expect(withWren).toContainText('Last message');
	await expect(withWren.getByText(/^New:/)).toHaveCount(0);

	// The survivor's home page says a reply is waiting, until she has opened it.
	await survivor.goto(`${app.origin}/home`);
	const waiting = survivor.getByRole('region', { name: /^Waiting for you/ });
	const news = waiting.getByRole('listitem').filter({
		has: survivor.getByRole('link', { name: 'New messages from your facilitators: 1' })
	});
	await expect(news.getByText('New', { exact: true })).toBeVisible();
	await news.getByRole('link').click();
	await expect(
		survivor.getByRole('article', { name: 'Message from Alder, facilitator' })
	).toContainText(reply);
	await expectAccessible(survivor);
	await phoneShot(survivor, SHOTS, 'survivor-thread');
	await survivor.goto(`${app.origin}/home`);
	const read = waiting.getByRole('listitem').filter({
		has: survivor.getByRole('link', { name: 'Your conversation with the facilitators' })
	});
	await expect(read).toBeVisible();
	await expect(read.getByText('New', { exact: true })).toHaveCount(0);
	await expect(waiting.getByRole('link', { name: /^New messages/ })).toHaveCount(0);
	await survivor.goto(`${app.origin}/messages`);
	await expect(survivor.getByRole('link', { name: /^With / })).toHaveCount(0);
	await expectAccessible(survivor);

	// The responsible party has their own, empty conversation and no way to the survivor's.
	await party.goto(`${app.origin}/messages`);
	await expect(party.getByRole('link', { name: /^With / })).toHaveCount(0);
	await party.getByRole('link', { name: 'Your conversation with the facilitators' }).click();
	await expect(party.getByRole('heading', { name: 'Write a message' })).toBeVisible();
	await expect(
		party.getByText('No messages yet. You can write whenever you are ready.')
	).toBeVisible();
	await expect(party.locator('body')).not.toContainText(canary);
	await expect(party.locator('body')).not.toContainText(reply);
	expect((await party.goto(`${app.origin}/cases/${c.caseId}/messages/${c.wrenId}`))?.status()).toBe(
		404
	);
	const probe = await party.evaluate(
		async ([caseId, wrenId]) => {
			const r = await fetch(
				`/api/cases/${caseId}/envelopes?kind=conversation,relay&subject=${wrenId}`
			);
			return (await r.json()) as { envelopes: unknown[] };
		},
		[c.caseId, c.wrenId] as const
	);
	expect(probe).toEqual({ envelopes: [] });

	expectNowhere(app, [canary, reply], c.traffic);
	await survivor.context().close();
	await party.context().close();
});

test('words are passed on only with the author’s yes: a no leaves nothing, a yes passes words and file', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const words = `Please tell Ash ${crypto.randomUUID()}`;
	const declined = `Shortened ${crypto.randomUUID()}`;
	const letter = {
		name: 'letter.txt',
		mimeType: 'text/plain',
		buffer: Buffer.from(`Dear Ash,\n${randomBytes(300_000).toString('hex')}\n`)
	};
	const c = await caseWithParties(browser, 'Relay case');
	const { survivor, party } = c;
	await openThread(survivor, c.caseId, c.wrenId);
	await write(survivor, words, letter);

	// The facilitator asks, with shorter words, without the file.
	await openThread(lead, c.caseId, c.wrenId);
	const source = lead.getByRole('article', { name: 'Message from Wren' });
	await expect(source.getByText('letter.txt')).toBeVisible();
	await source.getByRole('button', { name: 'Ask to pass this on…' }).click();
	await source.getByRole('radio', { name: 'Ash (Responsible party)' }).check();
	const proposed = source.getByLabel(
		'Words to pass on (you can shorten them; Wren sees this version)'
	);
	await expect(proposed).toHaveValue(words);
	await expect(source.getByLabel('Include the file letter.txt')).toBeChecked();
	await expectAccessible(lead);
	await phoneShot(lead, SHOTS, 'facilitator-propose');
	await proposed.fill(declined);
	await source.getByLabel('Include the file letter.txt').uncheck();
	await source.getByRole('button', { name: 'Ask Wren' }).click();
	const asked = lead.getByRole('article', { name: 'Message from You' });
	await expect(asked.filter({ hasText: declined })).toContainText(
		'Asked Wren whether these words may be passed on to Ash:'
	);
	await expect(asked.filter({ hasText: declined })).toContainText(
		"Waiting for Wren's answer. Nothing has been passed on."
	);
	await expectAccessible(lead);

	// Wren sees exactly what would go, and says no.
	await survivor.reload();
	const ask = survivor
		.getByRole('article', { name: 'Message from Alder, facilitator' })
		.filter({ hasText: declined });
	await expect(ask).toContainText(
		'Your facilitators would like to pass the words below on to Ash. This is exactly what they would see.'
	);
	await expect(ask.getByText('letter.txt')).toHaveCount(0);
	await expectAccessible(survivor);
	await phoneShot(survivor, SHOTS, 'survivor-proposal');
	await ask.getByRole('button', { name: "No, don't pass it on" }).click();
	await expect(ask).toContainText('Declined: nothing was passed on.');
	const relays = () =>
		app.db
			.execute({
				sql: 'SELECT status FROM relays WHERE case_id = ? ORDER BY created_at',
				args: [c.caseId]
			})
			.then((r) => r.rows.map((row) => row.status));
	const relayEnvelopes = async () =>
		Number(
			(
				await app.db.execute({
					sql: "SELECT count(*) AS n FROM case_envelopes WHERE case_id = ? AND kind = 'relay'",
					args: [c.caseId]
				})
			).rows[0]?.n
		);
	expect(await relays()).toEqual(['declined']);
	expect(await relayEnvelopes()).toBe(0);
	await openThread(party, c.caseId, c.ashId);
	await expect(
		party.getByText('No messages yet. You can write whenever you are ready.')
	).toBeVisible();
	await expect(party.locator('body')).not.toContainText(declined);
	// Ash does not even learn that something was asked.
	expect(
		await party.evaluate(
			async (caseId) => (await fetch(`/api/cases/${caseId}/relays`)).json(),
			c.caseId
		)
	).toEqual({ relays: [] });
	await lead.reload();
	await expect(asked.filter({ hasText: declined })).toContainText(
		'Declined: nothing was passed on.'
	);

	// Asked again with her own words and the letter, Wren says yes.
	await source.getByRole('button', { name: 'Ask to pass this on…' }).click();
	await source.getByRole('radio', { name: 'Ash (Responsible party)' }).check();
	await source.getByRole('button', { name: 'Ask Wren' }).click();
	await expect(asked).toHaveCount(2);
	await survivor.reload();
	const second = survivor
		.getByRole('article', { name: 'Message from Alder, facilitator' })
		.filter({ has: survivor.getByRole('button', { name: 'Yes, pass it on' }) });
	await expect(second).toContainText(words);
	// The file goes only with this yes, so the question names it.
	await expect(second.getByText('Together with the file letter.txt.')).toBeVisible();
	await second.getByRole('button', { name: 'Yes, pass it on' }).click();
	await expect(
		survivor.getByRole('article', { name: 'Message from Alder, facilitator' }).last()
	).toContainText('Agreed: this was passed on to Ash.');
	expect(await relays()).toEqual(['declined', 'approved']);
	expect(await relayEnvelopes()).toBe(1);

	await party.reload();
	const passed = party.getByRole('article', { name: 'Message from Wren' });
	await expect(passed).toContainText(words);
	await expect(passed).toContainText("Passed on by the facilitators, with Wren's approval.");
	await expect(party.locator('body')).not.toContainText(declined);
	const saved = await saveCopy(party, passed);
	expect(saved.name).toBe('letter.txt');
	expect(sha256(saved.bytes)).toBe(sha256(letter.buffer));
	await expectAccessible(party);
	await lead.reload();
	await expect(asked.filter({ hasText: words })).toContainText(
		'Agreed: this was passed on to Ash.'
	);

	expectNowhere(app, [words, declined, 'Dear Ash'], c.traffic);
	await survivor.context().close();
	await party.context().close();
});

test('files: 20 MB sealed and intact, an interrupted upload carries on, bad input is refused in words', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const c = await caseWithParties(browser, 'Files case');
	const { survivor, party } = c;

	// 20 MB with a canary every megabyte, and another in its name: neither reaches the server.
	const canary = `canary-${crypto.randomUUID()}`;
	const nameCanary = `name-${crypto.randomUUID()}`;
	const big = randomBytes(20 * MB);
	for (let at = 777; at + canary.length < big.length; at += MB) big.write(canary, at, 'latin1');
	const bigName = `statement-${nameCanary}.pdf`;
	await openThread(survivor, c.caseId, c.wrenId);
	await survivor
		.getByLabel('Attach a file (optional)')
		.setInputFiles({ name: bigName, mimeType: 'application/pdf', buffer: big });
	await expect(survivor.getByText(`Attached: ${bigName} (20 MB)`)).toBeVisible();
	await survivor.getByRole('button', { name: 'Send', exact: true }).click();
	await expect(
		survivor.getByRole('progressbar', { name: /^Encrypting and uploading the file: \d+%$/ })
	).toBeVisible();
	await expect(survivor.getByText('Sent.', { exact: true })).toBeVisible({ timeout: 60_000 });
	await expect(survivor.getByRole('progressbar')).toHaveCount(0);

	await openThread(lead, c.caseId, c.wrenId);
	const fromWren = lead.getByRole('article', { name: 'Message from Wren' });
	await expect(fromWren).toContainText(bigName);
	await expect(fromWren).toContainText('20 MB');
	const saved = await saveCopy(lead, fromWren);
	expect(saved.name).toBe(bigName);
	expect(saved.bytes.length).toBe(big.length);
	expect(sha256(saved.bytes)).toBe(sha256(big));
	// The canary is really in the file, so its absence below means something.
	expect(saved.bytes.includes(canary)).toBe(true);
	expectNowhere(app, [canary, nameCanary], c.traffic);

	// The line drops for good after three chunks: the page says so and nothing is sent yet.
	const file = { name: 'notes.pdf', mimeType: 'application/pdf', buffer: randomBytes(3 * MB) };
	let dropping = true;
	let dropped = 0;
	const resent: number[] = [];
	await party.route('**/attachments/*/chunks/*', async (route) => {
		const index = Number(new URL(route.request().url()).pathname.split('/').pop());
		if (route.request().method() !== 'PUT') return route.continue();
		if (dropping && index >= 3) {
			dropped++;
			return route.abort();
		}
		if (!dropping) resent.push(index);
		return route.continue();
	});
	await openThread(party, c.caseId, c.ashId);
	await party.getByLabel('Attach a file (optional)').setInputFiles(file);
	await party.getByRole('button', { name: 'Send', exact: true }).click();
	const dropAlert = party.getByRole('alert').filter({ hasText: 'The connection dropped' });
	await expect(dropAlert).toContainText(
		'The connection dropped while the file was uploading (25% done). Nothing was sent yet.',
		{ timeout: 30_000 }
	);
	// Each chunk was tried again before giving up.
	expect(dropped).toBeGreaterThanOrEqual(4);
	await expect(party.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
	await phoneShot(party, SHOTS, 'party-interrupted');
	const [pending] = (
		await app.db.execute({
			sql: 'SELECT id, object_id FROM attachments WHERE owner_id = ?',
			args: [c.ashId]
		})
	).rows;
	expect(pending?.object_id).toBeNull();
	const pendingId = String(pending?.id);
	expect(await chunksOf(pendingId)).toBe(3);
	await openThread(lead, c.caseId, c.ashId);
	await expect(
		lead.getByText('No messages yet. You can write whenever you are ready.')
	).toBeVisible();
	const early = await lead.evaluate(
		async (url) => (await fetch(url)).status,
		`/api/cases/${c.caseId}/attachments/${pendingId}/chunks/0`
	);
	expect(early).toBe(404);

	// Back online: only the missing chunks go, then the message.
	dropping = false;
	await dropAlert.getByRole('button', { name: 'Carry on uploading' }).click();
	await expect(party.getByText('Sent.', { exact: true })).toBeVisible({ timeout: 30_000 });
	expect(resent.sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
	await lead.reload();
	const fromAsh = lead.getByRole('article', { name: 'Message from Ash' });
	await expect(fromAsh).toContainText('notes.pdf');
	expect(sha256((await saveCopy(lead, fromAsh)).bytes)).toBe(sha256(file.buffer));

	// Dropped again, Ash picks another file instead: the first upload goes from the server, and
	// the new file is sent under its own name with its own bytes.
	dropping = true;
	const draft = { name: 'draft.pdf', mimeType: 'application/pdf', buffer: randomBytes(MB) };
	const final = { name: 'final.txt', mimeType: 'text/plain', buffer: Buffer.from('Final.\n') };
	await party.getByLabel('Attach a file (optional)').setInputFiles(draft);
	await party.getByRole('button', { name: 'Send', exact: true }).click();
	await expect(dropAlert).toBeVisible({ timeout: 30_000 });
	const [draftRow] = (
		await app.db.execute({
			sql: 'SELECT id FROM attachments WHERE owner_id = ? AND object_id IS NULL',
			args: [c.ashId]
		})
	).rows;
	dropping = false;
	await party.getByLabel('Attach a file (optional)').setInputFiles(final);
	await expect(dropAlert).toHaveCount(0);
	await expect(party.getByText('Attached: final.txt (7 B)')).toBeVisible();
	await expect.poll(() => chunksOf(String(draftRow?.id))).toBe(0);
	await party.getByRole('button', { name: 'Send', exact: true }).click();
	await expect(party.getByText('Sent.', { exact: true })).toBeVisible();
	await lead.reload();
	const finalFrom = fromAsh.filter({ hasText: 'final.txt' });
	await expect(finalFrom).toContainText('7 B');
	const finalSaved = await saveCopy(lead, finalFrom);
	expect(finalSaved.name).toBe('final.txt');
	expect(finalSaved.bytes.equals(final.buffer)).toBe(true);
	expect(
		(
			await app.db.execute({
				sql: 'SELECT count(*) AS n FROM attachments WHERE owner_id = ? AND object_id IS NULL',
				args: [c.ashId]
			})
		).rows[0]?.n
	).toBe(0);

	// A file over the limit is refused in the page, before anything is uploaded.
	const uploads: string[] = [];
	survivor.on('request', (r) => {
		if (r.url().includes('/attachments')) uploads.push(r.url());
	});
	const attachmentsBefore = await countRows(app.db, 'attachments');
	await survivor.getByLabel('Attach a file (optional)').evaluate((input: HTMLInputElement) => {
		// 201 references to one megabyte: a Blob made of Blobs shares their memory.
		const oneMb = new Blob([new Uint8Array(1024 * 1024)]);
		const huge = new File(Array<Blob>(201).fill(oneMb), 'huge.mp4', { type: 'video/mp4' });
		const dt = new DataTransfer();
		dt.items.add(huge);
		input.files = dt.files;
		input.dispatchEvent(new Event('change', { bubbles: true }));
	});
	await expect(survivor.getByRole('alert')).toHaveText(
		"This file is 201 MB, larger than the 200 MB limit, so it can't be sent. A shorter recording, or a file split into parts, will fit."
	);
	await expect(survivor.getByText(/^Attached:/)).toHaveCount(0);
	await survivor.getByRole('button', { name: 'Send', exact: true }).click();
	await expect(survivor.getByRole('alert')).toHaveText('Write something or attach a file first.');
	expect(uploads).toEqual([]);

	// The server says the same to a browser that asks anyway.
	const tooBig = await postJson(survivor, `/api/cases/${c.caseId}/attachments`, {
		id: clientId(),
		size: 200 * MB + 1,
		chunkSize: 256 * 1024
	});
	expect(tooBig).toMatchObject({
		status: 413,
		body: { code: 'file_too_large', message: expect.stringContaining('larger than 200 MB') }
	});
	expect(await countRows(app.db, 'attachments')).toBe(attachmentsBefore);

	// Someone else's upload, finished or not, does not exist for Ash.
	const [bigRow] = (
		await app.db.execute({
			sql: 'SELECT id FROM attachments WHERE owner_id = ? AND object_id IS NOT NULL',
			args: [c.wrenId]
		})
	).rows;
	const bigId = String(bigRow?.id);
	const openId = clientId();
	const started = await postJson(survivor, `/api/cases/${c.caseId}/attachments`, {
		id: openId,
		size: 1000,
		chunkSize: 16 * 1024
	});
	expect(started.status).toBe(201);
	const chunk0 = async () =>
		(
			await app.db.execute({
				sql: 'SELECT data FROM attachment_chunks WHERE attachment_id = ? AND idx = 0',
				args: [bigId]
			})
		).rows[0]?.data;
	const before = { chunks: await countRows(app.db, 'attachment_chunks'), first: await chunk0() };
	for (const [id, length] of [
		[openId, 1040],
		[bigId, 256 * 1024 + 40]
	] as const) {
		const theirs = await putChunk(party, c.caseId, id, 0, length);
		expect(theirs).toMatchObject({
			status: 404,
			body: { code: 'upload_not_found', message: expect.stringContaining('no longer here') }
		});
	}
	expect(await countRows(app.db, 'attachment_chunks')).toBe(before.chunks);
	expect(await chunk0()).toEqual(before.first);
	expect(await chunksOf(openId)).toBe(0);

	// A message deleted with its file: a late chunk for it finds nothing, and is not kept.
	await write(survivor, 'With a note', {
		name: 'note.txt',
		mimeType: 'text/plain',
		buffer: Buffer.from('A short note.\n')
	});
	const [noteRow] = (
		await app.db.execute({
			sql: `SELECT id FROM attachments WHERE owner_id = ? AND object_id IS NOT NULL AND id != ?`,
			args: [c.wrenId, bigId]
		})
	).rows;
	const noteId = String(noteRow?.id);
	expect(await chunksOf(noteId)).toBe(1);
	const note = survivor
		.getByRole('article', { name: 'Message from You' })
		.filter({ hasText: 'With a note' });
	await note.getByText('Delete…').click();
	await note.getByRole('button', { name: 'Delete this message' }).click();
	await expect(note).toHaveCount(0);
	const late = await putChunk(survivor, c.caseId, noteId, 0, 14 + 40);
	expect(late.status).toBe(404);
	expect(late.body.message).toBe(
		'This file is no longer here: its upload was cancelled, or the message it belonged to was deleted. Nothing more was saved.'
	);
	const noteLeft = await app.db.execute({
		sql: 'SELECT count(*) AS n FROM attachments WHERE id = ?',
		args: [noteId]
	});
	expect(noteLeft.rows[0]?.n).toBe(0);
	expect(await chunksOf(noteId)).toBe(0);
	await lead.goto(`${app.origin}/cases/${c.caseId}/messages/${c.wrenId}`);
	await expect(lead.getByRole('heading', { name: 'Write a message' })).toBeVisible();
	await expect(lead.getByText('With a note')).toHaveCount(0);
	await expect(lead.getByRole('article', { name: 'Message from Wren' })).toContainText(bigName);

	await survivor.context().close();
	await party.context().close();
});

test('a voice message recorded in the browser reaches the facilitators sealed, and plays', async () => {
	test.setTimeout(120_000);
	// A browser with Chromium's fake microphone (a steady tone) and no permission prompt.
	const mic = await chromium.launch({
		executablePath: chromiumExecutable(),
		args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']
	});
	try {
		const { caseId } = await openCase(lead, app.origin, 'Recording case');
		const link = await inviteLink(lead, 'Survivor');
		const context = await mic.newContext({ permissions: ['microphone'] });
		const speaker = (await newDevice(context, true)).page;
		await joinAsNewPerson(speaker, link, 'Rowan');
		await confirmMember(lead, app, caseId, 'Rowan — Survivor');
		const rowanId = await userIdOf(app, caseId, 'survivor');

		await openThread(speaker, caseId, rowanId);
		await speaker.getByRole('button', { name: 'Record a voice message' }).click();
		await expect(speaker.getByRole('status').filter({ hasText: 'Recording: 0:02' })).toBeVisible({
			timeout: 10_000
		});
		await speaker.getByRole('button', { name: 'Stop recording' }).click();
		await expect(
			speaker.getByText('Listen back before you attach it. It stays in this page until you do.')
		).toBeVisible();
		await expectAccessible(speaker);
		await phoneShot(speaker, SHOTS, 'recorder-done');
		await speaker.getByRole('button', { name: 'Attach this recording' }).click();
		await expect(speaker.getByText(/^Attached: Voice recording\.webm \(\d+ KB\)/)).toBeVisible();
		await speaker.getByRole('button', { name: 'Send', exact: true }).click();
		await expect(speaker.getByText('Sent.', { exact: true })).toBeVisible();

		await openThread(lead, caseId, rowanId);
		const fromRowan = lead.getByRole('article', { name: 'Message from Rowan' });
		await expect(fromRowan).toContainText('Voice recording.webm');
		await fromRowan.getByRole('button', { name: 'Listen' }).click();
		const audio = fromRowan.locator('audio');
		await expect(audio).toHaveAttribute('src', /^blob:/);
		const played = await audio.evaluate(async (a: HTMLAudioElement) => {
			const next = (event: string) =>
				new Promise<void>((resolve, reject) => {
					a.addEventListener(event, () => resolve(), { once: true });
					a.addEventListener('error', () => reject(new Error(`error ${a.error?.code}`)), {
						once: true
					});
				});
			if (a.readyState < 1) await next('loadedmetadata');
			// A MediaRecorder WebM names no duration: seeking past the end makes the browser find it.
			if (!Number.isFinite(a.duration)) {
				const found = next('durationchange');
				a.currentTime = 1e6;
				await found;
			}
			return { duration: a.duration, error: a.error };
		});
		expect(played.error).toBeNull();
		expect(played.duration).toBeGreaterThan(1);
		expect(played.duration).toBeLessThan(10);
	} finally {
		await mic.close();
	}
});
