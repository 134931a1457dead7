import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createClient } from '@libsql/client';
import { failedStart, startApp, type App } from './support/app';
import { expectAccessible } from './support/axe';
import { createAccount } from './support/flows';
import { phoneShot } from './support/journey';
import { newDevice } from './support/passkeys';

// Faults: two instances writing to one database file at once, `kill -9` in the middle of a
// burst of writes, and a database that cannot be opened at start or is held by another
// process while the app runs. Writes are notebook pages (PUT /api/me/envelopes/:id): an
// authenticated write whose body the server never opens, so well-formed stand-ins will do.

const SHOTS = '/tmp/shots-faults';

test.describe.configure({ mode: 'serial' });

let app: App;
let second: App | undefined;
let restarted: App | undefined;
let admin: Page;
/** Session cookies of the admin and the facilitator (sessions live in the database). */
const sessions: Record<'admin' | 'facilitator', string> = { admin: '', facilitator: '' };

test.beforeAll(async ({ browser }) => {
	mkdirSync(SHOTS, { recursive: true });
	app = await startApp();
	admin = (await newDevice(await browser.newContext())).page;
	await createAccount(admin, app.setupUrl, 'Alder');
	await admin.goto(`${app.origin}/admin`);
	await admin.getByRole('button', { name: 'Make an invitation link' }).click();
	const invite = await admin.getByLabel('Invitation link').inputValue();
	const facilitator = (await newDevice(await browser.newContext())).page;
	await createAccount(facilitator, invite, 'Birch');
	for (const [who, page] of [
		['admin', admin],
		['facilitator', facilitator]
	] as const) {
		const cookie = (await page.context().cookies()).find((c) => c.name === 'ck_session');
		sessions[who] = cookie?.value ?? '';
	}
	await facilitator.context().close();
});
test.afterAll(async () => {
	await restarted?.stop();
	await second?.stop();
	await app.stop();
});

/** A notebook page as the browser would send it; its body names it, so it can be checked. */
const page = (objectId: string, version = 1) => ({
	v: 1,
	kind: 'notebook',
	objectId,
	version,
	deleted: false,
	header: 'A'.repeat(100),
	body: `B${objectId}v${version}`,
	wrap: 'W'.repeat(100)
});

/** Saves a page on one instance: its status, or 0 when no answer came (the process died). */
async function save(target: App, who: keyof typeof sessions, objectId: string, version = 1) {
	try {
		const res = await fetch(`${target.origin}/api/me/envelopes/${objectId}`, {
			method: 'PUT',
			headers: {
				'Content-Type': 'application/json',
				Origin: target.origin,
				Cookie: `ck_session=${sessions[who]}`
			},
			body: JSON.stringify(page(objectId, version))
		});
		await res.arrayBuffer();
		return res.status;
	} catch {
		return 0;
	}
}

async function rows(db: App['db'], sql: string, ...args: string[]) {
	return (await db.execute({ sql, args })).rows;
}

/** Object id → version and body of every stored page whose id starts with `prefix`. */
async function stored(db: App['db'], prefix: string) {
	const found = await rows(
		db,
		"SELECT object_id, version, body FROM personal_envelopes WHERE kind = 'notebook' AND object_id LIKE ?",
		`${prefix}%`
	);
	return new Map(found.map((r) => [String(r.object_id), { v: Number(r.version), body: r.body }]));
}

