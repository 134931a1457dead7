import { mkdirSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
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

// Words that reach someone after they were written: a co-facilitator who joins later is given
// the conversation that was already there, and a survivor shares one message (and its file) with
// her supporter, directly. Canaries prove that none of it reaches the server in the clear, and
// a responsible party in the same case proves that nothing reaches anyone it was not meant for.

const SHOTS = '/tmp/shots-msg';

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

async function rows(sql: string, args: string[]) {
	return (await app.db.execute({ sql, args })).rows;
}

/** A new person, on their own device, joins the open case with this role. */
async function joinCase(
	browser: Browser,
	caseId: string,
	name: string,
	role: string,
	supports = ''
) {
	const page = (await newDevice(await browser.newContext(), role !== 'Responsible party')).page;
	const traffic = recordTraffic(page);
	await joinAsNewPerson(page, await inviteLink(lead, role, supports || undefined), name);
	await confirmMember(lead, app, caseId, `${name} — ${role}`);
	return { page, traffic };
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

/** What a browser gets when it asks the API itself, with its own session. */
function getFrom(page: Page, path: string) {
	return page.evaluate(async (path) => {
		const r = await fetch(path);
		const json = r.headers.get('content-type')?.startsWith('application/json');
		return { status: r.status, body: json ? ((await r.json()) as unknown) : null };
	}, path);
}

test('a facilitator who joins later reads the conversation that was already there', async ({
	browser
}) => {
	test.setTimeout(150_000);
	const canary = `canary-${crypto.randomUUID()}`;
	const reply = `reply-${crypto.randomUUID()}`;
	const later = `later-${crypto.randomUUID()}`;
	const fileCanary = `file-${crypto.randomUUID()}`;
	const statement = {
		name: 'statement.txt',
		mimeType: 'text/plain',
		buffer: Buffer.from(`What happened, in my words.\n${fileCanary}\n`)
	};
	const { caseId, ref } = await openCase(lead, app.origin, 'Joined later case');
	const wren = await joinCase(browser, caseId, 'Wren', 'Survivor');
	const ash = await joinCase(browser, caseId, 'Ash', 'Responsible party');
	const wrenId = await userIdOf(app, caseId, 'survivor');
	const ashId = await userIdOf(app, caseId, 'responsible');

	// Before the second facilitator is even invited, Wren and Alder write, and Wren sends a file.
	await openThread(wren.page, caseId, wrenId);
	await write(wren.page, `I need ${canary}`, statement);
	await openThread(lead, caseId, wrenId);
	await expect(lead.getByRole('article', { name: 'Message from Wren' })).toContainText(canary);
	await write(lead, `Thank you for telling us. ${reply}`);
	await expect(lead.getByRole('article', { name: 'Message from You' })).toContainText(reply);

	// Birch is a facilitator of the program, invited to this case as co-facilitator.
	await lead.goto(`${app.origin}/admin`);
	await lead.getByRole('button', { name: 'Make an invitation link' }).click();
	const orgLink = await lead.getByLabel('Invitation link').inputValue();
	const birch = (await newDevice(await browser.newContext(), true)).page;
	const birchTraffic = recordTraffic(birch);
	await createAccount(birch, orgLink, 'Birch');
	await lead.goto(`${app.origin}/cases/${caseId}`);
	const link = await inviteLink(lead, 'Co-facilitator');
	await birch.goto(link);
	await birch.getByRole('button', { name: 'Join this case' }).click();
	await expect(birch).toHaveURL(`${app.origin}/cases/${caseId}`);
	const birchId = String(
		(
			await rows("SELECT user_id FROM case_members WHERE case_id = ? AND display_name = 'Birch'", [
				caseId
			])
		)[0]?.user_id
	);

	// Until a browser that can read them gives Birch a wrap, the messages are not Birch's.
	const unwrapped = async () =>
		Number(
			(
				await rows(
					`SELECT count(*) AS n FROM case_envelopes e WHERE e.case_id = ?
						AND e.kind = 'conversation' AND e.deleted = 0 AND NOT EXISTS (
							SELECT 1 FROM case_wraps w WHERE w.case_id = e.case_id
							AND w.object_id = e.object_id AND w.version = e.version AND w.reader_id = ?)`,
					[caseId, birchId]
				)
			)[0]?.n
		);
	expect(await unwrapped()).toBe(2);
	// The lead's browser signs Birch into the log, then wraps every message for them.
	await confirmMember(lead, app, caseId, 'Birch — Facilitator');
	await expect.poll(unwrapped).toBe(0);

	// Birch's list shows both earlier messages as new; the conversation opens in Birch's browser.
	await birch.goto(`${app.origin}/messages`);
	const withWren = birch
		.getByRole('region', { name: `Case ${ref}` })
		.getByRole('listitem')
		.filter({ hasText: 'With Wren (Survivor)' });
	await expect(withWren.getByText('New: 2', { exact: true })).toBeVisible();
	await withWren.getByRole('link', { name: 'With Wren (Survivor)' }).click();
	await expect(birch.getByRole('heading', { name: 'Conversation with Wren' })).toBeVisible();
	const fromWren = birch.getByRole('article', { name: 'Message from Wren' });
	await expect(fromWren).toContainText(`I need ${canary}`);
	await expect(fromWren).toContainText('statement.txt');
	await expect(
		birch.getByRole('article', { name: 'Message from Alder, facilitator' })
	).toContainText(reply);
	await expect(birch.getByText(/could not be opened/)).toHaveCount(0);
	const saved = await saveCopy(birch, fromWren);
	expect(saved.name).toBe('statement.txt');
	expect(sha256(saved.bytes)).toBe(sha256(statement.buffer));
	await write(birch, `Hello Wren, I am Birch. ${later}`);
	await expect(birch.getByRole('article', { name: 'Message from You' })).toContainText(later);
	await expectAccessible(birch);

	// Wren reads Birch's reply; Alder does too, and still reads everything from before.
	await openThread(wren.page, caseId, wrenId);
	await expect(
		wren.page.getByRole('article', { name: 'Message from Birch, facilitator' })
	).toContainText(later);
	await expect(wren.page.getByRole('article', { name: 'Message from You' })).toContainText(canary);
	await openThread(lead, caseId, wrenId);
	await expect(
		lead.getByRole('article', { name: 'Message from Birch, facilitator' })
	).toContainText(later);

	// Ash reads none of it: no way to the conversation, no envelopes, no file.
	await openThread(ash.page, caseId, ashId);
	await expect(
		ash.page.getByText('No messages yet. You can write whenever you are ready.')
	).toBeVisible();
	for (const s of [canary, reply, later]) {
		await expect(ash.page.locator('body')).not.toContainText(s);
	}
	expect((await ash.page.goto(`${app.origin}/cases/${caseId}/messages/${wrenId}`))?.status()).toBe(
		404
	);
	expect(await getFrom(ash.page, `/api/cases/${caseId}/envelopes?kind=conversation,relay`)).toEqual(
		{ status: 200, body: { envelopes: [] } }
	);
	const [file] = await rows('SELECT id FROM attachments WHERE case_id = ? AND owner_id = ?', [
		caseId,
		wrenId
	]);
	expect(file).toBeDefined();
	const chunk = `/api/cases/${caseId}/attachments/${String(file?.id)}/chunks/0`;
	expect((await getFrom(ash.page, chunk)).status).toBe(404);
	expect((await getFrom(birch, chunk)).status).toBe(200);

	expectNowhere(
		app,
		[canary, reply, later, fileCanary],
		[leadTraffic, wren.traffic, ash.traffic, birchTraffic]
	);
	await wren.page.context().close();
	await ash.page.context().close();
	await birch.context().close();
});

test('a survivor shares one of her messages with her supporter, who can speak for her', async ({
	browser
}) => {
	test.setTimeout(150_000);
	const shared = `shared-${crypto.randomUUID()}`;
	const kept = `kept-${crypto.randomUUID()}`;
	const fileCanary = `file-${crypto.randomUUID()}`;
	const letter = {
		name: 'letter.txt',
		mimeType: 'text/plain',
		buffer: Buffer.from(`To whom it may concern,\n${fileCanary}\n`)
	};
	const { caseId, ref } = await openCase(lead, app.origin, 'Supporter case');
	const wren = await joinCase(browser, caseId, 'Wren', 'Survivor');
	const sage = await joinCase(browser, caseId, 'Sage', 'Supporter', 'Wren (Survivor)');
	const ash = await joinCase(browser, caseId, 'Ash', 'Responsible party');
	await expect(lead.getByRole('listitem').filter({ hasText: 'Sage — Supporter' })).toContainText(
		'supports Wren'
	);
	const wrenId = await userIdOf(app, caseId, 'survivor');
	const sageId = await userIdOf(app, caseId, 'supporter');
	const ashId = await userIdOf(app, caseId, 'responsible');

	// Wren writes two messages; she shares only the first, with its file, with Sage.
	const survivor = wren.page;
	await openThread(survivor, caseId, wrenId);
	await write(survivor, `Sage may say this for me: ${shared}`, letter);
	await write(survivor, `Only for the facilitators: ${kept}`);
	const mine = survivor.getByRole('article', { name: 'Message from You' });
	const first = mine.filter({ hasText: shared });
	await expect(mine.filter({ hasText: kept })).toBeVisible();
	// Only someone who supports her is offered; the other party never is.
	await expect(first.getByText('Share with Ash…')).toHaveCount(0);
	await first.getByText('Share with Sage…').click();
	await expect(
		first.getByText(
			'Sage will be able to read this message (and its file), so they can speak for you. The facilitators see that you shared it.'
		)
	).toBeVisible();
	await expectAccessible(survivor);
	await phoneShot(survivor, SHOTS, 'survivor-share');
	const relays = () =>
		rows('SELECT from_id, to_id, proposed_by, status FROM relays WHERE case_id = ?', [caseId]);
	expect(await relays()).toEqual([]);
	await first.getByRole('button', { name: 'Share with Sage' }).click();
	await expect
		.poll(async () => (await relays()).map((r) => ({ ...r })))
		.toEqual([{ from_id: wrenId, to_id: sageId, proposed_by: null, status: 'approved' }]);
	// She is told it went, and is not offered the same share twice.
	await expect(first.getByText('Shared with Sage. They can read this message now.')).toBeVisible();
	await expect(first.getByText('Share with Sage…')).toHaveCount(0);
	await expect(first.getByRole('alert')).toHaveCount(0);

	// Sage finds it in their own conversation, marked as shared by Wren, with the file intact.
	await sage.page.goto(`${app.origin}/messages`);
	await sage.page.getByRole('link', { name: 'Your conversation with the facilitators' }).click();
	await expect(sage.page.getByRole('heading', { name: 'Write a message' })).toBeVisible();
	const passed = sage.page.getByRole('article', { name: 'Message from Wren' });
	await expect(passed).toHaveCount(1);
	await expect(passed).toContainText(`Sage may say this for me: ${shared}`);
	await expect(passed).toContainText('Shared with you by Wren.');
	await expect(passed).toContainText('letter.txt');
	await expect(sage.page.locator('body')).not.toContainText(kept);
	const copy = await saveCopy(sage.page, passed);
	expect(copy.name).toBe('letter.txt');
	expect(sha256(copy.bytes)).toBe(sha256(letter.buffer));
	await expectAccessible(sage.page);
	await phoneShot(sage.page, SHOTS, 'supporter-shared');
	// The rest of Wren's conversation stays hers.
	expect((await sage.page.goto(`${app.origin}/cases/${caseId}/messages/${wrenId}`))?.status()).toBe(
		404
	);
	expect(
		await getFrom(sage.page, `/api/cases/${caseId}/envelopes?kind=conversation&subject=${wrenId}`)
	).toEqual({ status: 200, body: { envelopes: [] } });

	// The facilitators see that it was shared, in Sage's conversation.
	await lead.goto(`${app.origin}/messages`);
	const withSage = lead
		.getByRole('region', { name: `Case ${ref}` })
		.getByRole('listitem')
		.filter({ hasText: 'With Sage (Supporter)' });
	await expect(withSage.getByText('New: 1', { exact: true })).toBeVisible();
	await withSage.getByRole('link', { name: 'With Sage (Supporter)' }).click();
	await expect(lead.getByRole('heading', { name: 'Conversation with Sage' })).toBeVisible();
	const seen = lead.getByRole('article', { name: 'Message from Wren' });
	await expect(seen).toContainText(shared);
	await expect(seen).toContainText('Wren shared this with Sage.');
	await expect(seen).toContainText('letter.txt');
	await expectAccessible(lead);

	// Ash sees none of it, by any way in.
	await openThread(ash.page, caseId, ashId);
	await expect(
		ash.page.getByText('No messages yet. You can write whenever you are ready.')
	).toBeVisible();
	await expect(ash.page.locator('body')).not.toContainText(shared);
	await expectAccessible(ash.page);
	for (const subject of [sageId, wrenId]) {
		const page = await ash.page.goto(`${app.origin}/cases/${caseId}/messages/${subject}`);
		expect(page?.status()).toBe(404);
	}
	for (const path of [
		`/api/cases/${caseId}/envelopes?kind=relay`,
		`/api/cases/${caseId}/envelopes?kind=conversation,relay&subject=${sageId}`
	]) {
		expect(await getFrom(ash.page, path)).toEqual({ status: 200, body: { envelopes: [] } });
	}
	expect(await getFrom(ash.page, `/api/cases/${caseId}/relays`)).toEqual({
		status: 200,
		body: { relays: [] }
	});
	const [copied] = await rows(
		`SELECT a.id FROM attachments a JOIN case_envelopes e ON e.case_id = a.case_id
			AND e.object_id = a.object_id WHERE a.case_id = ? AND e.kind = 'relay'`,
		[caseId]
	);
	expect(copied).toBeDefined();
	const chunk = `/api/cases/${caseId}/attachments/${String(copied?.id)}/chunks/0`;
	expect((await getFrom(ash.page, chunk)).status).toBe(404);
	expect((await getFrom(sage.page, chunk)).status).toBe(200);

	expectNowhere(
		app,
		[shared, kept, fileCanary],
		[leadTraffic, wren.traffic, sage.traffic, ash.traffic]
	);
	await survivor.context().close();
	await sage.page.context().close();
	await ash.page.context().close();
});
