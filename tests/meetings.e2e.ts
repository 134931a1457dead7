import { mkdirSync, readFileSync } from 'node:fs';
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import ICAL from 'ical.js';
import { countRows, startApp, type App } from './support/app';
import { expectAccessible } from './support/axe';
import { inviteLink, joinAsNewPerson, openCase } from './support/cases';
import { createAccount } from './support/flows';
import { newDevice } from './support/passkeys';
import { recordTraffic } from './support/traffic';
import { confirmMember, expectNowhere, phoneShot, userIdOf } from './support/journey';

// Scheduling that knows restorative practice: a poll answered by three people in three time
// zones, each seeing only their own answers; the survivor's consent before anything with both
// parties; staggered arrival; neutral calendar files; and news of a new time for everyone.
// A meeting's place, link and agenda are sealed in the browser: a canary proves they never
// reach the server in the clear, and nobody who is not invited can open them.

const SHOTS = '/tmp/shots-meetings';
const DAY = 24 * 60 * 60 * 1000;
const MINUTE = 60_000;

let app: App;
let lead: Page;
let leadTraffic: string[];

test.beforeAll(async ({ browser }) => {
	mkdirSync(SHOTS, { recursive: true });
	app = await startApp();
	lead = (await newDevice(await browser.newContext({ timezoneId: 'Europe/Berlin' }), true)).page;
	leadTraffic = recordTraffic(lead);
	await createAccount(lead, app.setupUrl, 'Alder', 'Desk');
});
test.afterAll(async () => {
	await app.stop();
});

/**
 * axe from the top of the page: scrolled, the sticky header covers part of a field, which axe
 * counts as a target too small to tap.
 */
async function accessible(page: Page) {
	await page.evaluate(() => window.scrollTo(0, 0));
	await expectAccessible(page);
}

async function person(browser: Browser, timezoneId: string, prf = true) {
	return (await newDevice(await browser.newContext({ timezoneId }), prf)).page;
}

async function rows(sql: string, ...args: string[]) {
	return (await app.db.execute({ sql, args })).rows;
}

/** The id of the case's one meeting. */
async function meetingOf(caseId: string) {
	const found = await rows('SELECT id FROM meetings WHERE case_id = ?', caseId);
	expect(found).toHaveLength(1);
	return String(found[0]?.id);
}

/**
 * A case with a survivor in New York (Wren) and, unless `party` is false, a responsible party in
 * Kolkata (Ash), each in their own browser and its own time zone; with `record`, their traffic
 * is kept to search.
 */
async function caseWithPeople(
	browser: Browser,
	title: string,
	{ party = true, record = false } = {}
) {
	const { caseId, ref } = await openCase(lead, app.origin, title);
	const survivor = await person(browser, 'America/New_York');
	const survivorTraffic = record ? recordTraffic(survivor) : [];
	await joinAsNewPerson(survivor, await inviteLink(lead, 'Survivor'), 'Wren');
	let ash: Page | null = null;
	let partyTraffic: string[] = [];
	if (party) {
		await lead.goto(`${app.origin}/cases/${caseId}`);
		ash = await person(browser, 'Asia/Kolkata', false);
		if (record) partyTraffic = recordTraffic(ash);
		await joinAsNewPerson(ash, await inviteLink(lead, 'Responsible party'), 'Ash');
		await confirmMember(lead, app, caseId, 'Ash — Responsible party');
	} else {
		await confirmMember(lead, app, caseId, 'Wren — Survivor');
	}
	return {
		caseId,
		ref,
		survivor,
		party: ash,
		traffic: [leadTraffic, survivorTraffic, ...(party ? [partyTraffic] : [])],
		wrenId: await userIdOf(app, caseId, 'survivor')
	};
}

/** The survivor says how she wants to take part: until then nothing with the other side. */
async function chooseMode(page: Page, caseId: string) {
	await page.goto(`${app.origin}/cases/${caseId}/input`);
	const mode = async () =>
		(
			await rows('SELECT mode FROM case_members WHERE case_id = ? AND role = ?', caseId, 'survivor')
		)[0]?.mode;
	// A tick made while the page is still starting can be undone as it starts: until it holds.
	await expect(async () => {
		await page.getByLabel('In the circle, in person or by video').check();
		await page.getByRole('button', { name: 'Save my choices' }).click();
		await expect(page.getByText('Your choices are saved.')).toBeVisible({ timeout: 2_000 });
		expect(await mode()).toBe('direct');
	}).toPass();
}

/** A date some days ahead, as a date field wants it. */
function dayAhead(days: number) {
	const d = new Date(Date.now() + days * DAY);
	return d.toISOString().slice(0, 10);
}

/**
 * The next `month`/`day` at least two days ahead, plus `plus` days: a fixed season, so offsets
 * are known whenever the test runs (and never more than about a year ahead).
 */
function nextDate(month: number, day: number, plus = 0) {
	let year = new Date().getUTCFullYear();
	if (Date.UTC(year, month - 1, day) < Date.now() + 2 * DAY) year += 1;
	return new Date(Date.UTC(year, month - 1, day + plus)).toISOString().slice(0, 10);
}
/** Mid-January: Berlin UTC+1, New York UTC-5, Kolkata UTC+5:30. */
const winterDay = (plus = 0) => nextDate(1, 12, plus);
/** 20 March: New York is already on summer time (UTC-4), Berlin not yet (UTC+1). */
const marchGap = () => nextDate(3, 20);

// An oracle for what a browser in `zone` should show, from Intl alone (the app's own helpers
// are not used to check themselves).
function offsetOf(ms: number, zone: string) {
	const name =
		new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
			.formatToParts(ms)
			.find((p) => p.type === 'timeZoneName')?.value ?? '';
	const m = /GMT([+-])(\d\d):(\d\d)/.exec(name);
	return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}
