import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../scripts/chromium.js';
import { startApp, type App } from './support/app';
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

// Files a party adds to their own input: a letter, a picture, a recorded statement. Each is
// sealed in the browser for the readers of the answers, follows the answers to readers chosen
// later, never reaches the other side, and goes for everyone when it (or the input) is removed.
// Canaries in the answers, the file's bytes and the file's name prove the server sees none.

const SHOTS = '/tmp/shots-input';
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

async function rows(sql: string, ...args: string[]) {
	return (await app.db.execute({ sql, args })).rows;
}

/** The uploads of this case that belong to an envelope: one per input file. */
const attachmentsOf = async (caseId: string) =>
	(
		await rows(
			'SELECT id, object_id FROM attachments WHERE case_id = ? ORDER BY created_at',
			caseId
		)
	).map((r) => ({ id: String(r.id), objectId: String(r.object_id) }));

const chunksOf = async (attachmentId: string) =>
	Number(
		(
			await rows(
				'SELECT count(*) AS n FROM attachment_chunks WHERE attachment_id = ?',
				attachmentId
			)
		)[0]?.n
	);

const wrapsOf = async (caseId: string, objectId: string) =>
	(
		await rows(
			'SELECT reader_id FROM case_wraps WHERE case_id = ? AND object_id = ? ORDER BY reader_id',
			caseId,
			objectId
		)
	).map((r) => String(r.reader_id));

/** What a browser gets when it asks for an object or a file's chunk directly. */
function probe(page: Page, caseId: string, objectIds: string[], attachmentIds: string[]) {
	return page.evaluate(
		async ({ caseId, objectIds, attachmentIds }) => {
			const get = async (path: string) => {
				const r = await fetch(path);
				return { status: r.status, text: await r.text() };
			};
			return {
				list: await get(`/api/cases/${caseId}/envelopes?kind=input`),
				objects: await Promise.all(
					objectIds.map((id) => get(`/api/cases/${caseId}/envelopes/${id}?version=1`))
				),
				chunks: await Promise.all(
					attachmentIds.map((id) => get(`/api/cases/${caseId}/attachments/${id}/chunks/0`))
				)
			};
		},
		{ caseId, objectIds, attachmentIds }
	);
}

/** The survivor's own input page, opened and decrypted. */
async function openMyInput(page: Page, caseId: string) {
	await page.goto(`${app.origin}/cases/${caseId}/input`);
	await expect(page.getByRole('heading', { name: 'Your answers', exact: true })).toBeVisible();
}

