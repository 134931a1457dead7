import { expect, test, type Page } from '@playwright/test';
import { startApp, countRows, type App } from './support/app';
import { newDevice } from './support/passkeys';
import { expectAccessible } from './support/axe';
import { createAccount } from './support/flows';

let app: App;
let admin: Page;
let facilitator: Page;

test.beforeAll(async ({ browser }) => {
	app = await startApp();
	admin = (await newDevice(await browser.newContext())).page;
	await createAccount(admin, app.setupUrl, 'Alder');
	await admin.goto(`${app.origin}/admin`);
	await admin.getByRole('button', { name: 'Make an invitation link' }).click();
	const invite = await admin.getByLabel(/Invitation link/).inputValue();
	facilitator = (await newDevice(await browser.newContext())).page;
	await createAccount(facilitator, invite, 'Birch');
});
test.afterAll(async () => {
	await app.stop();
});

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

async function screenshots(page: Page, name: string) {
	await page.setViewportSize(DESKTOP);
	await page.screenshot({ path: `test-results/${name}.png`, fullPage: true });
	await page.setViewportSize(PHONE);
	await page.screenshot({ path: `test-results/${name}-phone.png`, fullPage: true });
	await page.setViewportSize(DESKTOP);
}

/** Every template row as stored, to show that a refused save changed nothing. */
async function templateRows() {
	const result = await app.db.execute(
		'SELECT id, audience, name, content_note, questions, in_use, updated_at FROM form_templates ORDER BY id'
	);
	return JSON.stringify(result.rows);
}

async function idOf(name: string) {
	const result = await app.db.execute({
		sql: 'SELECT id FROM form_templates WHERE name = ?',
		args: [name]
	});
	return String(result.rows[0]?.id ?? '');
}

const enhanced = () => ({ origin: app.origin, 'x-sveltekit-action': 'true' });