function offsetText(ms: number, zone: string) {
	const o = offsetOf(ms, zone);
	const abs = Math.abs(o);
	return `UTC${o < 0 ? '-' : '+'}${Math.floor(abs / 60)}${abs % 60 ? `:${abs % 60}` : ''}`;
}
/** The instant a wall-clock time in a zone stands for (no clock change near it). */
function utcOf(date: string, time: string, zone: string) {
	const naive = Date.parse(`${date}T${time}:00Z`);
	const guess = naive - offsetOf(naive, zone) * MINUTE;
	return naive - offsetOf(guess, zone) * MINUTE;
}
const clock = (ms: number, zone: string) =>
	new Intl.DateTimeFormat('en-GB', {
		timeZone: zone,
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).format(ms);
/** '27 November': the local day, as the pages write it (weekday and year around it). */
const dayMonth = (ms: number, zone: string) =>
	new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'long' }).format(ms);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/**
 * Chromium (like Node) names a few zones by their old IANA spelling: a browser set to Kolkata
 * says Asia/Calcutta.
 */
const SPELLED = { 'Asia/Kolkata': ['Asia/Kolkata', 'Asia/Calcutta'] } as Record<string, string[]>;
const zoneName = (zone: string) => `(?:${(SPELLED[zone] ?? [zone]).map(escape).join('|')})`;
/** 'Friday, 27 November 2026, 02:00–03:00 (Europe/Berlin, UTC+1)', as a pattern. */
function shownAs(startMs: number, endMs: number, zone: string) {
	const range = escape(`${clock(startMs, zone)}–${clock(endMs, zone)}`);
	const named = `\\(${zoneName(zone)}, ${escape(offsetText(startMs, zone))}\\)`;
	return new RegExp(`\\b${dayMonth(startMs, zone)}\\b.*, ${range} ${named}`);
}

