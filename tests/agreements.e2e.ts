import { mkdirSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { startApp, type App } from './support/app';
import { expectAccessible } from './support/axe';
import { inviteLink, joinAsNewPerson, openCase } from './support/cases';
import { createAccount } from './support/flows';
import { newDevice } from './support/passkeys';
import { recordTraffic } from './support/traffic';
import { confirmMember, expectNowhere, phoneShot } from './support/journey';

// The accountability agreement, from draft to close: items approved one by one by the survivor,
// both parties signing in their own browsers (every signature checked in every browser), and a
// follow-up that tells the survivor no more than she chose. The words are sealed in the
// browser: canaries prove they never reach the server in the clear.

const SHOTS = '/tmp/shots-agreements';
const DAY = 24 * 60 * 60 * 1000;

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

async function accessible(page: Page) {
	await page.evaluate(() => window.scrollTo(0, 0));
	await expectAccessible(page);
}

async function rows(sql: string, ...args: string[]) {
	return (await app.db.execute({ sql, args })).rows;
}

/** A day some days ahead, as a date field wants it. */
const dayAhead = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

/** A case with a survivor (Wren, PRF) and a responsible party (Ash, no PRF), each in their own browser. */
async function caseWithParties(browser: Browser, title: string) {
	const { caseId } = await openCase(lead, app.origin, title);
	const wren = (await newDevice(await browser.newContext(), true)).page;
	const wrenTraffic = recordTraffic(wren);
	await joinAsNewPerson(wren, await inviteLink(lead, 'Survivor'), 'Wren');
	await lead.goto(`${app.origin}/cases/${caseId}`);
	const ash = (await newDevice(await browser.newContext(), false)).page;
	const ashTraffic = recordTraffic(ash);
	await joinAsNewPerson(ash, await inviteLink(lead, 'Responsible party'), 'Ash');
	await confirmMember(lead, app, caseId, 'Ash — Responsible party');
	return { caseId, wren, ash, traffic: [leadTraffic, wrenTraffic, ashTraffic] };
}

/** The facilitator fills in item `n` (1-based) of the draft. */
async function fillItem(
	page: Page,
	n: number,
	item: {
		kind: string;
		text: string;
		owner: string;
		date?: string;
		every?: string;
		count?: string;
		check?: string;
	}
) {
	const box = page.getByRole('group', { name: `Item ${n}`, exact: true });
	await box.getByLabel('Kind of item').selectOption({ label: item.kind });
	await box.getByLabel('What is agreed').fill(item.text);
	await box.getByLabel('Who does it').selectOption({ label: item.owner });
	if (item.date) await box.getByLabel(/^Due date/).fill(item.date);
	if (item.every) {
		await box.getByLabel('Repeats').selectOption({ label: item.every });
		await box.getByLabel('How many times in all').fill(item.count ?? '4');
	}
	if (item.check) await box.getByLabel('How it is checked').fill(item.check);
}

async function openAgreement(page: Page, caseId: string) {
	await page.goto(`${app.origin}/cases/${caseId}/agreement`);
	await expect(page.getByRole('heading', { name: 'Accountability agreement' })).toBeVisible();
}

/** A party's own choice on the agreement page, saved with its form's own button. */
async function choose(page: Page, option: string | RegExp, save: string) {
	await page.getByLabel(option).check();
	await page.getByRole('button', { name: save }).click();
	await expect(page.getByText('Your choice is saved.')).toBeVisible();
}

const item = (page: Page, kind: string) => page.getByRole('article', { name: kind });
const APOLOGY = 'Apology (letter or spoken)';
const COUNSELLING = 'Counselling or a program';
const BOUNDARY = 'Boundary (for example no contact, places to avoid)';

test('drafted, approved item by item, signed by both parties, followed up and closed', async ({
	browser
}) => {
	// Three people and many steps: about 23 s on CI, with room for a slower machine.
	test.setTimeout(120_000);
	const { caseId, wren, ash, traffic } = await caseWithParties(browser, 'Agreement journey');
	const canaries = ['CANARY-apology-7781', 'CANARY-intro-5531', 'CANARY-check-9012'];
	const checkInCanary = 'CANARY-checkin-4417';

	// Before anything is drafted the survivor chooses to sign, and to hear milestones only.
	await openAgreement(wren, caseId);
	await expect(wren.getByText('There is no agreement yet.', { exact: false })).toBeVisible();
	await choose(wren, 'My signature', 'Save how I approve');
	await choose(wren, 'Milestones only', 'Save what I hear');
	await accessible(wren);

	// The facilitator drafts three items.
	await openAgreement(lead, caseId);
	await expect(lead.getByText('There is no agreement yet. Draft it below.')).toBeVisible();
	await lead.getByLabel('What this agreement is for (optional)').fill(`Repair ${canaries[1]}`);
	await fillItem(lead, 1, {
		kind: APOLOGY,
		text: `A written apology ${canaries[0]}`,
		owner: 'Ash',
		date: dayAhead(10),
		check: `The facilitators read it first ${canaries[2]}`
	});
	await lead.getByRole('button', { name: 'Add an item' }).click();
	await fillItem(lead, 2, {
		kind: COUNSELLING,
		text: 'Weekly counselling sessions',
		owner: 'Ash',
		date: dayAhead(3),
		every: 'Every week',
		count: '4'
	});
	await lead.getByRole('button', { name: 'Add an item' }).click();
	await fillItem(lead, 3, { kind: BOUNDARY, text: 'No contact of any kind', owner: 'Ash' });
	await accessible(lead);
	await phoneShot(lead, SHOTS, 'facilitator-draft');
	await lead.getByRole('button', { name: 'Save version 1 and ask for approval' }).click();
	await expect(
		lead.getByRole('heading', { name: 'Version 1, waiting for approval' })
	).toBeVisible();
	for (const who of ['Ash', 'Wren']) {
		await expect(lead.getByText(`${who}: has not answered yet`)).toBeVisible();
	}
	expect(await rows('SELECT kind, due, repeat_every FROM agreement_items')).toHaveLength(3);

	// The responsible party can read it, but his yes waits for the survivor's yes to each item.
	await openAgreement(ash, caseId);
	await expect(ash.getByText(`A written apology ${canaries[0]}`)).toBeVisible();
	await expect(
		ash.getByText('You can sign once the survivor has approved every item.')
	).toBeVisible();

	// The survivor answers item by item, then signs in her own browser.
	await openAgreement(wren, caseId);
	await expect(wren.getByText(/Every week, 4 times/)).toBeVisible();
	const answers = wren.getByRole('region', { name: 'Your answer on each item' });
	for (const n of [1, 2, 3]) {
		await answers
			.getByRole('group', { name: new RegExp(`^Item ${n}:`) })
			.getByLabel('I approve this item')
			.check();
	}
	await answers.getByRole('button', { name: 'Send my answers' }).click();
	await expect(wren.getByText('Your answers were sent to the facilitators.')).toBeVisible();
	await accessible(wren);
	await phoneShot(wren, SHOTS, 'survivor-review');
	await wren.getByLabel('I have read version 1 and I understand what I am signing.').check();
	await wren.getByRole('button', { name: 'Sign version 1' }).click();
	await expect(wren.getByText('You signed version 1.')).toBeVisible();

	// The responsible party signs in his own browser; every browser checks both signatures.
	await openAgreement(ash, caseId);
	await expect(ash.getByText(/Signing is deliberately not deniable/)).toBeVisible();
	const sign = ash.getByRole('button', { name: 'Sign version 1' });
	await expect(sign).toBeDisabled();
	await ash.getByLabel('I have read version 1 and I understand what I am signing.').check();
	await sign.click();
	await expect(ash.getByText('You signed version 1.')).toBeVisible();
	await expect(ash.getByRole('heading', { name: 'Version 1, in force' })).toBeVisible();
	const [force] = await rows('SELECT in_force_at FROM agreement_versions WHERE version = 1');
	expect(Number(force?.in_force_at)).toBeGreaterThan(0);
	for (const page of [lead, wren]) {
		await openAgreement(page, caseId);
		for (const who of ['Ash', 'Wren']) {
			await expect(
				page.getByText(`${who}: signed (the signature was checked in this browser)`)
			).toBeVisible();
		}
	}

	// The responsible party posts check-ins on two of his items.
	await openAgreement(ash, caseId);
	for (const [kind, words] of [
		[APOLOGY, `I have written the letter ${checkInCanary}`],
		[COUNSELLING, 'First session done']
	] as const) {
		const card = item(ash, kind);
		await card.getByLabel('Your check-in on this item').fill(words);
		await card.getByRole('button', { name: 'Send the check-in' }).click();
		await expect(card.getByText('Your check-in was sent to the facilitators.')).toBeVisible();
	}
	await expect(
		item(ash, APOLOGY).getByText(`I have written the letter ${checkInCanary}`)
	).toBeVisible();
	await accessible(ash);
	await phoneShot(ash, SHOTS, 'party-follow-up');

	// The facilitator reads them, marks the apology done and checked and the boundary missed.
	await openAgreement(lead, caseId);
	await expect(
		item(lead, APOLOGY).getByText(`I have written the letter ${checkInCanary}`)
	).toBeVisible();
	for (const [kind, status] of [
		[APOLOGY, 'Done and checked'],
		[BOUNDARY, 'Missed']
	] as const) {
		const card = item(lead, kind);
		await card.getByLabel('Mark this item').selectOption({ label: status });
		await card.getByRole('button', { name: 'Save' }).click();
		await expect(card.getByRole('definition').filter({ hasText: status })).toBeVisible();
	}
	await expect.poll(async () => (await rows('SELECT status FROM item_statuses')).length).toBe(2);
	await accessible(lead);
	await phoneShot(lead, SHOTS, 'facilitator-follow-up');
	// The follow-up page, linked from the dashboard, shows the case's progress.
	await lead.goto(`${app.origin}/cases`);
	await lead.getByRole('link', { name: 'How the agreements in your cases are going' }).click();
	await expect(lead.getByText('1 of 3 items done')).toBeVisible();
	await expect(lead.getByText('Missed: 1')).toBeVisible();
	await accessible(lead);
	await phoneShot(lead, SHOTS, 'facilitator-follow-up-list');

	// The survivor chose milestones: the checked and the missed item, nothing else. No check-in.
	await wren.goto(`${app.origin}/home`);
	// A missed boundary comes first, as a safety update; the news counts the checked item too.
	await expect(
		wren.getByRole('link', {
			name: 'There is a safety update about the agreement (news about the agreement: 3)'
		})
	).toBeVisible();
	await openAgreement(wren, caseId);
	await expect(
		item(wren, APOLOGY).getByRole('definition').filter({ hasText: 'Done and checked' })
	).toBeVisible();
	await expect(
		item(wren, BOUNDARY).getByRole('definition').filter({ hasText: 'Missed' })
	).toBeVisible();
	await expect(item(wren, COUNSELLING)).toHaveCount(0);
	await expect(wren.getByText('First session done')).toHaveCount(0);
	await expect(wren.getByText(checkInCanary)).toHaveCount(0);
	await accessible(wren);
	await phoneShot(wren, SHOTS, 'survivor-milestones');

	// An amendment needs everyone's approval again; version 1 stays in force until then.
	await openAgreement(lead, caseId);
	await lead.getByRole('button', { name: 'Draft version 2' }).click();
	await lead
		.getByRole('group', { name: 'Item 2', exact: true })
		.getByLabel('What is agreed')
		.fill('Weekly counselling sessions, and a check-in call after each');
	await lead.getByRole('button', { name: 'Save version 2 and ask for approval' }).click();
	await expect(
		lead.getByRole('heading', { name: 'Version 2, waiting for approval' })
	).toBeVisible();
	await expect(lead.getByText('Counselling or a program: changed What is agreed.')).toBeVisible();
	await expect(
		lead.getByText('Version 1 stays in force until everyone asked has approved the new version.')
	).toBeVisible();
	await openAgreement(ash, caseId);
	await expect(
		ash.getByText('You can sign once the survivor has approved every item.')
	).toBeVisible();
	await openAgreement(wren, caseId);
	const again = wren.getByRole('region', { name: 'Your answer on each item' });
	for (const n of [1, 2, 3]) {
		await again
			.getByRole('group', { name: new RegExp(`^Item ${n}:`) })
			.getByLabel('I approve this item')
			.check();
	}
	await again.getByRole('button', { name: 'Send my answers' }).click();
	await expect(wren.getByText('Your answers were sent to the facilitators.')).toBeVisible();
	await wren.getByLabel('I have read version 2 and I understand what I am signing.').check();
	await wren.getByRole('button', { name: 'Sign version 2' }).click();
	await expect(wren.getByText('You signed version 2.')).toBeVisible();
	await openAgreement(ash, caseId);
	await ash.getByLabel('I have read version 2 and I understand what I am signing.').check();
	await ash.getByRole('button', { name: 'Sign version 2' }).click();
	await expect(ash.getByRole('heading', { name: 'Version 2, in force' })).toBeVisible();
	expect(
		await rows('SELECT version FROM agreement_versions WHERE in_force_at IS NOT NULL')
	).toHaveLength(2);

	// The facilitator closes the case with its outcome; everyone is told when it will be deleted.
	await lead.goto(`${app.origin}/cases/${caseId}`);
	await lead.getByText('Close the case', { exact: true }).first().click();
	await lead.getByLabel('Completed', { exact: true }).check();
	await lead.getByLabel(/I understand everything in this case will be deleted on/).check();
	await lead.getByRole('button', { name: 'Close the case' }).click();
	await expect(
		lead.getByText(/^Closed: Completed\. Everything in this case will be deleted on/)
	).toBeVisible();
	const [closed] = await rows('SELECT outcome, closed_at FROM cases WHERE id = ?', caseId);
	expect(closed?.outcome).toBe('completed');
	await wren.goto(`${app.origin}/cases/${caseId}`);
	await expect(
		wren.getByText(/This case is closed: Completed\. Everything in this case will be deleted on/)
	).toBeVisible();
	await accessible(wren);
	await phoneShot(wren, SHOTS, 'survivor-closed');

	expectNowhere(app, [...canaries, checkInCanary], traffic.slice(0, 2).concat([traffic[2]!]));
});

/** Every reader's browser says the version cannot be trusted, and why. */
async function expectTampered(pages: Page[], caseId: string, n: number, why: RegExp) {
	for (const page of pages) {
		await openAgreement(page, caseId);
		const alert = page.getByRole('alert').filter({ hasText: `Version ${n} cannot be trusted.` });
		await expect(alert).toBeVisible();
		await expect(alert).toContainText(why);
	}
}

test('a changed row in the database shows as tampered in every browser', async ({ browser }) => {
	const { caseId, wren, ash } = await caseWithParties(browser, 'Tampering');
	await openAgreement(lead, caseId);
	await fillItem(lead, 1, {
		kind: 'Restitution',
		text: 'Pay back the cost of the lock',
		owner: 'Ash',
		date: dayAhead(20)
	});
	await lead.getByRole('button', { name: 'Save version 1 and ask for approval' }).click();
	await expect(
		lead.getByRole('heading', { name: 'Version 1, waiting for approval' })
	).toBeVisible();
	const [agreement] = await rows('SELECT id FROM agreements WHERE case_id = ?', caseId);
	const id = String(agreement?.id);
	const everyone = [lead, wren, ash];

	// Each change is made, seen as tampered by all three, and undone.
	const variants: { sql: string; why: RegExp }[] = [
		{
			sql: `UPDATE case_envelopes SET body = 'A' || substr(body, 2) WHERE object_id = '${id}'`,
			why: /could not be opened as they were written/
		},
		{
			sql: `UPDATE agreement_items SET owner_id = (SELECT user_id FROM case_members WHERE case_id = '${caseId}' AND role = 'facilitator') WHERE agreement_id = '${id}'`,
			why: /do not match the words the facilitators sealed/
		},
		{
			sql: `UPDATE agreement_items SET due = due + ${DAY} WHERE agreement_id = '${id}'`,
			why: /do not match the words the facilitators sealed/
		},
		{
			sql: `UPDATE agreement_items SET kind = 'custom' WHERE agreement_id = '${id}'`,
			why: /do not match the words the facilitators sealed/
		}
	];
	for (const v of variants) {
		const before = await rows(
			`SELECT (SELECT body FROM case_envelopes WHERE object_id = ?) AS body, owner_id, due, kind FROM agreement_items WHERE agreement_id = ?`,
			id,
			id
		);
		await app.db.execute(v.sql);
		await expectTampered(everyone, caseId, 1, v.why);
		const b = before[0]!;
		await app.db.execute({
			sql: 'UPDATE case_envelopes SET body = ? WHERE object_id = ?',
			args: [String(b.body), id]
		});
		await app.db.execute({
			sql: 'UPDATE agreement_items SET owner_id = ?, due = ?, kind = ? WHERE agreement_id = ?',
			args: [String(b.owner_id), Number(b.due), String(b.kind), id]
		});
	}
	await openAgreement(wren, caseId);
	await expect(wren.getByRole('alert')).toHaveCount(0);

	// A swapped version: version 2's words served as version 1's and the other way round.
	await openAgreement(lead, caseId);
	await lead.getByRole('button', { name: 'Draft version 2' }).click();
	await lead
		.getByRole('group', { name: 'Item 1', exact: true })
		.getByLabel('What is agreed')
		.fill('Pay back the cost of the lock and the door');
	await lead.getByRole('button', { name: 'Save version 2 and ask for approval' }).click();
	await expect(
		lead.getByRole('heading', { name: 'Version 2, waiting for approval' })
	).toBeVisible();
	const env = await rows(
		'SELECT version, header, body FROM case_envelopes WHERE object_id = ? ORDER BY version',
		id
	);
	const put = (version: number, r: (typeof env)[number]) =>
		app.db.execute({
			sql: 'UPDATE case_envelopes SET header = ?, body = ? WHERE object_id = ? AND version = ?',
			args: [String(r.header), String(r.body), id, version]
		});
	await put(1, env[1]!);
	await put(2, env[0]!);
	await expectTampered([lead, wren], caseId, 1, /could not be opened as they were written/);
	await put(1, env[0]!);
	await put(2, env[1]!);

	// A signature changed after the fact no longer checks out anywhere.
	const answers = wren.getByRole('region', { name: 'Your answer on each item' });
	await openAgreement(wren, caseId);
	await answers.getByLabel('I approve this item').check();
	await answers.getByRole('button', { name: 'Send my answers' }).click();
	await expect(wren.getByText('Your answers were sent to the facilitators.')).toBeVisible();
	await openAgreement(ash, caseId);
	await ash.getByLabel('I have read version 2 and I understand what I am signing.').check();
	await ash.getByRole('button', { name: 'Sign version 2' }).click();
	await expect(ash.getByText('You signed version 2.')).toBeVisible();
	const [sig] = await rows(
		'SELECT signature FROM agreement_consents WHERE method = ?',
		'signature'
	);
	const s = String(sig?.signature);
	const flipped = (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
	await app.db.execute({
		sql: 'UPDATE agreement_consents SET signature = ? WHERE agreement_id = ?',
		args: [flipped, id]
	});
	await expectTampered(everyone, caseId, 2, /A signature on this version does not check out/);
	await expect(
		lead.getByText('Ash: a signature is on record, but it does not check out')
	).toBeVisible();
});