test('two instances on one database file: every write is answered, none is lost', async () => {
	second = await startApp({}, { dbFile: app.dbPath, shareDb: true });
	const instances = [app, second];
	const who = ['admin', 'facilitator'] as const;
	const ids = Array.from({ length: 200 }, (_, i) => `burst-${i}`);

	// 200 new pages at once, alternating instances and people; then 200 second versions at
	// once, each on the other instance; and 20 first versions of one page racing each other.
	const created = await Promise.all(
		ids.map((id, i) => save(instances[i % 2]!, who[Math.floor(i / 2) % 2]!, id))
	);
	expect(created.filter((s) => s !== 200)).toEqual([]);
	const [updated, raced] = await Promise.all([
		Promise.all(
			ids.map((id, i) => save(instances[(i + 1) % 2]!, who[Math.floor(i / 2) % 2]!, id, 2))
		),
		Promise.all(Array.from({ length: 20 }, (_, i) => save(instances[i % 2]!, 'admin', 'race')))
	]);
	expect(updated.filter((s) => s !== 200)).toEqual([]);
	// One first version wins; the others are told it changed elsewhere, not a 5xx.
	expect(raced.filter((s) => s === 200)).toHaveLength(1);
	expect(raced.filter((s) => s !== 200).every((s) => s === 409)).toBe(true);

	const pages = await stored(app.db, 'burst-');
	expect(pages.size).toBe(200);
	for (const id of ids) expect(pages.get(id)).toEqual({ v: 2, body: `B${id}v2` });
	expect((await stored(app.db, 'race')).size).toBe(1);
	for (const instance of instances) {
		expect(instance.output()).not.toMatch(/SQLITE_BUSY|database unavailable|error [0-9a-f-]{36}/);
	}
	await second.stop();
	second = undefined;
});

test('kill -9 in the middle of a burst: the file is sound and every acknowledged write is there', async () => {
	const acknowledged: string[] = [];
	let attempted = 0;
	let next = 0;
	let killed: Promise<void> | undefined;
	// 16 writers keep 16 saves in flight until the process is gone.
	const writer = async () => {
		while (next < 1000) {
			const id = `kill-${next++}`;
			attempted++;
			const status = await save(app, 'facilitator', id);
			if (status === 0) return;
			expect(status).toBe(200);
			acknowledged.push(id);
			if (acknowledged.length === 150) killed = app.kill();
		}
	};
	await Promise.all(Array.from({ length: 16 }, writer));
	await killed;
	expect(killed).toBeDefined();
	expect(attempted).toBeGreaterThan(acknowledged.length);

	restarted = await startApp({ DATABASE_WAIT_SECONDS: '2' }, { dbFile: app.dbPath, shareDb: true });
	const check = await rows(restarted.db, 'PRAGMA integrity_check');
	expect(check.map((r) => r[0])).toEqual(['ok']);
	const pages = await stored(restarted.db, 'kill-');
	test.info().annotations.push({
		type: 'kill -9',
		description: `${attempted} saves sent, ${acknowledged.length} answered before the kill, ${pages.size} stored`
	});
	for (const id of acknowledged) expect(pages.get(id)).toEqual({ v: 1, body: `B${id}v1` });
	// Whatever else landed (answered or not when the process died) landed whole.
	for (const [id, p] of pages) expect(p).toEqual({ v: 1, body: `B${id}v1` });
	// The restarted app serves them to their owner with the same session.
	const listed = await fetch(`${restarted.origin}/api/me/envelopes?kind=notebook`, {
		headers: { Cookie: `ck_session=${sessions.facilitator}` }
	});
	expect(listed.status).toBe(200);
	const { envelopes } = (await listed.json()) as { envelopes: { objectId: string }[] };
	const served = new Set(envelopes.map((e) => e.objectId));
	expect(acknowledged.filter((id) => !served.has(id))).toEqual([]);
});