async function openMeetings(page: Page, caseId: string) {
	await page.goto(`${app.origin}/cases/${caseId}/meetings`);
	await expect(page.getByRole('heading', { name: 'Meetings', level: 1 })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Scheduled meetings' })).toBeVisible();
}

/** "Schedule at once" on the facilitator's meetings page; returns the form. */
async function scheduleForm(page: Page) {
	const form = page.locator('form[action="?/schedule"]');
	if (!(await form.isVisible())) await page.getByText('Schedule at once').click();
	await expect(form).toBeVisible();
	return form;
}

/** Exactly these people and the lead: a form keeps its ticks after it was sent. */
async function invite(form: Locator, people: string[]) {
	const boxes = form.getByRole('checkbox');
	for (let i = 0; i < (await boxes.count()); i++) {
		const box = boxes.nth(i);
		const label = await box.evaluate((el) => el.closest('label')?.textContent?.trim() ?? '');
		await box.setChecked(people.includes(label) || label === 'Alder — Facilitator');
	}
}

async function fillSchedule(
	form: Locator,
	s: { kind: string; invite: string[]; date: string; start: string; end: string; zone?: string }
) {
	await form.getByLabel('Kind of meeting').selectOption({ label: s.kind });
	await invite(form, s.invite);
	await form.getByLabel('Date').fill(s.date);
	await form.getByLabel('Starts').fill(s.start);
	await form.getByLabel('Ends').fill(s.end);
	// The lead's own zone unless told: the form keeps the last one chosen.
	await form.getByLabel('Time zone').selectOption(s.zone ?? 'Europe/Berlin');
}

async function schedule(page: Page, s: Parameters<typeof fillSchedule>[1]) {
	const form = await scheduleForm(page);
	await fillSchedule(form, s);
	await send(form, 'Schedule the meeting', 'schedule');
	await expect(page.getByText('The meeting is scheduled.')).toBeVisible();
}

/** Sends a form with its button and waits for the action's answer (old words may still show). */
async function send(form: Locator, button: string, action: string) {
	const [response] = await Promise.all([
		form.page().waitForResponse((r) => r.url().endsWith(`?/${action}`)),
		form.getByRole('button', { name: button }).click()
	]);
	return response;
}

/** Sends a form that must be refused: a 400 from the action with these words, shown on the page. */
async function expectRefused(form: Locator, button: string, action: string, words: string) {
	const response = await send(form, button, action);
	const answer = (await response.json()) as { type: string; status: number; data: string };
	expect([answer.type, answer.status]).toEqual(['failure', 400]);
	expect(answer.data).toContain(words);
	await expect(form.page().getByText(words)).toBeVisible();
}

async function propose(
	page: Page,
	p: { kind: string; invite: string[]; minutes: string; slots: [string, string][] }
) {
	const form = page.locator('form[action="?/propose"]');
	await form.getByLabel('Kind of meeting').selectOption({ label: p.kind });
	await invite(form, p.invite);
	await form.getByLabel('Length in minutes').fill(p.minutes);
	for (const [i, [date, time]] of p.slots.entries()) {
		await form.getByLabel(`Date, time ${i + 1}`).fill(date);
		await form.getByLabel(`Start, time ${i + 1}`).fill(time);
	}
	return form;
}

/** The place, link and agenda fields, once this browser has opened the meeting's details. */
async function writeDetails(card: Locator, d: { place: string; link: string; agenda: string }) {
	await card.getByLabel('Place', { exact: true }).fill(d.place);
	await card.getByLabel('Video link', { exact: true }).fill(d.link);
	await card.getByLabel('Agenda and notes', { exact: true }).fill(d.agenda);
	await card.getByRole('button', { name: 'Save place, link and agenda' }).click();
	await expect(
		card.getByText('Saved, encrypted for the facilitators and the people invited.')
	).toBeVisible();
}

/** "Add to my calendar (.ics)": the file the browser made, as text and as a parsed event. */
async function downloadIcs(page: Page, card: Locator) {
	const [download] = await Promise.all([
		page.waitForEvent('download', { timeout: 10_000 }),
		card.getByRole('button', { name: 'Add to my calendar (.ics)' }).click()
	]);
	expect(download.suggestedFilename()).toBe('appointment.ics');
	const text = readFileSync(await download.path(), 'utf8');
	const calendar = new ICAL.Component(ICAL.parse(text));
	const event = calendar.getFirstSubcomponent('vevent');
	if (!event) throw new Error(`no VEVENT in\n${text}`);
	const time = (name: string) => {
		const t = event.getFirstPropertyValue(name) as ICAL.Time;
		expect(t.zone?.tzid, `${name} in UTC`).toBe('UTC');
		return t.toUnixTime() * 1000;
	};
	return {
		text,
		calendar,
		event,
		start: time('dtstart'),
		end: time('dtend'),
		get: (name: string) => event.getFirstPropertyValue(name) as string | null
	};
}

/** The home page's "waiting for you" item with exactly these words, as a link. */
async function waitingItem(page: Page, words: string | RegExp) {
	await page.goto(`${app.origin}/home`);
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	return page.getByRole('link', { name: words, exact: true });
}

test('a poll in three time zones, consent first, staggered times, neutral calendar files', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const { caseId, ref } = await openCase(lead, app.origin, 'Scheduling case');
	const survivor = await person(browser, 'America/New_York');
	await joinAsNewPerson(survivor, await inviteLink(lead, 'Survivor'), 'Wren');
	await lead.goto(`${app.origin}/cases/${caseId}`);
	const party = await person(browser, 'Asia/Kolkata', false);
	await joinAsNewPerson(party, await inviteLink(lead, 'Responsible party'), 'Ash');
	await confirmMember(lead, app, caseId, 'Ash — Responsible party');

	await openMeetings(lead, caseId);
	await lead.getByLabel('Kind of meeting').first().selectOption({ label: 'Circle' });
	const poll = lead.locator('form[action="?/propose"]');
	await poll.getByLabel('Wren — Survivor').check();
	await poll.getByLabel('Ash — Responsible party').check();
	await poll.getByLabel('Length in minutes').fill('90');
	await expect(poll.getByLabel('Time zone')).toHaveValue('Europe/Berlin');
	// Mid-January, whenever this runs: no clock changes, the offsets below hold.
	await poll.getByLabel('Date, time 1').fill(winterDay(0));
	await poll.getByLabel('Start, time 1').fill('18:00');
	await poll.getByLabel('Date, time 2').fill(winterDay(1));
	await poll.getByLabel('Start, time 2').fill('10:30');
	await poll.getByRole('button', { name: 'Propose these times' }).click();
	await expect(lead.getByText('Nothing with the responsible party can be scheduled')).toBeVisible();
	await accessible(lead);
	await phoneShot(lead, SHOTS, 'lead-plan');
	expect(await countRows(app.db, 'meeting_polls')).toBe(0);

	// She chooses to take part in person; the same times can now be proposed.
	await chooseMode(survivor, caseId);
	await poll.getByRole('button', { name: 'Propose these times' }).click();
	await expect(lead.getByText('The times are proposed.')).toBeVisible();
	const card = lead.getByRole('article', { name: 'Circle, 90 minutes' });
	await expect(card.getByText('Not answered yet: Wren, Ash')).toBeVisible();
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
	await accessible(survivor);
	await phoneShot(survivor, SHOTS, 'survivor-poll');
	await hers.getByRole('button', { name: 'Save my answers' }).click();
	await expect(hers.getByText('Your answers are saved.')).toBeVisible();

	await openMeetings(party, caseId);
	const his = party.getByRole('article', { name: 'Circle, 90 minutes' });
	// 17:00 UTC is 22:30 in Kolkata; 90 minutes later it is midnight there, the next day.
	await expect(
		his.getByText(
			/, 22:30 – \w+,? \d+ January \d{4}, 00:00 \(Asia\/(?:Kolkata|Calcutta), UTC\+5:30\)/
		)
	).toBeVisible();
	// He is never asked to agree for her, and sees nothing of her answers.
	await expect(his.getByText('Do you agree')).toHaveCount(0);
	await accessible(party);
	await phoneShot(party, SHOTS, 'party-poll');
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
	// Facilitators plan the time; once both parties answered, nobody is missing.
	await expect(card.getByText('Everyone has answered.')).toBeVisible();
	await expect(card.getByText('Yes: Wren')).toBeVisible();
	await expect(card.getByText('If need be: Ash')).toBeVisible();
	await card.getByRole('radio').first().check();
	await card.getByLabel('Wren (Survivor) arrives, minutes after the start').fill('15');
	await card.getByLabel('Ash (Responsible party) leaves, minutes before the end').fill('15');
	await accessible(lead);
	await phoneShot(lead, SHOTS, 'lead-pick');
	await card.getByRole('button', { name: 'Pick this time' }).click();
	await expect(lead.getByText('The meeting is scheduled.')).toBeVisible();
	const meeting = lead.getByRole('article', { name: 'Circle', exact: true });
	await expect(meeting.getByText(/18:00–19:30 \(Europe\/Berlin, UTC\+1\)/)).toBeVisible();
	await expect(meeting.getByText('Wren: arrives 15 minutes after the start')).toBeVisible();
	await expect(meeting.getByText('Ash: leaves 15 minutes before the end')).toBeVisible();
	await expect(meeting.getByText(' 0 minutes')).toHaveCount(0);

	// Each party is told only their own times, in their own zone.
	await openMeetings(survivor, caseId);
	const hersNow = survivor.getByRole('article', { name: 'Circle', exact: true });
	await expect(hersNow.getByText(/12:15–13:30 \(America\/New_York, UTC-5\)/)).toBeVisible();
	await openMeetings(party, caseId);
	const hisNow = party.getByRole('article', { name: 'Circle', exact: true });
	await expect(
		hisNow.getByText(/22:30–23:45 \(Asia\/(?:Kolkata|Calcutta), UTC\+5:30\)/)
	).toBeVisible();
	await expect(party.getByText('arrives')).toHaveCount(0);
	await accessible(party);
	await phoneShot(party, SHOTS, 'party-meeting');

	// The lead writes where and how; the calendar files below are made in each browser.
	const details = {
		place: 'Community hall, room 2',
		link: 'https://video.example/room-7',
		agenda: 'Opening round\nTalking piece'
	};
	await openMeetings(lead, caseId);
	await writeDetails(meeting, details);
	await accessible(lead);
	await phoneShot(lead, SHOTS, 'lead-meeting');
	// The org's name is set, so the files can be shown not to carry it.
	const orgName = 'Riverbend Restorative Practice';
	await app.db.execute({
		sql: `INSERT INTO settings (key, value) VALUES ('org.name', ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		args: [orgName]
	});

	// Her file by default: "Appointment" and her own (later) arrival, in UTC; nothing else.
	const meetingId = await meetingOf(caseId);
	const startUtc = Date.parse(`${winterDay(0)}T17:00:00Z`);
	await openMeetings(survivor, caseId);
	await expect(hersNow.getByText(details.place)).toBeVisible();
	await phoneShot(survivor, SHOTS, 'survivor-meeting');
	const neutral = await downloadIcs(survivor, hersNow);
	expect(neutral.get('summary')).toBe('Appointment');
	expect(neutral.start).toBe(startUtc + 15 * MINUTE);
	expect(neutral.end).toBe(startUtc + 90 * MINUTE);
	expect(neutral.text).toMatch(/^DTSTART:\d{8}T\d{6}Z\r$/m);
	expect(neutral.text).toMatch(/^DTEND:\d{8}T\d{6}Z\r$/m);
	for (const name of ['location', 'description', 'url']) {
		expect(neutral.event.hasProperty(name), name).toBe(false);
	}
	const prodid = String(neutral.calendar.getFirstPropertyValue('prodid'));
	expect(prodid).not.toMatch(/circle|keeper|riverbend|restorative/i);
	// Nothing in the file says what it is, whose, or which case; its UID is no id of ours.
	const uid = String(neutral.get('uid'));
	const rest = neutral.text.replace(/^UID:.*\r\n/m, '').toLowerCase();
	for (const word of [
		'Circle',
		'Riverbend',
		'Wren',
		'Ash',
		'Alder',
		ref,
		...Object.values(details)
	]) {
		expect(rest).not.toContain(word.slice(0, 9).toLowerCase());
	}
	for (const id of [caseId, meetingId]) {
		expect(neutral.text).not.toContain(id);
		expect(uid).not.toContain(id.slice(0, 8));
	}

	// Chosen: the kind, place, link and agenda come along, for the same calendar entry.
	await hersNow.getByLabel('Include the kind of meeting, place, link and agenda').check();
	const full = await downloadIcs(survivor, hersNow);
	expect(full.get('summary')).toBe('Circle');
	expect(full.get('location')).toBe(details.place);
	expect(full.get('description')).toContain(details.agenda);
	expect(full.get('description')).toContain(details.link);
	expect(full.get('url')).toBe(details.link);
	expect(full.get('uid')).toBe(neutral.get('uid'));
	expect([full.start, full.end]).toEqual([neutral.start, neutral.end]);

	// His file: his own times, leaving 15 minutes before the end; a UID unlike hers.
	const hisFile = await downloadIcs(party, hisNow);
	expect(hisFile.get('summary')).toBe('Appointment');
	expect([hisFile.start, hisFile.end]).toEqual([startUtc, startUtc + 75 * MINUTE]);
	expect(hisFile.get('uid')).not.toBe(neutral.get('uid'));
	await survivor.context().close();
	await party.context().close();
});

test('place, link and agenda are sealed for the people invited: nobody else, nothing in the clear', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const c = await caseWithPeople(browser, 'Sealed details case', { record: true });
	const survivor = c.survivor;
	const party = c.party as Page;
	const canary = `canary-${crypto.randomUUID()}`;
	const details = {
		place: `Quiet room ${canary}`,
		link: `https://video.example/${canary}`,
		agenda: `Agenda ${canary}\nSecond line`
	};

	// A preparation meeting with Wren only: Ash is in the case but not invited.
	await openMeetings(lead, c.caseId);
	await schedule(lead, {
		kind: 'Preparation meeting',
		invite: ['Wren — Survivor'],
		date: winterDay(2),
		start: '15:00',
		end: '16:00'
	});
	const card = lead.getByRole('article', { name: 'Preparation meeting' });
	await writeDetails(card, details);
	const meetingId = await meetingOf(c.caseId);

	// The lead's browser opens them again after a reload.
	await lead.reload();
	await expect(card.getByLabel('Place', { exact: true })).toHaveValue(details.place);
	await expect(card.getByLabel('Agenda and notes', { exact: true })).toHaveValue(details.agenda);

	// Wren, invited, sees them once her browser has opened them.
	await openMeetings(survivor, c.caseId);
	const hers = survivor.getByRole('article', { name: 'Preparation meeting' });
	await expect(hers.getByText(details.place)).toBeVisible();
	await expect(hers.getByText(details.link)).toBeVisible();
	await expect(hers.getByText(`Agenda ${canary}`)).toBeVisible();
	// She cannot change them: no fields, only the text.
	await expect(hers.getByLabel('Place', { exact: true })).toHaveCount(0);
	await accessible(survivor);

	// Ash is not invited: no meeting, no sealed copy for him, nothing on his page.
	await openMeetings(party, c.caseId);
	await expect(party.getByText('No meetings yet.')).toBeVisible();
	await expect(party.getByText(canary)).toHaveCount(0);
	expect(await party.content()).not.toContain(canary);
	const listed = async (page: Page) =>
		page.evaluate(
			async (url) => ((await (await fetch(url)).json()) as { envelopes: unknown[] }).envelopes,
			`/api/cases/${c.caseId}/envelopes?kind=meeting`
		);
	expect(await listed(party)).toEqual([]);
	expect(await listed(survivor)).toHaveLength(1);
	const readers = await rows(
		'SELECT reader_id FROM case_wraps WHERE object_id = ? ORDER BY reader_id',
		meetingId
	);
	const ashId = await userIdOf(app, c.caseId, 'responsible');
	const leadId = await userIdOf(app, c.caseId, 'facilitator');
	expect(new Set(readers.map((r) => String(r.reader_id)))).toEqual(new Set([leadId, c.wrenId]));
	expect(readers.map((r) => String(r.reader_id))).not.toContain(ashId);

	// Nothing of it in any browser's traffic, the server's output, or its files.
	expectNowhere(app, [canary], c.traffic);
	await survivor.context().close();
	await party.context().close();
});

test('a poll, a new meeting and a new time are news on each invitee’s home page; answers start afresh', async ({
	browser
}) => {
	test.setTimeout(150_000);
	const c = await caseWithPeople(browser, 'Moving case');
	const survivor = c.survivor;
	const party = c.party as Page;
	await chooseMode(survivor, c.caseId);
	const everyone = [survivor, party];

	await openMeetings(lead, c.caseId);
	const form = await propose(lead, {
		kind: 'Circle',
		invite: ['Wren — Survivor', 'Ash — Responsible party'],
		minutes: '60',
		slots: [[winterDay(3), '17:00']]
	});
	await form.getByRole('button', { name: 'Propose these times' }).click();
	await expect(lead.getByText('The times are proposed.')).toBeVisible();

	// The lead proposed them and has nothing to answer: no such to-do for them.
	await expect(await waitingItem(lead, /^Times to answer/)).toHaveCount(0);
	// Asked for times: waiting on each home page until they answer.
	const asked = 'Times to answer: the facilitators asked when you can meet (polls: 1)';
	for (const page of everyone) {
		const item = await waitingItem(page, asked);
		await expect(item).toBeVisible();
		await item.click();
		await expect(page).toHaveURL(`${app.origin}/cases/${c.caseId}/meetings`);
		const poll = page.getByRole('article', { name: 'Circle, 60 minutes' });
		await poll.getByRole('group').first().getByLabel('Yes').check();
		if (page === survivor) await poll.getByLabel('Yes, I agree to this meeting').check();
		await poll.getByRole('button', { name: 'Save my answers' }).click();
		await expect(poll.getByText('Your answers are saved.')).toBeVisible();
		await expect(await waitingItem(page, asked)).toHaveCount(0);
	}

	await openMeetings(lead, c.caseId);
	const pollCard = lead.getByRole('article', { name: 'Circle, 60 minutes' });
	await expect(pollCard.getByText('Yes: Wren, Ash')).toBeVisible();
	await pollCard.getByRole('radio').first().check();
	await pollCard.getByRole('button', { name: 'Pick this time' }).click();
	await expect(lead.getByText('The meeting is scheduled.')).toBeVisible();

	// A new meeting: news for each until they open the meetings page; there they say they come.
	for (const page of everyone) {
		const item = await waitingItem(page, 'New meetings for you: 1');
		await expect(item).toBeVisible();
		await item.click();
		const card = page.getByRole('article', { name: 'Circle', exact: true });
		await card.getByLabel('I will come').check();
		await card.getByRole('button', { name: 'Save my answer' }).click();
		await expect(card.getByText('Your answer is saved.')).toBeVisible();
		await expect(await waitingItem(page, 'New meetings for you: 1')).toHaveCount(0);
	}
	await openMeetings(lead, c.caseId);
	const meeting = lead.getByRole('article', { name: 'Circle', exact: true });
	await expect(meeting.getByText('Wren: I will come')).toBeVisible();
	await expect(meeting.getByText('Ash: I will come')).toBeVisible();

	// The lead moves it to the next morning, 10:00 in Berlin (09:00 UTC).
	await meeting.getByText('Move to another time').click();
	await meeting.getByLabel('Date', { exact: true }).fill(winterDay(4));
	await meeting.getByLabel('Starts', { exact: true }).fill('10:00');
	await meeting.getByLabel('Ends', { exact: true }).fill('11:00');
	await expect(meeting.getByLabel('Time zone')).toHaveValue('Europe/Berlin');
	await meeting.getByRole('button', { name: 'Move the meeting' }).click();
	await expect(
		meeting.getByText('The meeting has a new time. Everyone invited is told.')
	).toBeVisible();
	await expect(meeting.getByText(/10:00–11:00 \(Europe\/Berlin, UTC\+1\)/)).toBeVisible();
	await expect(meeting.getByText('Wren: Not answered')).toBeVisible();
	await expect(meeting.getByText('Ash: Not answered')).toBeVisible();
	await accessible(lead);

	// Each hears of the new time, sees it in their own zone, and answers again.
	const moved = 'A meeting has a new time (meetings moved: 1)';
	const seen = {
		survivor: /04:00–05:00 \(America\/New_York, UTC-5\)/,
		party: /14:30–15:30 \(Asia\/(?:Kolkata|Calcutta), UTC\+5:30\)/
	};
	for (const page of everyone) {
		const item = await waitingItem(page, moved);
		await expect(item).toBeVisible();
		if (page === survivor) {
			await accessible(page);
			await phoneShot(page, SHOTS, 'survivor-home-moved');
		}
		await item.click();
		const card = page.getByRole('article', { name: 'Circle', exact: true });
		await expect(card.getByText(page === survivor ? seen.survivor : seen.party)).toBeVisible();
		await expect(card.getByText('Planned in Europe/Berlin, UTC+1')).toBeVisible();
		for (const answer of ['I will come', "I can't come", 'I need to talk about it first']) {
			await expect(card.getByLabel(answer)).not.toBeChecked();
		}
		await expect(await waitingItem(page, moved)).toHaveCount(0);
	}
	const rsvps = await rows(
		`SELECT i.rsvp FROM meeting_invitees i JOIN meetings m ON m.id = i.meeting_id
			WHERE m.case_id = ?`,
		c.caseId
	);
	expect(rsvps.map((r) => r.rsvp)).toEqual(['pending', 'pending', 'pending']);
	await survivor.context().close();
	await party.context().close();
});

test('each sees a meeting in their own zone, also when only one side has changed its clocks', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const c = await caseWithPeople(browser, 'Time zones case');
	const survivor = c.survivor;
	const party = c.party as Page;
	await chooseMode(survivor, c.caseId);

	// 20 March: New York is on summer time, Berlin is not: five hours apart, not six.
	const date = marchGap();
	await openMeetings(lead, c.caseId);
	await schedule(lead, {
		kind: 'Preparation meeting',
		invite: ['Wren — Survivor'],
		date,
		start: '18:00',
		end: '19:00'
	});
	// Planned in New York by a lead in Berlin: 08:00 there is 13:00 in Berlin, 17:30 in Kolkata.
	await schedule(lead, {
		kind: 'Check-in',
		invite: ['Ash — Responsible party'],
		date,
		start: '08:00',
		end: '08:30',
		zone: 'America/New_York'
	});
	const day = Number(date.slice(8));
	const prep = lead.getByRole('article', { name: 'Preparation meeting' });
	await expect(prep.getByText(`, ${day} March`)).toBeVisible();
	await expect(prep.getByText(/, 18:00–19:00 \(Europe\/Berlin, UTC\+1\)$/)).toBeVisible();
	await expect(prep.getByText('Planned in')).toHaveCount(0);
	const checkIn = lead.getByRole('article', { name: 'Check-in' });
	await expect(checkIn.getByText(/, 13:00–13:30 \(Europe\/Berlin, UTC\+1\)$/)).toBeVisible();
	await expect(checkIn.getByText('Planned in America/New_York, UTC-4')).toBeVisible();

	await openMeetings(survivor, c.caseId);
	const hers = survivor.getByRole('article', { name: 'Preparation meeting' });
	await expect(
		hers.getByText(new RegExp(`\\b${day} March \\d{4}, 13:00–14:00 \\(America/New_York, UTC-4\\)$`))
	).toBeVisible();
	await expect(hers.getByText('Planned in Europe/Berlin, UTC+1')).toBeVisible();
	// Only her own meeting: the check-in with Ash is not hers to see.
	await expect(survivor.getByRole('article')).toHaveCount(1);

	await openMeetings(party, c.caseId);
	const his = party.getByRole('article', { name: 'Check-in' });
	await expect(
		his.getByText(
			new RegExp(`\\b${day} March \\d{4}, 17:30–18:00 \\(Asia/(?:Kolkata|Calcutta), UTC\\+5:30\\)$`)
		)
	).toBeVisible();
	await expect(his.getByText('Planned in America/New_York, UTC-4')).toBeVisible();
	await expect(party.getByRole('article')).toHaveCount(1);

	// Stored as the instant it is, with the zone it was planned in.
	const stored = await rows(
		'SELECT kind, starts_at, time_zone FROM meetings WHERE case_id = ? ORDER BY kind',
		c.caseId
	);
	expect(stored.map((r) => [r.kind, Number(r.starts_at), r.time_zone])).toEqual([
		['check-in', Date.parse(`${date}T12:00:00Z`), 'America/New_York'],
		['preparation', Date.parse(`${date}T17:00:00Z`), 'Europe/Berlin']
	]);
	await survivor.context().close();
	await party.context().close();
});