test('files with a survivor’s answers: sealed for her readers, following new ones, never the other side, gone when removed', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const canary = `canary-${crypto.randomUUID()}`;
	const fileCanary = `file-${crypto.randomUUID()}`;
	const nameCanary = `name-${crypto.randomUUID()}`;
	const letterCanary = `letter-${crypto.randomUUID()}`;
	const noteCanary = `note-${crypto.randomUUID()}`;

	// A 2.5 MB "PDF" with a canary in every chunk, and another in its name.
	const statement = {
		name: `statement-${nameCanary}.pdf`,
		mimeType: 'application/pdf',
		buffer: randomBytes(2.5 * MB)
	};
	statement.buffer.write('%PDF-1.4\n', 0, 'latin1');
	for (let at = 777; at + fileCanary.length < statement.buffer.length; at += 256 * 1024) {
		statement.buffer.write(fileCanary, at, 'latin1');
	}
	const letter = {
		name: 'letter.txt',
		mimeType: 'text/plain',
		buffer: Buffer.from(`To the facilitators,\n${letterCanary}\n`)
	};

	const { caseId, ref } = await openCase(lead, app.origin, 'Input files case');
	const survivor = (await newDevice(await browser.newContext(), true)).page;
	const survivorTraffic = recordTraffic(survivor);
	await joinAsNewPerson(survivor, await inviteLink(lead, 'Survivor'), 'Wren');
	await confirmMember(lead, app, caseId, 'Wren — Survivor');
	// Sage supports Wren: someone she may choose, but only if she chooses.
	const sage = (await newDevice(await browser.newContext(), true)).page;
	const sageTraffic = recordTraffic(sage);
	await joinAsNewPerson(sage, await inviteLink(lead, 'Supporter', 'Wren (Survivor)'), 'Sage');
	await confirmMember(lead, app, caseId, 'Sage — Supporter');
	// The responsible party's passkey has no PRF.
	const party = (await newDevice(await browser.newContext(), false)).page;
	const partyTraffic = recordTraffic(party);
	await joinAsNewPerson(party, await inviteLink(lead, 'Responsible party'), 'Ash');
	await confirmMember(lead, app, caseId, 'Ash — Responsible party');
	const wrenId = await userIdOf(app, caseId, 'survivor');
	const sageId = await userIdOf(app, caseId, 'supporter');
	const ashId = await userIdOf(app, caseId, 'responsible');
	const leadId = await userIdOf(app, caseId, 'facilitator');

	// While she writes the first time, files wait until the answers are sent.
	await openMyInput(survivor, caseId);
	await survivor.getByRole('button', { name: 'Show the questions' }).click();
	await survivor.getByRole('textbox').first().fill(`I need ${canary}`);
	await expect(survivor.getByText('Draft saved, readable only by you')).toBeVisible();
	await expect(
		survivor.getByText(
			'Once you have sent your answers, you can add files to them: a letter, a picture or a recorded statement.'
		)
	).toBeVisible();
	const files = survivor.getByRole('region', { name: 'Files with your answers' });
	await expect(files).toHaveCount(0);
	const readers = survivor.getByRole('group', { name: 'Who may read this' });
	await expect(readers.getByLabel('Alder — Facilitator')).toBeChecked();
	await expect(readers.getByLabel('Sage — Supporter')).not.toBeChecked();
	await expect(readers.getByText('Ash')).toHaveCount(0);
	await survivor.getByRole('button', { name: 'Send to the people I chose' }).click();
	await expect(survivor.getByText('Sent. Only the people you chose can read it.')).toBeVisible();
	await expect(survivor.getByText('Readers: Alder')).toBeVisible();

	// Now the files section is there, naming who can open what she adds.
	await expect(files).toBeVisible();
	await expect(files.getByText('No files yet.')).toBeVisible();
	await expect(files).toContainText('only the people who read your answers can open it: Alder.');
	await files.getByRole('button', { name: 'Add this file' }).click();
	await expect(files.getByRole('alert')).toHaveText('Choose a file, or record a statement, first.');
	expect(await attachmentsOf(caseId)).toEqual([]);

	// The file is sealed and uploaded with its progress shown: chunks from the third on are held
	// back until the page has shown how far it got.
	let release = () => {};
	const held = new Promise<void>((resolve) => (release = resolve));
	const chunkRoute = '**/attachments/*/chunks/*';
	await survivor.route(chunkRoute, async (route) => {
		const index = Number(new URL(route.request().url()).pathname.split('/').pop());
		if (route.request().method() === 'PUT' && index >= 2) await held;
		await route.continue();
	});
	const picker = files.getByLabel('Add a file (optional)');
	await picker.setInputFiles(statement);
	await expect(files.getByText(`Attached: ${statement.name} (2.5 MB)`)).toBeVisible();
	await files.getByRole('button', { name: 'Add this file' }).click();
	await expect(
		files.getByRole('progressbar', { name: 'Encrypting and uploading the file: 20%' })
	).toBeVisible();
	await expect(files.getByRole('button', { name: 'Add this file' })).toBeDisabled();
	await expect(picker).toBeDisabled();
	release();
	await expect(
		files.getByText('The file is added. Only the people who read your answers can open it.')
	).toBeVisible({ timeout: 30_000 });
	await expect(files.getByRole('progressbar')).toHaveCount(0);
	await survivor.unroute(chunkRoute);
	const listed = files.getByRole('listitem');
	await expect(listed.filter({ hasText: statement.name })).toContainText('2.5 MB');
	await expect(files.getByText('No files yet.')).toHaveCount(0);

	await picker.setInputFiles(letter);
	await files.getByRole('button', { name: 'Add this file' }).click();
	await expect(listed).toHaveCount(2);
	await expect(listed.nth(1)).toContainText('letter.txt');
	// Listed again after a reload: opened from the server's ciphertext.
	await openMyInput(survivor, caseId);
	await expect(listed).toHaveCount(2);
	await expect(listed.nth(0)).toContainText(statement.name);
	await expect(listed.nth(1)).toContainText('letter.txt');

	// What the server holds: two `input` objects for Alder and Wren, each with its upload.
	const uploads = await attachmentsOf(caseId);
	expect(uploads).toHaveLength(2);
	const [big, small] = uploads as [(typeof uploads)[0], (typeof uploads)[0]];
	expect(await chunksOf(big.id)).toBe(10);
	expect(await chunksOf(small.id)).toBe(1);
	for (const u of uploads) {
		const [env] = await rows(
			'SELECT kind, author_id, deleted FROM case_envelopes WHERE case_id = ? AND object_id = ?',
			caseId,
			u.objectId
		);
		expect(env).toMatchObject({ kind: 'input', author_id: wrenId, deleted: 0 });
		expect(await wrapsOf(caseId, u.objectId)).toEqual([leadId, wrenId].sort());
	}
	const [answers] = await rows(
		"SELECT object_id FROM case_envelopes WHERE case_id = ? AND kind = 'input' AND object_id NOT IN (?, ?)",
		caseId,
		big.objectId,
		small.objectId
	);
	const answersId = String(answers?.object_id);

	// The facilitator's dashboard says something new is waiting in the case.
	const onDashboard = lead.getByRole('listitem').filter({
		has: lead.getByRole('heading', { name: ref })
	});
	await lead.goto(`${app.origin}/cases`);
	await expect(onDashboard.getByText(/^New input or comments not read yet: \d+$/)).toBeVisible();
	// The facilitator sees both under her answers, and saves the very same bytes.
	await lead.goto(`${app.origin}/cases/${caseId}/input`);
	const fromWren = lead.getByRole('article', { name: 'From Wren (Survivor)' });
	await expect(fromWren.getByText(`I need ${canary}`)).toBeVisible();
	await expect(fromWren.getByRole('heading', { name: 'Files', exact: true })).toBeVisible();
	const leadStatement = fromWren.locator('.file').filter({ hasText: statement.name });
	await expect(leadStatement).toContainText('2.5 MB');
	const saved = await saveCopy(lead, leadStatement);
	expect(saved.name).toBe(statement.name);
	expect(saved.bytes.length).toBe(statement.buffer.length);
	expect(sha256(saved.bytes)).toBe(sha256(statement.buffer));
	// The canary is really in the file, so its absence below means something.
	expect(saved.bytes.includes(fileCanary)).toBe(true);
	const leadLetter = fromWren.locator('.file').filter({ hasText: 'letter.txt' });
	expect((await saveCopy(lead, leadLetter)).bytes.equals(letter.buffer)).toBe(true);
	// A letter or a PDF is saved, not played.
	await expect(fromWren.getByRole('button', { name: 'Listen' })).toHaveCount(0);
	await expectAccessible(lead);
	await phoneShot(lead, SHOTS, 'facilitator-files');
	// Opened, the answers and their files are no longer new.
	await lead.goto(`${app.origin}/cases`);
	await expect(onDashboard.getByRole('link', { name: ref })).toBeVisible();
	await expect(onDashboard.getByText('New input or comments not read yet')).toHaveCount(0);

	// The responsible party gets nothing of hers: not on the page, not by any URL.
	await party.goto(`${app.origin}/cases/${caseId}/input`);
	await expect(party.getByRole('heading', { name: 'Your input' })).toBeVisible();
	await expect(party.getByRole('button', { name: 'Show the questions' })).toBeVisible();
	await expect(party.getByRole('heading', { name: 'Shared with you' })).toHaveCount(0);
	await expect(party.locator('body')).not.toContainText(statement.name);
	await expect(party.locator('body')).not.toContainText('letter.txt');
	const objectIds = [answersId, big.objectId, small.objectId];
	const attachmentIds = [big.id, small.id];
	const ashSees = await probe(party, caseId, objectIds, attachmentIds);
	expect(JSON.parse(ashSees.list.text)).toEqual({ envelopes: [] });
	expect(ashSees.objects.map((o) => o.status)).toEqual([404, 404, 404]);
	expect(ashSees.chunks.map((c) => c.status)).toEqual([404, 404]);

	// Nor does Sage, until Wren chooses her.
	await sage.goto(`${app.origin}/cases/${caseId}/input`);
	await expect(sage.getByText('Nothing has been shared with you yet.')).toBeVisible();
	const sageBefore = await probe(sage, caseId, objectIds, attachmentIds);
	expect(JSON.parse(sageBefore.list.text)).toEqual({ envelopes: [] });
	expect(sageBefore.objects.map((o) => o.status)).toEqual([404, 404, 404]);
	expect(sageBefore.chunks.map((c) => c.status)).toEqual([404, 404]);

	// Wren sends her answers again, now to Sage too: her files go with them.
	await survivor.getByRole('button', { name: 'Change my answers' }).click();
	await readers.getByLabel('Sage — Supporter').check();
	await survivor.getByRole('button', { name: 'Send to the people I chose' }).click();
	await expect(survivor.getByText('Version 2, sent')).toBeVisible();
	await expect(survivor.getByText('Sent. Only the people you chose can read it.')).toBeVisible();
	// Names in the server's order of readers, not the order ticked.
	await expect(survivor.getByText(/^Readers: (Alder, Sage|Sage, Alder)$/)).toBeVisible();
	await expect(files).toContainText(
		/only the people who read your answers can open it: (Alder, Sage|Sage, Alder)\./
	);
	for (const u of uploads) {
		expect(await wrapsOf(caseId, u.objectId)).toEqual([leadId, sageId, wrenId].sort());
	}

	await sage.reload();
	await expect(sage.getByRole('heading', { name: 'Shared with you' })).toBeVisible();
	const sageFromWren = sage.getByRole('article', { name: 'From Wren (Survivor)' });
	await expect(sageFromWren.getByText(`I need ${canary}`)).toBeVisible();
	const sageStatement = sageFromWren.locator('.file').filter({ hasText: statement.name });
	const sageSaved = await saveCopy(sage, sageStatement);
	expect(sageSaved.name).toBe(statement.name);
	expect(sha256(sageSaved.bytes)).toBe(sha256(statement.buffer));
	const sageLetter = sageFromWren.locator('.file').filter({ hasText: 'letter.txt' });
	expect((await saveCopy(sage, sageLetter)).bytes.equals(letter.buffer)).toBe(true);
	await expectAccessible(sage);
	const leadInput = () => lead.goto(`${app.origin}/cases/${caseId}/input`);
	await leadInput();
	await expect(fromWren).toContainText('also read by Sage');
	// Still nothing for Ash, and no wrap for him anywhere.
	const ashAfter = await probe(party, caseId, objectIds, attachmentIds);
	expect(JSON.parse(ashAfter.list.text)).toEqual({ envelopes: [] });
	expect(ashAfter.chunks.map((c) => c.status)).toEqual([404, 404]);
	expect(await rows('SELECT 1 FROM case_wraps WHERE reader_id = ?', ashId)).toEqual([]);

	// Wren removes the letter: it goes for everyone, chunks and all.
	const letterItem = listed.filter({ hasText: 'letter.txt' });
	await letterItem.getByText('Remove letter.txt', { exact: true }).click();
	await expect(
		letterItem.getByText(
			'It is deleted for everyone who could open it, at once. It cannot be undone.'
		)
	).toBeVisible();
	await letterItem.getByRole('button', { name: 'Yes, remove letter.txt' }).click();
	await expect(files.getByText('letter.txt is removed, for everyone.')).toBeVisible();
	await expect(listed).toHaveCount(1);
	expect(await rows('SELECT 1 FROM attachments WHERE id = ?', small.id)).toEqual([]);
	expect(await chunksOf(small.id)).toBe(0);
	// Only the content-free tombstone is left, wrapped for its author alone.
	expect(await wrapsOf(caseId, small.objectId)).toEqual([wrenId]);
	expect(
		await rows(
			'SELECT version, deleted FROM case_envelopes WHERE case_id = ? AND object_id = ?',
			caseId,
			small.objectId
		)
	).toMatchObject([{ version: 2, deleted: 1 }]);
	expect(await chunksOf(big.id)).toBe(10);
	await leadInput();
	await expect(fromWren.locator('.file')).toHaveCount(1);
	await expect(fromWren.locator('.file')).toContainText(statement.name);
	await expect(fromWren).not.toContainText('letter.txt');
	await sage.reload();
	await expect(sageFromWren.locator('.file')).toHaveCount(1);
	const gone = await probe(sage, caseId, [], [small.id]);
	expect(gone.chunks[0]?.status).toBe(404);
	await openMyInput(survivor, caseId);
	await expect(listed).toHaveCount(1);

	// Wren stops choosing Sage: Sage keeps what she was given, but a file added now is not hers.
	await survivor.getByRole('button', { name: 'Change my answers' }).click();
	await readers.getByLabel('Sage — Supporter').uncheck();
	await survivor.getByRole('button', { name: 'Send to the people I chose' }).click();
	await expect(survivor.getByText('Version 3, sent')).toBeVisible();
	await expect(survivor.getByText('Readers: Alder', { exact: true })).toBeVisible();
	const note = {
		name: 'note.txt',
		mimeType: 'text/plain',
		buffer: Buffer.from(`A note for the facilitators only: ${noteCanary}\n`)
	};
	await picker.setInputFiles(note);
	await files.getByRole('button', { name: 'Add this file' }).click();
	await expect(listed).toHaveCount(2);
	await expect(listed.nth(1)).toContainText('note.txt');
	const noteUpload = (await attachmentsOf(caseId)).find((u) => u.id !== big.id);
	expect(noteUpload).toBeDefined();
	const noteId = noteUpload?.id ?? '';
	expect(await wrapsOf(caseId, noteUpload?.objectId ?? '')).toEqual([leadId, wrenId].sort());
	expect(await wrapsOf(caseId, big.objectId)).toEqual([leadId, sageId, wrenId].sort());
	await sage.reload();
	await expect(sageFromWren.getByText(`I need ${canary}`)).toBeVisible();
	await expect(sageFromWren.locator('.file')).toHaveCount(1);
	await expect(sageFromWren.locator('.file')).toContainText(statement.name);
	await expect(sageFromWren).not.toContainText('note.txt');
	expect((await probe(sage, caseId, [], [noteId])).chunks[0]?.status).toBe(404);
	await leadInput();
	await expect(fromWren.locator('.file')).toHaveCount(2);
	const leadNote = fromWren.locator('.file').filter({ hasText: 'note.txt' });
	expect((await saveCopy(lead, leadNote)).bytes.equals(note.buffer)).toBe(true);

	// The page as she sees it with her files listed.
	await expectAccessible(survivor);
	await phoneShot(survivor, SHOTS, 'survivor-files');

	// Over 200 MB is refused in words before anything is uploaded (a sparse file on disk).
	const dir = mkdtempSync(join(tmpdir(), 'ck-huge-'));
	try {
		const hugePath = join(dir, 'huge.mp4');
		const fd = openSync(hugePath, 'w');
		ftruncateSync(fd, 201 * MB);
		closeSync(fd);
		const requests: string[] = [];
		survivor.on('request', (r) => {
			if (r.url().includes('/attachments')) requests.push(r.url());
		});
		await picker.setInputFiles(hugePath);
		await expect(files.getByRole('alert')).toHaveText(
			"This file is 201 MB, larger than the 200 MB limit, so it can't be sent. A shorter recording, or a file split into parts, will fit."
		);
		await expect(files.getByText(/^Attached:/)).toHaveCount(0);
		await files.getByRole('button', { name: 'Add this file' }).click();
		await expect(files.getByRole('alert')).toHaveText(
			'Choose a file, or record a statement, first.'
		);
		expect(requests).toEqual([]);
		expect(await attachmentsOf(caseId)).toHaveLength(2);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}

	// Deleting her answers takes the remaining files with them, for everyone.
	await survivor.getByText('Delete my answers', { exact: true }).click();
	await survivor.getByRole('button', { name: 'Yes, delete my answers' }).click();
	await expect(survivor.getByText('Your answers are deleted, for everyone.')).toBeVisible();
	await expect(files).toHaveCount(0);
	expect(await attachmentsOf(caseId)).toEqual([]);
	for (const id of [big.id, small.id, noteId]) expect(await chunksOf(id)).toBe(0);
	for (const id of [...objectIds, noteUpload?.objectId ?? '']) {
		expect(await wrapsOf(caseId, id)).toEqual([wrenId]);
		const versions = await rows(
			'SELECT deleted FROM case_envelopes WHERE case_id = ? AND object_id = ?',
			caseId,
			id
		);
		expect(versions.map((v) => v.deleted)).toEqual([1]);
	}
	await leadInput();
	await expect(lead.getByRole('heading', { name: 'Shared with you' })).toBeVisible();
	await expect(fromWren).toHaveCount(0);
	await sage.reload();
	await expect(sage.getByText('Nothing has been shared with you yet.')).toBeVisible();
	const after = await probe(lead, caseId, objectIds, [big.id, noteId]);
	expect(JSON.parse(after.list.text)).toEqual({ envelopes: [] });
	expect(after.chunks.map((c) => c.status)).toEqual([404, 404]);

	expectNowhere(
		app,
		[canary, fileCanary, nameCanary, letterCanary, noteCanary],
		[leadTraffic, survivorTraffic, sageTraffic, partyTraffic]
	);
	for (const page of [survivor, sage, party]) await page.context().close();
});

