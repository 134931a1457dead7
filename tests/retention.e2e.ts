import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, request, test, type Page } from '@playwright/test';
import { countRows, startApp, type App } from './support/app';
import { expectAccessible } from './support/axe';
import { createAccount } from './support/flows';
import { phoneShot } from './support/journey';
import { newDevice } from './support/passkeys';
import { insertSession } from './support/sessions';

const SHOTS = '/tmp/shots-retention';
const DAY = 86_400_000;
const run = promisify(execFile);

let app: App;
let admin: Page;
const temp: string[] = [];

test.beforeAll(async ({ browser }) => {
	mkdirSync(SHOTS, { recursive: true });
	app = await startApp();
	admin = (await newDevice(await browser.newContext())).page;
	await createAccount(admin, app.setupUrl, 'Alder');
});
test.afterAll(async () => {
	await app.stop();
	for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

/** The stored policy, to show that a refused or previewed change saved nothing. */
async function policyRows(db = app.db) {
	const result = await db.execute(
		"SELECT key, value FROM settings WHERE key LIKE 'retention.%' ORDER BY key"
	);
	return result.rows.map((r) => `${r.key}=${r.value}`);
}

/** Someone signed in without a passkey: a facilitator, or a participant (no org role). */
async function signedIn(orgRole: 'facilitator' | null) {
	const id = randomBytes(16).toString('base64url');
	await app.db.execute({
		sql: `INSERT INTO users (id, display_name, org_role, status, created_at)
			VALUES (?, ?, ?, 'active', ?)`,
		args: [id, orgRole ? 'Birch' : 'Cedar', orgRole, Date.now()]
	});
	return insertSession(app.db, id);
}

const field = (label: string) => admin.getByRole('spinbutton', { name: label });
const previewRow = (what: string) =>
	admin.getByRole('table', { name: 'Items the next purge would delete' }).getByRole('row', {
		name: what
	});

test('the admin previews a change, is told about values out of bounds, and saves', async () => {
	// An audit record from 20 days ago that belongs to no case: kept at 180 days, not at 7.
	await app.db.execute({
		sql: 'INSERT INTO audit_events (at, actor_id, action) VALUES (?, NULL, ?)',
		args: [Date.now() - 20 * DAY, 'org.updated']
	});
	await admin.goto(`${app.origin}/admin`);
	await admin.getByRole('link', { name: 'Retention and deletion' }).click();
	await expect(
		admin.getByRole('heading', { name: 'Retention and deletion', level: 1 })
	).toBeVisible();
	await expect(admin).toHaveTitle(/Retention and deletion/);

	const closed = field('Closed and withdrawn cases, in days');
	const audit = field('Audit records, in days');
	await expect(closed).toHaveValue('30');
	await expect(closed).toHaveAttribute('min', '0');
	await expect(closed).toHaveAttribute('max', '365');
	await expect(field('Unused invitation links, in days')).toHaveValue('7');
	await expect(field('Participant accounts with no case left, in days')).toHaveValue('30');
	await expect(audit).toHaveValue('180');
	await expect(audit).toHaveAccessibleDescription(/From 7 to 730 days/);
	// The fixed times, from the constants the purge uses and the server's session settings.
	const fixed = admin.getByRole('table', { name: 'What is deleted on its own, and when' });
	for (const [what, kept] of [
		['Passkey sign-in challenges', '5 minutes, and used once'],
		['Sessions', '60 minutes without activity, 12 hours at most'],
		['Counters of sign-in and invitation attempts', '24 hours'],
		['Remembered devices', '30 days unused'],
		['Files uploaded but never attached', '24 hours'],
		['Backups made with npm run backup', '30 days, the same as closed cases']
	] as const) {
		await expect(fixed.getByRole('row', { name: what })).toContainText(kept);
	}
	await expect(admin.getByText('Deleted rows are overwritten')).toBeVisible();
	await expect(previewRow('Audit records')).toContainText('0');
	await expectAccessible(admin);
	await phoneShot(admin, SHOTS, 'retention');
	expect(await policyRows()).toEqual([]);

	// Out of bounds, and not whole days: each field says what it takes; nothing is saved.
	await closed.fill('400');
	await audit.fill('7.5');
	await admin.getByRole('button', { name: 'Save' }).click();
	const closedWords =
		'Closed and withdrawn cases, in days: please give a whole number of days from 0 to 365.';
	const auditWords = 'Audit records, in days: please give a whole number of days from 7 to 730.';
	await expect(admin.getByText(closedWords)).toBeVisible();
	await expect(admin.getByText(auditWords)).toBeVisible();
	await expect(admin.getByText('Nothing was saved.')).toBeVisible();
	await expect(closed).toBeFocused();
	await expect(closed).toHaveAttribute('aria-invalid', 'true');
	await expect(closed).toHaveAccessibleDescription(new RegExp(closedWords.slice(0, 40)));
	await expect(closed).toHaveValue('400');
	await expect(audit).toHaveValue('7.5');
	await expectAccessible(admin);
	await phoneShot(admin, SHOTS, 'retention-refused');
	expect(await policyRows()).toEqual([]);

	// Without script the same words come back with a 400, and a preview is refused alike.
	const values = { closedCaseDays: '30', inviteDays: '0', orphanDays: '30', auditDays: '180' };
	for (const action of ['save', 'preview']) {
		const plain = await admin.request.post(`${app.origin}/admin/retention?/${action}`, {
			form: values,
			headers: { origin: app.origin, accept: 'text/html' }
		});
		expect(plain.status()).toBe(400);
		expect(await plain.text()).toContain(
			'Unused invitation links, in days: please give a whole number of days from 1 to 30.'
		);
	}
	expect(await policyRows()).toEqual([]);

	// A preview: next to the policy in force, nothing saved.
	await closed.fill('30');
	await audit.fill('7');
	await admin.getByRole('button', { name: 'Preview' }).click();
	await expect(admin.getByText('These values are not saved yet.')).toBeVisible();
	await expect(previewRow('Audit records').getByRole('cell')).toHaveText(['0', '1']);
	await expect(previewRow('Closed and withdrawn cases').getByRole('cell')).toHaveText(['0', '0']);
	await expect(admin.getByText(closedWords)).toBeHidden();
	await expect(audit).toHaveValue('7');
	await expectAccessible(admin);
	await phoneShot(admin, SHOTS, 'retention-preview');
	expect(await policyRows()).toEqual([]);

	// Saved: the purge runs at once under the new values and says what it deleted.
	await admin.getByRole('button', { name: 'Save' }).click();
	await expect(admin.getByText('Saved. The purge ran at once')).toContainText('audit records 1.');
	await admin.evaluate(() => window.scrollTo(0, 0));
	await admin.screenshot({ path: `${SHOTS}/retention-saved-desktop.png`, fullPage: true });
	expect(await policyRows()).toEqual([
		'retention.auditDays=7',
		'retention.closedCaseDays=30',
		'retention.inviteDays=7',
		'retention.orphanDays=30'
	]);
	const old = await app.db.execute({
		sql: 'SELECT count(*) AS n FROM audit_events WHERE at < ?',
		args: [Date.now() - 7 * DAY]
	});
	expect(Number(old.rows[0]?.n)).toBe(0);
	await admin.reload();
	await expect(audit).toHaveValue('7');
	await expect(previewRow('Audit records').getByRole('cell')).toHaveText(['0']);
	await expectAccessible(admin);
});

test('program statistics: a count below 5 is said as "fewer than 5", never as a number', async () => {
	// Counters as 28 purged cases leave them, each counted once per group.
	await app.db.batch([
		"INSERT INTO program_stats (key, count) VALUES ('outcome:completed', 20), ('outcome:partial', 8)",
		`INSERT INTO program_stats (key, count) VALUES
			('stage:follow-up', 15), ('stage:agreement', 9), ('stage:circle', 4)`,
		`INSERT INTO program_stats (key, count) VALUES ('length:under-1', 5), ('length:1-3', 6),
			('length:3-6', 7), ('length:6-12', 8), ('length:over-12', 2)`
	]);
	await admin.goto(`${app.origin}/admin/retention`);
	await expect(admin.getByText('Closed cases, deleted so far: 28')).toBeVisible();
	await expect(admin.getByText('Open cases now: fewer than 5')).toBeVisible();
	const cells = (name: string) => admin.getByRole('table', { name }).getByRole('cell');
	const fewer = 'fewer than 5';
	await expect(cells('By how they ended')).toHaveText(['20', '8', fewer, fewer]);
	await expect(cells('By the furthest stage reached')).toHaveText([fewer, fewer, fewer, '9', '15']);
	// One hidden cell could be worked out from the total, so the smallest shown is hidden too.
	await expect(cells('By how long they were open')).toHaveText([fewer, '6', '7', '8', fewer]);
	await expect(cells('Open cases by the stage they are in')).toHaveText(Array(6).fill(fewer));
	const shown = admin.locator('h2#statistics ~ table td');
	expect(await shown.count()).toBe(20);
	for (const text of await shown.allTextContents()) {
		expect(text === fewer || Number(text) >= 5, text).toBe(true);
	}
	await expectAccessible(admin);
	await phoneShot(admin, SHOTS, 'retention-statistics');
});

test('facilitators and participants cannot open the page or post its forms', async () => {
	const before = await policyRows();
	const audits = await countRows(app.db, 'audit_events');
	for (const cookie of [await signedIn('facilitator'), await signedIn(null)]) {
		const api = await request.newContext({ extraHTTPHeaders: { cookie } });
		const page = await api.get(`${app.origin}/admin/retention`);
		expect(page.status()).toBe(403);
		expect(await page.text()).not.toContain('Closed and withdrawn cases');
		const data = await api.get(`${app.origin}/admin/retention/__data.json`);
		expect(await data.text()).not.toContain('closedCaseDays');
		for (const action of ['save', 'preview']) {
			for (const enhanced of [false, true]) {
				const res = await api.post(`${app.origin}/admin/retention?/${action}`, {
					form: { closedCaseDays: '0', inviteDays: '1', orphanDays: '0', auditDays: '7' },
					headers: enhanced
						? { origin: app.origin, accept: 'application/json', 'x-sveltekit-action': 'true' }
						: { origin: app.origin, accept: 'text/html' }
				});
				expect(res.status(), `${action}${enhanced ? ' (enhanced)' : ''}`).toBe(403);
				expect(await res.text()).not.toContain('audit records');
			}
		}
		await api.dispose();
	}
	expect(await policyRows()).toEqual(before);
	expect(await countRows(app.db, 'audit_events')).toBe(audits);
});

test('the built tools: a backup restores into a working app, and the purge runs from cron', async () => {
	test.setTimeout(60_000);
	const dir = mkdtempSync(join(tmpdir(), 'ck-backups-'));
	temp.push(dir);
	const env = { ...process.env, DATABASE_URL: `file:${app.dbPath}`, BACKUP_DIR: dir };
	// Beside the running app, as cron would run it.
	const backup = await run(process.execPath, ['build/tools/backup.js'], { env });
	const files = readdirSync(dir);
	expect(files).toHaveLength(1);
	const [file = ''] = files;
	expect(file).toMatch(/^circlekeeper-\d{8}T\d{6}Z\.db$/);
	expect(backup.stdout).toContain(`Backup made: ${file}`);
	// The output says what it did without naming where backups live.
	expect(backup.stdout).not.toContain(dir);
	const made = await app.db.execute(
		"SELECT count(*) AS n FROM audit_events WHERE action = 'backup.made'"
	);
	expect(Number(made.rows[0]?.n)).toBe(1);

	// Refused on a libsql server, before connecting to it.
	const server = await run(process.execPath, ['build/tools/backup.js'], {
		env: { ...env, DATABASE_URL: 'libsql://db.example.invalid' }
	}).catch((e: { code: number; stderr: string }) => e);
	expect('code' in server && server.code).toBe(1);
	expect(server.stderr).toContain("use the libsql server's own backup tooling");

	// Restore: a copy of the backup as the database of a new app.
	const copy = join(dir, 'restored.db');
	copyFileSync(join(dir, file), copy);
	const restored = await startApp({}, { dbFile: copy });
	try {
		expect(restored.setupUrl).toBe('');
		expect(restored.output()).not.toContain('/setup/');
		const names = await restored.db.execute('SELECT display_name FROM users ORDER BY created_at');
		expect(names.rows.map((r) => r.display_name)).toContain('Alder');
		expect(await countRows(restored.db, 'passkeys')).toBe(await countRows(app.db, 'passkeys'));
		expect(await policyRows(restored.db)).toContain('retention.auditDays=7');
		const home = await fetch(restored.origin + '/');
		expect(home.ok).toBe(true);
		const signin = await fetch(restored.origin + '/signin');
		expect(await signin.text()).toContain('Sign in with a passkey');

		// The purge, once, against the restored app's database while it serves.
		const purge = await run(process.execPath, ['build/tools/purge.js'], {
			env: { ...process.env, DATABASE_URL: `file:${restored.dbPath}` }
		});
		expect(purge.stdout).toMatch(
			/^Purge done: deleted \d+ closed cases, \d+ accounts, \d+ unused invitations, \d+ audit events; WAL checkpointed\.\n$/
		);
	} finally {
		await restored.stop();
	}
	expect(existsSync(copy)).toBe(true);
});