test('bad times, zones and people are refused in words, and nothing is written', async ({
	browser
}) => {
	test.setTimeout(150_000);
	const c = await caseWithPeople(browser, 'Refusals case', { party: false });
	const survivor = c.survivor;
	// Someone from another case, to smuggle into this one.
	await openCase(lead, app.origin, 'Elsewhere case');
	const outsider = await person(browser, 'Europe/London');
	await joinAsNewPerson(outsider, await inviteLink(lead, 'Community member'), 'Rowan');
	const outsiderId = String(
		(await rows(`SELECT user_id FROM case_members WHERE display_name = 'Rowan'`))[0]?.user_id
	);
	await outsider.context().close();

	const before = {
		meetings: await countRows(app.db, 'meetings'),
		polls: await countRows(app.db, 'meeting_polls'),
		answers: await countRows(app.db, 'poll_answers')
	};
	const nothingWritten = async () => {
		expect(await countRows(app.db, 'meetings')).toBe(before.meetings);
		expect(await countRows(app.db, 'meeting_polls')).toBe(before.polls);
		expect(await countRows(app.db, 'poll_answers')).toBe(before.answers);
	};
	const when = { kind: 'Preparation meeting', invite: ['Wren — Survivor'], date: dayAhead(3) };

	await openMeetings(lead, c.caseId);
	const form = await scheduleForm(lead);
	const refused = async (fields: Partial<Parameters<typeof fillSchedule>[1]>, words: string) => {
		await fillSchedule(form, { ...when, start: '10:00', end: '11:00', ...fields });
		await expectRefused(form, 'Schedule the meeting', 'schedule', words);
		await nothingWritten();
	};
	const endFirst = 'The end must be after the start. Check the times and try again.';
	const length = 'A meeting can last from 5 minutes to 12 hours';
	const past = 'That time has already passed. Choose a time still to come.';
	await refused({ start: '10:00', end: '09:00' }, endFirst);
	// A lapse of no time at all is not a meeting either.
	await refused({ start: '10:00', end: '10:00' }, endFirst);
	await refused({ start: '08:00', end: '21:00' }, length);
	await refused({ date: dayAhead(-1) }, past);

	// A zone the app does not know, added to the list in this browser.
	const zones = form.getByLabel('Time zone');
	await zones.evaluate((select: HTMLSelectElement) =>
		select.add(new Option('Mars/Base', 'Mars/Base'))
	);
	await refused(
		{ zone: 'Mars/Base' },
		'That time zone is not one this app knows. Choose one from the list.'
	);

	// Someone outside the case, under Wren's checkbox.
	await form
		.getByLabel('Wren — Survivor')
		.evaluate((box: HTMLInputElement, id) => (box.value = id), outsiderId);
	await refused(
		{},
		'Everyone invited must be taking part in this case now. Someone who paused or left cannot be invited.'
	);
	await expect(lead.getByRole('article', { name: 'Preparation meeting' })).toHaveCount(0);
	await accessible(lead);

	// Proposing times: one already gone, a length past 12 hours, an unknown zone.
	await lead.reload();
	const poll = await propose(lead, {
		...when,
		minutes: '60',
		slots: [
			[dayAhead(3), '10:00'],
			[dayAhead(-2), '10:00']
		]
	});
	const proposeNow = async (words: string) => {
		await expectRefused(poll, 'Propose these times', 'propose', words);
		await nothingWritten();
	};
	await proposeNow(past);
	await poll.getByLabel('Date, time 2').fill('');
	await poll.getByLabel('Start, time 2').fill('');
	// The field stops 720 in the browser; the server says so too if that is lifted.
	const minutes = poll.getByLabel('Length in minutes');
	await minutes.evaluate((input: HTMLInputElement) => input.removeAttribute('max'));
	await minutes.fill('780');
	await proposeNow(length);
	await minutes.fill('60');
	const pollZones = poll.getByLabel('Time zone');
	await pollZones.evaluate((select: HTMLSelectElement) =>
		select.add(new Option('Mars/Base', 'Mars/Base'))
	);
	await pollZones.selectOption('Mars/Base');
	await proposeNow('That time zone is not one this app knows. Choose one from the list.');
	await pollZones.selectOption('Europe/Berlin');

	// A good poll, then closed while Wren still has it open: her answers are refused.
	await poll.getByRole('button', { name: 'Propose these times' }).click();
	await expect(lead.getByText('The times are proposed.')).toBeVisible();
	expect(await countRows(app.db, 'meeting_polls')).toBe(before.polls + 1);
	await openMeetings(survivor, c.caseId);
	const hers = survivor.getByRole('article', { name: 'Preparation meeting, 60 minutes' });
	await hers.getByRole('group').first().getByLabel('Yes').check();
	await lead
		.getByRole('article', { name: 'Preparation meeting, 60 minutes' })
		.getByRole('button', { name: 'Close without a meeting' })
		.click();
	await expect(lead.getByText('The poll is closed.')).toBeVisible();
	await hers.getByRole('button', { name: 'Save my answers' }).click();
	await expect(
		hers.getByText('This poll is closed, so its answers can no longer change.')
	).toBeVisible();
	expect(await countRows(app.db, 'poll_answers')).toBe(before.answers);
	const asked = await rows(
		`SELECT i.answered_at FROM poll_invitees i JOIN meeting_polls p ON p.id = i.poll_id
			WHERE p.case_id = ? AND i.user_id = ?`,
		c.caseId,
		c.wrenId
	);
	expect(asked.map((r) => r.answered_at)).toEqual([null]);
	// Once she reloads, the closed poll is no longer asked of her.
	await survivor.reload();
	await expect(survivor.getByRole('heading', { name: 'Scheduled meetings' })).toBeVisible();
	await expect(hers).toHaveCount(0);
	await survivor.context().close();
});

