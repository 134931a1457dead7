import { mkdirSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { countRows, startApp, type App } from './support/app';
import { expectAccessible } from './support/axe';
import { inviteLink, joinAsNewPerson, openCase } from './support/cases';
import { createAccount } from './support/flows';
import { newDevice } from './support/passkeys';

// Scheduling that knows restorative practice: a poll answered by three people in three time
// zones, each seeing only their own answers; the survivor's consent before anything with both
// parties; staggered arrival; neutral calendar files; and news of a new time for everyone.

const SHOTS = '/tmp/shots-meetings';

let app: App;
let lead: Page;

test.beforeAll(async ({ browser }) => {
	mkdirSync(SHOTS, { recursive: true });
	app = await startApp();
	lead = (await newDevice(await browser.newContext({ timezoneId: 'Europe/Berlin' }), true)).page;
	await createAccount(lead, app.setupUrl, 'Alder', 'Desk');
});
test.afterAll(async () => {
	await app.stop();
});

async function phoneShot(page: Page, name: string) {
	await page.setViewportSize({ width: 390, height: 844 });
	await page.evaluate(() => window.scrollTo(0, 0));
	await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
	await page.setViewportSize({ width: 1280, height: 800 });
}

async function person(browser: Browser, timezoneId: string, prf = true) {
	return (await newDevice(await browser.newContext({ timezoneId }), prf)).page;
}

async function confirmMember(caseId: string, entry: string) {
	await lead.goto(`${app.origin}/cases/${caseId}`);
	await expect(lead.getByRole('listitem').filter({ hasText: entry })).toBeVisible();
	await expect.poll(() => countRows(app.db, 'case_pending')).toBe(0);
}

/** A date some days ahead, as a date field wants it. */
function dayAhead(days: number) {
	const d = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
	return d.toISOString().slice(0, 10);
}

async function openMeetings(page: Page, caseId: string) {
	await page.goto(`${app.origin}/cases/${caseId}/meetings`);
	await expect(page.getByRole('heading', { name: 'Meetings', level: 1 })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Scheduled meetings' })).toBeVisible();
}

test('a poll in three time zones, consent first, staggered times, neutral calendar files', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const { caseId } = await openCase(lead, app.origin, 'Scheduling case');
	const survivor = await person(browser, 'America/New_York');
	await joinAsNewPerson(survivor, await inviteLink(lead, 'Survivor'), 'Wren');
	await lead.goto(`${app.origin}/cases/${caseId}`);
	const party = await person(browser, 'Asia/Kolkata', false);
	await joinAsNewPerson(party, await inviteLink(lead, 'Responsible party'), 'Ash');
	await confirmMember(caseId, 'Ash — Responsible party');

	await openMeetings(lead, caseId);
	await lead.getByLabel('Kind of meeting').first().selectOption({ label: 'Circle' });
	const poll = lead.locator('form[action="?/propose"]');
	await poll.getByLabel('Wren — Survivor').check();
	await poll.getByLabel('Ash — Responsible party').check();
	await poll.getByLabel('Length in minutes').fill('90');
	await expect(poll.getByLabel('Time zone')).toHaveValue('Europe/Berlin');
	await poll.getByLabel('Date, time 1').fill(dayAhead(10));
	await poll.getByLabel('Start, time 1').fill('18:00');
	await poll.getByLabel('Date, time 2').fill(dayAhead(11));
	await poll.getByLabel('Start, time 2').fill('10:30');
	await poll.getByRole('button', { name: 'Propose these times' }).click();
	await expect(lead.getByText('Nothing with the responsible party can be scheduled')).toBeVisible();
	await expectAccessible(lead);
	await phoneShot(lead, 'lead-plan');
	expect(await countRows(app.db, 'meeting_polls')).toBe(0);

	// She chooses to take part in person; the same times can now be proposed.
	await survivor.goto(`${app.origin}/cases/${caseId}/input`);
	await survivor.getByLabel('In the circle, in person or by video').check();
	await survivor.getByRole('button', { name: 'Save my choices' }).click();
	await expect(survivor.getByText('Your choices are saved.')).toBeVisible();
	await poll.getByRole('button', { name: 'Propose these times' }).click();
	await expect(lead.getByText('The times are proposed.')).toBeVisible();
	const card = lead.getByRole('article', { name: 'Circle, 90 minutes' });
	await expect(card.getByText('Not answered yet: Alder, Wren, Ash')).toBeVisible();
	await expect(card.getByText('The survivor has not answered whether they agree')).toBeVisible();

	// Without her yes, no meeting with both parties can be made.
	await card.getByRole('radio').first().check();
	await card.getByRole('button', { name: 'Pick this time' }).click();
	await expect(card.getByText('The survivor has not agreed to this meeting')).toBeVisible();
	expect(await countRows(app.db, 'meetings')).toBe(0);

	// Each answers in their own zone: 18:00 in Berlin is 12:00 in New York, 22:30 in Kolkata.
	await openMeetings(survivor, caseId);
	const hers = survivor.getByRole('article', { name: 'Circle, 90 minutes' });
	await expect(hers.getByText(/12:00–13:30 \(America\/New_York, UTC-5\)/)).toBeVisible();
	await expect(hers.getByText('Planned in Europe/Berlin, UTC+1').first()).toBeVisible();
	const slots = hers.getByRole('group');
	await slots.nth(0).getByLabel('Yes').check();
	await slots.nth(1).getByLabel('No').check();
	await hers.getByLabel('Yes, I agree to this meeting').check();
	await expectAccessible(survivor);
	await phoneShot(survivor, 'survivor-poll');
	await hers.getByRole('button', { name: 'Save my answers' }).click();
	await expect(hers.getByText('Your answers are saved.')).toBeVisible();

	await openMeetings(party, caseId);
	const his = party.getByRole('article', { name: 'Circle, 90 minutes' });
	await expect(his.getByText(/22:30–00:00|22:30 –/).first()).toBeVisible();
	// He is never asked to agree for her, and sees nothing of her answers.
	await expect(his.getByText('Do you agree')).toHaveCount(0);
	await his.getByRole('group').nth(0).getByLabel('If need be').check();
	await his.getByRole('button', { name: 'Save my answers' }).click();
	await expect(his.getByText('Your answers are saved.')).toBeVisible();
	await party.reload();
	await expect(his.getByRole('group').nth(0).getByLabel('If need be')).toBeChecked();
	await expect(his.getByRole('group').nth(0).getByLabel('Yes')).not.toBeChecked();
	const hisData = await party.evaluate(
		async (url) => (await fetch(url)).text(),
		`/api/cases/${caseId}/meetings`
	);
	expect(hisData).not.toContain('"yes"');
	expect(hisData).not.toContain('jointConsent":"yes');

	// The facilitators see everyone's answers and her consent; they pick her yes, staggered.
	await openMeetings(lead, caseId);
	await expect(card.getByText('The survivor agreed to this meeting.')).toBeVisible();
	await expect(card.getByText('Not answered yet: Alder')).toBeVisible();
	await expect(card.getByText('Yes: Wren')).toBeVisible();
	await expect(card.getByText('If need be: Ash')).toBeVisible();
	await card.getByRole('radio').first().check();
	await card.getByLabel('Wren (Survivor) arrives, minutes after the start').fill('15');
	await card.getByLabel('Ash (Responsible party) leaves, minutes before the end').fill('15');
	await expectAccessible(lead);
	await phoneShot(lead, 'lead-pick');
	await card.getByRole('button', { name: 'Pick this time' }).click();
	await expect(lead.getByText('The meeting is scheduled.')).toBeVisible();
	const meeting = lead.getByRole('article', { name: 'Circle', exact: true });
	await expect(meeting.getByText(/18:00–19:30 \(Europe\/Berlin, UTC\+1\)/)).toBeVisible();
	await expect(meeting.getByText('Wren: arrives 15 minutes after the start')).toBeVisible();

	// Each party is told only their own times, in their own zone.
	await openMeetings(survivor, caseId);
	const hersNow = survivor.getByRole('article', { name: 'Circle', exact: true });
	await expect(hersNow.getByText(/12:15–13:30 \(America\/New_York, UTC-5\)/)).toBeVisible();
	await openMeetings(party, caseId);
	const hisNow = party.getByRole('article', { name: 'Circle', exact: true });
	await expect(hisNow.getByText(/22:30 .*23:45|22:30–23:45/)).toBeVisible();
	await expect(party.getByText('arrives')).toHaveCount(0);
	await phoneShot(survivor, 'survivor-meeting');
});