test('a database that cannot be opened: a non-zero exit at once, with one plain line', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'ck-faults-'));
	// Tests run as root: a folder without permissions would open anyway. A regular file where
	// a folder should be cannot be a folder for anyone.
	writeFileSync(join(dir, 'plain-file'), 'not a folder\n');
	writeFileSync(join(dir, 'notes.db'), 'Not a database, though it is named like one.\n'.repeat(50));
	const closedPort = await new Promise<number>((resolve) => {
		const s = createServer().listen(0, '127.0.0.1', () => {
			const address = s.address();
			s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
	// A libsql server that accepts connections and never answers (hung, or a firewall).
	const sockets: Socket[] = [];
	const silent = createServer((socket) => void sockets.push(socket));
	await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
	const silentPort = (silent.address() as { port: number }).port;
	try {
		const [underFile, notDb, serverDown, serverSilent] = await Promise.all([
			failedStart({ DATABASE_URL: `file:${join(dir, 'plain-file', 'circlekeeper.db')}` }),
			failedStart({ DATABASE_URL: `file:${join(dir, 'notes.db')}` }),
			failedStart({ DATABASE_URL: `http://127.0.0.1:${closedPort}` }),
			failedStart({
				DATABASE_URL: `http://127.0.0.1:${silentPort}`,
				DATABASE_AUTH_TOKEN: 'secret-token-value',
				DATABASE_WAIT_SECONDS: '2'
			})
		]);
		const line = (output: string) => {
			// One line for the operator: no stack trace, no token.
			const lines = output.trim().split('\n');
			expect(lines).toHaveLength(1);
			expect(output).not.toContain('secret-token-value');
			return lines[0];
		};
		for (const r of [underFile, notDb, serverDown, serverSilent]) {
			expect(r.code).toBe(1);
			expect(r.ms).toBeLessThan(15_000);
		}
		expect(line(underFile.output)).toMatch(
			/^Circlekeeper could not start: cannot open the database at file:\S+\/plain-file\/circlekeeper\.db \((EEXIST|ENOTDIR): .+\)\. Check DATABASE_URL\.$/
		);
		expect(line(notDb.output)).toMatch(
			/^Circlekeeper could not start: cannot open the database at file:\S+\/notes\.db \(.*file is not a database.*\)\. Check DATABASE_URL\.$/
		);
		expect(line(serverDown.output)).toMatch(
			new RegExp(
				`^Circlekeeper could not start: cannot open the database at http://127\\.0\\.0\\.1:${closedPort} \\(.*ECONNREFUSED.*\\)\\. Check DATABASE_URL\\.$`
			)
		);
		expect(line(serverSilent.output)).toMatch(
			/^Circlekeeper could not start: cannot open the database at http:\/\/127\.0\.0\.1:\d+ \(the database did not answer within 2 s\)\. Check DATABASE_URL\.$/
		);
	} finally {
		for (const socket of sockets) socket.destroy();
		silent.close();
		rmSync(dir, { recursive: true, force: true });
	}
});

test('a database held by another process: reads go on, changes get a 503 in plain words, then recover', async () => {
	const target = restarted!;
	const headers = (accept: string) => ({
		Origin: target.origin,
		Cookie: `ck_session=${sessions.admin}`,
		Accept: accept
	});
	const count = async (table: string) =>
		Number((await rows(target.db, `SELECT count(*) AS n FROM ${table}`))[0]?.n);
	await admin.goto(`${target.origin}/admin`);
	const linksBefore = await count('links');
	const limitsBefore = await count('rate_limits');

	// Another process (an operator's sqlite3 shell, a maintenance job) takes the write lock.
	const other = createClient({ url: `file:${target.dbPath}` });
	const held = await other.transaction('write');
	await held.execute('CREATE TABLE maintenance (note TEXT)');
	try {
		const started = Date.now();
		const saving = fetch(`${target.origin}/api/me/envelopes/held-page`, {
			method: 'PUT',
			headers: { ...headers('application/json'), 'Content-Type': 'application/json' },
			body: JSON.stringify(page('held-page'))
		});
		// A form posted without script: the page that comes back.
		const posting = fetch(`${target.origin}/admin?/invite`, {
			method: 'POST',
			headers: { ...headers('text/html'), 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'x=1',
			redirect: 'manual'
		});
		// A failure before any page runs: an invitation page and sign-in count attempts first.
		const joining = fetch(`${target.origin}/join/abcdefghijklmnopqrstuvwx`, {
			headers: { Accept: 'text/html' }
		});
		const signingIn = fetch(`${target.origin}/api/webauthn/signin/options`, {
			method: 'POST',
			headers: { Origin: target.origin, 'Content-Type': 'application/json' },
			body: '{}'
		});
		const answeredAt = saving.then(() => Date.now());
		// While those wait for the lock, the app answers pages that only read: its event loop is
		// not stuck inside the database driver.
		const read = await fetch(`${target.origin}/admin`, { headers: headers('text/html') });
		expect(read.status).toBe(200);
		const readAt = Date.now();
		expect(readAt).toBeLessThan(await answeredAt);

		const saved = await saving;
		expect(saved.status).toBe(503);
		expect(saved.headers.get('retry-after')).toMatch(/^\d+$/);
		expect(await saved.json()).toEqual({
			code: 'unavailable',
			message:
				'The service cannot reach its records just now, so nothing was changed. Please try again in a minute.'
		});
		// DATABASE_WAIT_SECONDS=2: the answer came after the wait, not a hang.
		const waited = Date.now() - started;
		expect(waited).toBeGreaterThanOrEqual(1900);
		expect(waited).toBeLessThan(6000);

		const posted = await posting;
		expect(posted.status).toBe(503);
		const html = await posted.text();
		expect(html).toContain('The service cannot reach its records just now');
		expect(html).not.toMatch(/Error 50\d|SQLITE|stack/i);

		const joined = await joining;
		expect(joined.status).toBe(503);
		expect(joined.headers.get('content-type')).toContain('text/html');
		const joinedHtml = await joined.text();
		expect(joinedHtml).toContain('<html lang="en">');
		expect(joinedHtml).toContain('The service cannot reach its records just now');
		const signedIn = await signingIn;
		expect(signedIn.status).toBe(503);
		expect((await signedIn.json()).code).toBe('unavailable');

		// In the browser: the invitation button shows the same words on the error page.
		const answered = admin.waitForResponse((r) => r.url().includes('?/invite'));
		await admin.getByRole('button', { name: 'Make an invitation link' }).click();
		expect((await answered).status()).toBe(503);
		await expect(admin.getByText('The service cannot reach its records just now')).toBeVisible();
		await expect(admin.getByRole('heading', { name: 'Something needs attention' })).toBeVisible();
		await expectAccessible(admin);
		await phoneShot(admin, SHOTS, 'database-held');

		// The page a hook answers with, when the failure came before any page ran.
		const visitor = await admin.context().newPage();
		const visit = await visitor.goto(`${target.origin}/join/abcdefghijklmnopqrstuvwx`);
		expect(visit?.status()).toBe(503);
		await expect(visitor.getByRole('heading', { name: 'Something needs attention' })).toBeVisible();
		await expectAccessible(visitor);
		await phoneShot(visitor, SHOTS, 'database-held-before-page');
		await visitor.screenshot({ path: `${SHOTS}/database-held-before-page-desktop.png` });
		await visitor.close();

		// Nothing half-written: no page, no link, no counted attempt.
		expect((await stored(target.db, 'held-page')).size).toBe(0);
		expect(await count('links')).toBe(linksBefore);
		expect(await count('rate_limits')).toBe(limitsBefore);
	} finally {
		await held.rollback();
		other.close();
	}
	// The log says what happened, without the request's data.
	expect(target.output()).toMatch(/database unavailable [0-9a-f-]{36}: \w+ \(SQLITE_BUSY\)/);
	expect(target.output()).not.toContain('held-page');

	// Let go of, it is all as before: the same save and the same button work.
	expect(await save(target, 'admin', 'held-page')).toBe(200);
	await admin.goto(`${target.origin}/admin`);
	await admin.getByRole('button', { name: 'Make an invitation link' }).click();
	await expect(admin.getByLabel('Invitation link')).toHaveValue(/^http/);
	expect(await count('links')).toBe(linksBefore + 1);
});