test('someone who pauses is dropped from meetings still to come, and the facilitator is told', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const c = await caseWithPeople(browser, 'Pausing case', { party: false });
	const survivor = c.survivor;

	await openMeetings(lead, c.caseId);
	await schedule(lead, {
		kind: 'Preparation meeting',
		invite: ['Wren — Survivor'],
		date: winterDay(5),
		start: '11:00',
		end: '12:00'
	});
	const card = lead.getByRole('article', { name: 'Preparation meeting' });
	await expect(card.getByText('With Wren')).toBeVisible();
	await writeDetails(card, { place: 'Library', link: '', agenda: '' });
	const meetingId = await meetingOf(c.caseId);
	const wrapsFor = async (userId: string) =>
		(
			await rows(
				'SELECT 1 FROM case_wraps WHERE object_id = ? AND reader_id = ?',
				meetingId,
				userId
			)
		).length;
	expect(await wrapsFor(c.wrenId)).toBe(1);
	// And times asked of her for another.
	const poll = await propose(lead, {
		kind: 'Check-in',
		invite: ['Wren — Survivor'],
		minutes: '30',
		slots: [[winterDay(6), '09:00']]
	});
	await send(poll, 'Propose these times', 'propose');
	const pollCard = lead.getByRole('article', { name: 'Check-in, 30 minutes' });
	await expect(pollCard.getByText('With Alder, Wren')).toBeVisible();
	await openMeetings(survivor, c.caseId);
	await expect(survivor.getByText('Library')).toBeVisible();
	await expect(survivor.getByRole('article', { name: 'Check-in, 30 minutes' })).toBeVisible();

	// She pauses her part.
	await survivor.goto(`${app.origin}/cases/${c.caseId}`);
	await survivor.getByRole('button', { name: 'Pause my part' }).click();
	await expect(survivor.getByText('You have paused your part.')).toBeVisible();

	const dropped = 'Wren is no longer in meetings still to come: 1';
	const item = await waitingItem(lead, dropped);
	await expect(item).toBeVisible();
	await accessible(lead);
	await phoneShot(lead, SHOTS, 'lead-home-dropped');
	await item.click();
	await expect(lead.getByRole('heading', { name: 'Scheduled meetings' })).toBeVisible();
	await expect(card.getByText('Wren:')).toHaveCount(0);
	await expect(card.getByText(/^With/)).toHaveCount(0);
	await expect(pollCard.getByText('With Alder', { exact: true })).toBeVisible();
	await phoneShot(lead, SHOTS, 'lead-meeting-dropped');
	await expect(await waitingItem(lead, dropped)).toHaveCount(0);

	// Her invitation and her sealed copy of the place are gone; she sees no meeting.
	expect(
		await rows(
			'SELECT 1 FROM meeting_invitees WHERE meeting_id = ? AND user_id = ?',
			meetingId,
			c.wrenId
		)
	).toHaveLength(0);
	expect(await wrapsFor(c.wrenId)).toBe(0);
	expect(
		await rows(
			`SELECT 1 FROM poll_invitees i JOIN meeting_polls p ON p.id = i.poll_id
				WHERE p.case_id = ? AND i.user_id = ?`,
			c.caseId,
			c.wrenId
		)
	).toHaveLength(0);
	await survivor.goto(`${app.origin}/meetings`);
	await expect(survivor.getByRole('heading', { name: 'Still to come' })).toBeVisible();
	await expect(survivor.getByText('No meetings yet.')).toBeVisible();
	await survivor.context().close();
});