test('a statement recorded on the input page reaches the facilitators sealed, and plays', async () => {
	test.setTimeout(120_000);
	// A browser with Chromium's fake microphone (a steady tone) and no permission prompt.
	const mic = await chromium.launch({
		executablePath: chromiumExecutable(),
		args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']
	});
	try {
		const { caseId } = await openCase(lead, app.origin, 'Recorded statement case');
		const link = await inviteLink(lead, 'Survivor');
		const context = await mic.newContext({ permissions: ['microphone'] });
		const speaker = (await newDevice(context, true)).page;
		await joinAsNewPerson(speaker, link, 'Rowan');
		await confirmMember(lead, app, caseId, 'Rowan — Survivor');

		await openMyInput(speaker, caseId);
		await speaker.getByRole('button', { name: 'Show the questions' }).click();
		await speaker.getByRole('textbox').first().fill('I would rather say it aloud.');
		await speaker.getByRole('button', { name: 'Send to the people I chose' }).click();
		await expect(speaker.getByText('Sent. Only the people you chose can read it.')).toBeVisible();

		const files = speaker.getByRole('region', { name: 'Files with your answers' });
		await files.getByRole('button', { name: 'Record a statement' }).click();
		await expect(files.getByRole('status').filter({ hasText: 'Recording: 0:02' })).toBeVisible({
			timeout: 10_000
		});
		await files.getByRole('button', { name: 'Stop recording' }).click();
		await expect(
			files.getByText('Listen back before you attach it. It stays in this page until you do.')
		).toBeVisible();
		// Not attached yet: adding says so, rather than adding nothing.
		await files.getByRole('button', { name: 'Add this file' }).click();
		await expect(files.getByRole('alert')).toHaveText(
			'Your recording is not added yet. Choose “Attach this recording” (or discard it), then “Add this file”.'
		);
		await expectAccessible(speaker);
		await phoneShot(speaker, SHOTS, 'survivor-recorded');
		await files.getByRole('button', { name: 'Attach this recording' }).click();
		await expect(files.getByText(/^Attached: Voice recording\.webm \(\d+ KB\)/)).toBeVisible();
		await files.getByRole('button', { name: 'Add this file' }).click();
		await expect(
			files.getByText('The file is added. Only the people who read your answers can open it.')
		).toBeVisible();
		const mine = files.getByRole('listitem').filter({ hasText: 'Voice recording.webm' });
		await expect(mine.getByRole('button', { name: 'Listen' })).toBeVisible();
		const [upload] = await attachmentsOf(caseId);
		expect(upload?.objectId).toBeTruthy();
		expect(await chunksOf(String(upload?.id))).toBeGreaterThan(0);

		await lead.goto(`${app.origin}/cases/${caseId}/input`);
		const fromRowan = lead.getByRole('article', { name: 'From Rowan (Survivor)' });
		await expect(fromRowan).toContainText('I would rather say it aloud.');
		const recording = fromRowan.locator('.file').filter({ hasText: 'Voice recording.webm' });
		await recording.getByRole('button', { name: 'Listen' }).click();
		const audio = recording.locator('audio');
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
		await expectAccessible(lead);
		await phoneShot(lead, SHOTS, 'facilitator-recording');
	} finally {
		await mic.close();
	}
});