test('the admin sees both defaults, edits one, and bad text is refused with words', async () => {
	await admin.setViewportSize(DESKTOP);
	await admin.goto(`${app.origin}/admin`);
	await admin.getByRole('link', { name: 'Manage form templates' }).click();
	await expect(admin.getByRole('heading', { name: 'Form templates', level: 1 })).toBeVisible();
	const survivors = admin.getByRole('list', { name: 'For survivors' });
	const responsible = admin.getByRole('list', { name: 'For responsible parties' });
	await expect(survivors.getByRole('listitem')).toHaveCount(1);
	await expect(survivors.getByRole('listitem')).toContainText('In use for new input');
	await expect(responsible.getByRole('link', { name: 'Your reflections' })).toBeVisible();
	await expect(responsible.getByRole('listitem')).toContainText('In use for new input');
	await expectAccessible(admin);
	await screenshots(admin, 'templates');

	await survivors.getByRole('link', { name: 'Your needs and wishes' }).click();
	await expect(admin.getByRole('heading', { name: 'Your needs and wishes' })).toBeVisible();
	await expect(admin).toHaveTitle('Notes · Form template');
	const safe = admin.getByRole('listitem').filter({ hasText: 'How safe do you feel right now?' });
	await expect(safe).toContainText('Scale from 1 to 5');
	await expect(safe).toContainText('1: Not safe at all');
	await expect(safe).toContainText('5: Completely safe');
	await expect(admin.getByRole('heading', { name: 'Who may read this', level: 3 })).toBeVisible();
	await expectAccessible(admin);
	await screenshots(admin, 'template-edit');

	// An edit shows in the preview.
	const source = admin.getByRole('textbox', { name: 'Questions' });
	await expect(source).toHaveCSS('font-family', /monospace/);
	const original = await source.inputValue();
	expect(original).toMatch(/^# Needs\nlong: What do you need right now\?\n/);
	await source.fill(original + 'short: What name would you like us to use?\n');
	await admin.getByRole('button', { name: 'Save changes' }).click();
	await expect(admin.getByText('Saved. The preview above shows')).toBeVisible();
	const added = admin.getByRole('listitem').filter({ hasText: 'What name would you like us' });
	await expect(added).toContainText('Short answer');

	// No questions: refused with words, the text kept, nothing written.
	const before = await templateRows();
	await source.fill('# Only a heading\n\n');
	await admin.getByRole('button', { name: 'Save changes' }).click();
	await expect(admin.getByText('A form needs at least one question.')).toBeVisible();
	await expect(source).toHaveValue('# Only a heading\n\n');
	await expect(source).toHaveAttribute('aria-invalid', 'true');
	expect(await templateRows()).toBe(before);

	// A line that is not a question: its number is named.
	const bad = 'long: First\nlong: Second\n\nThis line is not a question\n';
	await source.fill(bad);
	await admin.getByRole('button', { name: 'Save changes' }).click();
	await expect(admin.getByText('Line 4: start a question with long:')).toContainText(
		'That line reads: “This line is not a question”'
	);
	await expect(source).toHaveValue(bad);
	await expectAccessible(admin);
	await screenshots(admin, 'template-line-problem');
	expect(await templateRows()).toBe(before);
	await expect(added).toBeVisible();

	// Without script the same refusal comes back as a page, with the text kept.
	const plain = await admin.request.post(admin.url() + '?/save', {
		form: { audience: 'survivor', name: 'x', contentNote: 'y', source: 'nonsense' },
		headers: { origin: app.origin, accept: 'text/html' }
	});
	expect(plain.status()).toBe(400);
	expect(await plain.text()).toContain('Line 1: start a question');
	expect(await templateRows()).toBe(before);
});

test('another form is put in use; the one in use cannot be deleted', async () => {
	await admin.goto(`${app.origin}/admin/templates`);
	const name = admin.getByLabel('Name', { exact: true });
	const note = admin.getByLabel('Content note');
	const source = admin.getByRole('textbox', { name: 'Questions' });
	await admin.getByLabel('Who is this form for?').selectOption('survivor');
	await name.fill('Short check-in');
	await note.fill('A few questions about how you are. Every one is optional.');
	// A choice with one option is named by its line, and nothing typed is lost.
	await source.fill('scale: How are you today?\n- Low\n- Good\none: A call?\n- Yes\n');
	await admin.getByRole('button', { name: 'Save new form' }).click();
	await expect(admin.getByText('Line 4: this question needs at least two choices')).toBeVisible();
	await expect(name).toHaveValue('Short check-in');
	await expect(note).toHaveValue('A few questions about how you are. Every one is optional.');
	expect(await countRows(app.db, 'form_templates')).toBe(2);

	await source.fill('scale: How are you today?\n- Low\n- Good\none: A call?\n- Yes\n- Not now\n');
	await admin.getByRole('button', { name: 'Save new form' }).click();
	await expect(admin).toHaveURL(/\/admin\/templates\/[A-Za-z0-9_-]{22}\?created$/);
	await expect(admin.getByText('The form was saved.')).toBeVisible();
	await expect(admin.getByText('Not in use', { exact: true })).toBeVisible();
	const checkIn = admin.url().replace(/\?created$/, '');
	await expectAccessible(admin);
	await screenshots(admin, 'template-created');

	await admin.getByRole('button', { name: 'Use this one for new input' }).click();
	await expect(admin.getByText('This form is now in use for new input.')).toBeVisible();
	await expect(admin.getByText('In use for new input', { exact: true })).toBeVisible();
	const inUse = await app.db.execute(
		"SELECT name FROM form_templates WHERE audience = 'survivor' AND in_use = 1"
	);
	expect(inUse.rows.map((r) => r.name)).toEqual(['Short check-in']);

	// The one in use offers no delete, and a direct post is refused with 409.
	await expect(admin.getByText('so it cannot be deleted')).toBeVisible();
	await expect(admin.getByRole('button', { name: /Yes, delete/ })).toHaveCount(0);
	const refused = await admin.request.post(`${checkIn}?/delete`, {
		form: {},
		headers: enhanced()
	});
	expect(await refused.json()).toMatchObject({ type: 'failure', status: 409 });
	expect(await countRows(app.db, 'form_templates')).toBe(3);

	// The default it replaced is no longer in use, so it can go, after a confirm step.
	await admin.goto(`${app.origin}/admin/templates`);
	const survivors = admin.getByRole('list', { name: 'For survivors' });
	await expect(survivors.getByRole('listitem').first()).toContainText('Short check-in');
	await survivors.getByRole('link', { name: 'Your needs and wishes' }).click();
	await admin.getByText('Delete this form', { exact: true }).click();
	await admin.getByRole('button', { name: 'Yes, delete “Your needs and wishes”' }).click();
	await expect(admin).toHaveURL(`${app.origin}/admin/templates?deleted`);
	await expect(admin.getByText('The form was deleted.')).toBeVisible();
	await expect(survivors.getByRole('listitem')).toHaveCount(1);
	expect(await countRows(app.db, 'form_templates')).toBe(2);
	const audited = await app.db.execute(
		"SELECT action FROM audit_events WHERE action IN ('template.created', 'template.in_use', 'template.deleted') AND actor_id IS NOT NULL ORDER BY id"
	);
	expect(audited.rows.map((r) => r.action)).toEqual([
		'template.created',
		'template.in_use',
		'template.deleted'
	]);

	// Malformed and unknown ids are simply not found.
	for (const path of ['/admin/templates/not-an-id!', `/admin/templates/${'a'.repeat(22)}`]) {
		expect((await admin.goto(app.origin + path))?.status(), path).toBe(404);
	}
	await expectAccessible(admin);
});

test('a facilitator who is not an admin gets nowhere', async () => {
	const id = await idOf('Your reflections');
	const before = await templateRows();
	for (const path of ['/admin/templates', `/admin/templates/${id}`]) {
		const page = await facilitator.goto(app.origin + path);
		expect(page?.status(), path).toBe(403);
		await expect(facilitator.getByText('This page is not part of your role')).toBeVisible();
	}
	await expectAccessible(facilitator);

	const fields = {
		audience: 'responsible',
		name: 'Mine',
		contentNote: 'Mine',
		source: 'long: Mine?'
	};
	const posts: [string, Record<string, string>][] = [
		['/admin/templates?/create', fields],
		[`/admin/templates/${id}?/save`, fields],
		[`/admin/templates/${id}?/use`, {}],
		[`/admin/templates/${id}?/delete`, {}]
	];
	for (const [path, form] of posts) {
		const plain = await facilitator.request.post(app.origin + path, {
			form,
			headers: { origin: app.origin, accept: 'text/html' }
		});
		expect(plain.status(), path).toBe(403);
		// The enhanced form post, as the page's own script would send it.
		const result = await facilitator.evaluate(
			async ({ url, form, origin }) => {
				const body = new FormData();
				for (const [k, v] of Object.entries(form)) body.set(k, v);
				const res = await fetch(url, {
					method: 'POST',
					headers: { 'x-sveltekit-action': 'true', origin },
					body
				});
				return { status: res.status, body: await res.json() };
			},
			{ url: app.origin + path, form, origin: app.origin }
		);
		expect(result, path).toMatchObject({ status: 403, body: { type: 'error' } });
	}
	expect(await templateRows()).toBe(before);
});