test('the overview: a facilitator’s week on the right local day; each participant only their own', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const c = await caseWithPeople(browser, 'Overview case');
	const survivor = c.survivor;
	const party = c.party as Page;
	await chooseMode(survivor, c.caseId);

	// 20:00 in New York is already the next day in Berlin (and in Kolkata).
	const date = dayAhead(2);
	await openMeetings(lead, c.caseId);
	await schedule(lead, {
		kind: 'Preparation meeting',
		invite: ['Wren — Survivor'],
		date,
		start: '20:00',
		end: '21:00',
		zone: 'America/New_York'
	});
	await schedule(lead, {
		kind: 'Check-in',
		invite: ['Ash — Responsible party'],
		date,
		start: '09:00',
		end: '09:45'
	});
	const hersAt = utcOf(date, '20:00', 'America/New_York');
	const hisAt = utcOf(date, '09:00', 'Europe/Berlin');
	const prepName = `Preparation meeting, case ${c.ref}`;
	const checkName = `Check-in, case ${c.ref}`;

	await lead.goto(`${app.origin}/meetings`);
	await expect(lead.getByRole('heading', { name: 'Week' })).toBeVisible();
	const dayOf = (ms: number) =>
		lead.getByRole('listitem').filter({
			has: lead.getByRole('heading', { name: new RegExp(`\\b${dayMonth(ms, 'Europe/Berlin')}$`) })
		});
	const berlinDay = dayOf(hersAt);
	await expect(berlinDay.getByRole('link', { name: prepName })).toBeVisible();
	await expect(
		berlinDay.getByText(shownAs(hersAt, hersAt + 60 * MINUTE, 'Europe/Berlin'))
	).toBeVisible();
	await expect(dayOf(hisAt).getByRole('link', { name: checkName })).toBeVisible();
	await expect(
		dayOf(hisAt).getByText(shownAs(hisAt, hisAt + 45 * MINUTE, 'Europe/Berlin'))
	).toBeVisible();
	// Her date in New York is not the day it falls on in Berlin.
	expect(dayMonth(hersAt, 'Europe/Berlin')).not.toBe(dayMonth(hersAt, 'America/New_York'));
	await expect(dayOf(hisAt).getByRole('link', { name: prepName })).toHaveCount(0);
	await accessible(lead);
	await phoneShot(lead, SHOTS, 'lead-overview');

	// Wren: no week, her one meeting, in New York time.
	await survivor.goto(`${app.origin}/meetings`);
	const upcoming = survivor.getByRole('region', { name: 'Still to come' });
	await expect(upcoming.getByRole('link', { name: prepName })).toBeVisible();
	await expect(survivor.getByRole('heading', { name: 'Week' })).toHaveCount(0);
	await expect(upcoming.getByRole('listitem')).toHaveCount(1);
	await expect(
		upcoming.getByText(shownAs(hersAt, hersAt + 60 * MINUTE, 'America/New_York'))
	).toBeVisible();
	await expect(upcoming.getByText('Planned in')).toHaveCount(0);
	await expect(upcoming.getByText('Your answer: Not answered')).toBeVisible();
	await accessible(survivor);
	await phoneShot(survivor, SHOTS, 'survivor-overview');

	// Ash: his check-in only, in Kolkata time, with the zone it was planned in.
	await party.goto(`${app.origin}/meetings`);
	const his = party.getByRole('region', { name: 'Still to come' });
	await expect(his.getByRole('listitem')).toHaveCount(1);
	await expect(his.getByRole('link', { name: checkName })).toBeVisible();
	await expect(his.getByText(shownAs(hisAt, hisAt + 45 * MINUTE, 'Asia/Kolkata'))).toBeVisible();
	await expect(
		his.getByText(`Planned in Europe/Berlin, ${offsetText(hisAt, 'Europe/Berlin')}`)
	).toBeVisible();
	await accessible(party);
	await phoneShot(party, SHOTS, 'party-overview');

	// Following the link opens the case's meetings page.
	await his.getByRole('link', { name: checkName }).click();
	await expect(party).toHaveURL(`${app.origin}/cases/${c.caseId}/meetings`);
	await expect(party.getByRole('article', { name: 'Check-in' })).toBeVisible();
	await survivor.context().close();
	await party.context().close();
});
