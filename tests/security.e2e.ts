import { expect, request, test } from '@playwright/test';
import { startApp, countRows, type App } from './support/app';
import { newDevice } from './support/passkeys';
import { createAccount, signOut } from './support/flows';
import { applySeed, b64, makeSeed, type Person, type Seed } from './support/seed';
import { generateToken, hashToken, insertSession } from './support/sessions';
import { pages, pageServerRoutes } from './support/endpoints';

let app: App;
test.beforeAll(async () => {
	app = await startApp();
});
test.afterAll(async () => {
	await app.stop();
});

const json = (origin: string) => ({ 'Content-Type': 'application/json', Origin: origin });

async function snapshot() {
	const tables = ['users', 'passkeys', 'sessions', 'links', 'challenges', 'audit_events'];
	return Object.fromEntries(
		await Promise.all(tables.map(async (t) => [t, await countRows(app.db, t)]))
	);
}

/** The headers of every answer, and a CSP that lets no script run but ours. */
function expectSecurityHeaders(h: Record<string, string>, what: string) {
	expect(h['x-content-type-options'], what).toBe('nosniff');
	expect(h['referrer-policy'], what).toBe('same-origin');
	expect(h['cross-origin-opener-policy'], what).toBe('same-origin');
	expect(h['cross-origin-resource-policy'], what).toBe('same-origin');
	expect(h['permissions-policy'], what).toMatch(/camera=\(\)/);
	expect(h['cache-control'], what).toBe('no-store');
}

function expectStrictCsp(h: Record<string, string>, what: string) {
	const csp = h['content-security-policy'] ?? '';
	expect(csp, what).toContain("default-src 'self'");
	expect(csp, what).toContain("object-src 'none'");
	expect(csp, what).toContain("base-uri 'none'");
	expect(csp, what).toContain("frame-ancestors 'none'");
	expect(csp, what).toContain("form-action 'self'");
	expect(csp, what).toMatch(/script-src 'self'/);
	expect(csp, what).not.toContain('unsafe-inline');
	expect(csp, what).not.toContain('unsafe-eval');
	expect(csp, what).not.toMatch(/https?:\/\//);
	return csp;
}

/** Every script in a page is ours: loaded from this origin, or inline with the CSP's nonce. */
function expectOnlyOurScripts(html: string, csp: string, what: string) {
	const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
	const tags = [...html.matchAll(/<script\b[^>]*>/g)];
	for (const [tag] of tags) {
		const src = tag.match(/\ssrc="([^"]*)"/)?.[1];
		if (src !== undefined) expect(src, `${what}: ${tag}`).toMatch(/^\/(?!\/)/);
		else expect(tag, what).toContain(`nonce="${nonce}"`);
	}
	return tags.length;
}

test('security headers and a strict CSP on pages anyone can reach', async () => {
	const api = await request.newContext();
	for (const path of ['/signin', '/setup/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '/nowhere']) {
		const res = await api.get(app.origin + path);
		expectSecurityHeaders(res.headers(), path);
		expectOnlyOurScripts(await res.text(), expectStrictCsp(res.headers(), path), path);
	}
});

/**
 * Every page of the app (each `+page.svelte`, and each route whose `+page.server.ts` only sends
 * the browser on), as someone who may open it, with the seed's ids. A new page fails the test
 * below until it has a visit here.
 */
type Visit = { path: (s: Seed) => string; as: Person | 'signedOut'; status?: number };
const DEVICE_TOKEN = generateToken();
const NEWCOMER = { id: b64(22), cookie: '' };
const VISITS: Record<string, Visit> = {
	'/': { path: () => '/', as: 'survivor', status: 303 },
	'/account/data': { path: () => '/account/data', as: 'survivor' },
	'/account/data/print': { path: () => '/account/data/print', as: 'survivor' },
	'/account/delete': { path: () => '/account/delete', as: 'survivor' },
	'/account/deleted': { path: () => '/account/deleted', as: 'signedOut' },
	'/account/keys': { path: () => '/account/keys', as: 'survivor' },
	'/account/passkeys': { path: () => '/account/passkeys', as: 'survivor' },
	'/account/sessions': { path: () => '/account/sessions', as: 'survivor' },
	'/admin': { path: () => '/admin', as: 'admin' },
	'/admin/retention': { path: () => '/admin/retention', as: 'admin' },
	'/admin/templates': { path: () => '/admin/templates', as: 'admin' },
	'/admin/templates/[id]': {
		path: (s) => `/admin/templates/${s.rows.formTemplates[0]!.id}`,
		as: 'admin'
	},
	// The benchmarks' floor: served to anyone, so its headers matter as much as any page's.
	'/bench-bare': { path: () => '/bench-bare', as: 'signedOut' },
	'/cases': { path: () => '/cases', as: 'lead' },
	'/cases/follow-up': { path: () => '/cases/follow-up', as: 'lead' },
	'/cases/new': { path: () => '/cases/new', as: 'lead' },
	'/cases/[id]': { path: (s) => `/cases/${s.case1.id}`, as: 'lead' },
	'/cases/[id]/agreement': { path: (s) => `/cases/${s.case1.id}/agreement`, as: 'survivor' },
	'/cases/[id]/audit': { path: (s) => `/cases/${s.case1.id}/audit`, as: 'lead' },
	'/cases/[id]/input': { path: (s) => `/cases/${s.case1.id}/input`, as: 'survivor' },
	'/cases/[id]/meetings': { path: (s) => `/cases/${s.case1.id}/meetings`, as: 'supporter' },
	'/cases/[id]/messages': {
		path: (s) => `/cases/${s.case1.id}/messages`,
		as: 'survivor',
		status: 303
	},
	'/cases/[id]/messages/[person]': {
		path: (s) => `/cases/${s.case1.id}/messages/${s.people.survivor.id}`,
		as: 'survivor'
	},
	'/cases/[id]/preview': { path: (s) => `/cases/${s.case1.id}/preview`, as: 'survivor' },
	'/cases/[id]/summary': { path: (s) => `/cases/${s.case1.id}/summary`, as: 'survivor' },
	'/devices/add/[token]': { path: () => `/devices/add/${DEVICE_TOKEN}`, as: 'signedOut' },
	'/home': { path: () => '/home', as: 'community' },
	'/join/[token]': { path: (s) => `/join/${s.invite.token}`, as: 'signedOut' },
	// Someone signed in who has no keys yet (NEWCOMER, made below).
	'/keys/new': { path: () => '/keys/new', as: 'signedOut' },
	'/meetings': { path: () => '/meetings', as: 'responsible' },
	'/messages': { path: () => '/messages', as: 'lead' },
	'/notebook': { path: () => '/notebook', as: 'survivor' },
	'/people': { path: () => '/people', as: 'lead' },
	'/people/[id]': { path: (s) => `/people/${s.people.responsible.id}`, as: 'lead' },
	// The seed's organization is set up: any setup link is refused, on a page all the same.
	'/setup/[token]': { path: () => `/setup/${generateToken()}`, as: 'signedOut', status: 404 },
	'/signin': { path: () => '/signin', as: 'signedOut' },
	'/signout': { path: () => '/signout', as: 'survivor', status: 303 },
	'/unlock': { path: () => '/unlock', as: 'survivor' }
};

test('security headers and a strict CSP on every page of the app, opened by someone who may see it', async () => {
	const seeded = await startApp();
	try {
		const seed = makeSeed();
		await applySeed(seeded.db, seed);
		const now = Date.now();
		await seeded.db.execute({
			sql: `INSERT INTO links (id, token_hash, kind, created_by, user_id, created_at, expires_at)
				VALUES (?, ?, 'device', ?, ?, ?, ?)`,
			args: [
				b64(22),
				hashToken(DEVICE_TOKEN),
				seed.people.survivor.id,
				seed.people.survivor.id,
				now,
				now + 3_600_000
			]
		});
		await seeded.db.execute({
			sql: 'INSERT INTO users (id, display_name, created_at) VALUES (?, ?, ?)',
			args: [NEWCOMER.id, 'Newcomer', now]
		});
		NEWCOMER.cookie = await insertSession(seeded.db, NEWCOMER.id);

		const routes = [...new Set([...pages(), ...pageServerRoutes()])].sort();
		expect(
			routes.filter((r) => !VISITS[r]),
			'add a visit to VISITS in tests/security.e2e.ts'
		).toEqual([]);
		expect(Object.keys(VISITS).filter((r) => !routes.includes(r))).toEqual([]);

		const api = await request.newContext();
		for (const [route, visit] of Object.entries(VISITS)) {
			const path = visit.path(seed);
			const cookie =
				route === '/keys/new'
					? NEWCOMER.cookie
					: visit.as === 'signedOut'
						? undefined
						: seed.people[visit.as].cookie;
			const res = await api.get(seeded.origin + path, {
				headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) },
				maxRedirects: 0
			});
			const what = `${route} (${path}) as ${visit.as}`;
			expect(res.status(), what).toBe(visit.status ?? 200);
			expectSecurityHeaders(res.headers(), what);
			if (res.status() !== 200) continue;
			const csp = expectStrictCsp(res.headers(), what);
			// SvelteKit starts every page with an inline script: it carries the nonce.
			expect(expectOnlyOurScripts(await res.text(), csp, what), what).toBeGreaterThan(0);
			// The same load as data, for the app's own navigation.
			const data = await api.get(`${seeded.origin}${path}/__data.json`, {
				headers: cookie ? { cookie } : {}
			});
			expect(data.status(), `${what}: __data.json`).toBe(200);
			expectSecurityHeaders(data.headers(), `${what}: __data.json`);
		}
		expect(seeded.output()).not.toMatch(/^error /m);
	} finally {
		await seeded.stop();
	}
});

test('bad WebAuthn input, cross-origin posts and missing sessions get a 4xx and change nothing', async ({
	browser
}) => {
	const page = (await newDevice(await browser.newContext())).page;
	let registerBody = '';
	page.on('request', (r) => {
		if (r.url().endsWith('/api/webauthn/register/verify')) registerBody = r.postData() ?? '';
	});
	await createAccount(page, app.setupUrl, 'Dana');
	const api = await request.newContext();
	const before = await snapshot();

	// Malformed JSON and wrong shapes.
	for (const data of ['{not json', '{"challengeId": 5}', '[]']) {
		const res = await api.post(`${app.origin}/api/webauthn/signin/verify`, {
			headers: json(app.origin),
			data
		});
		expect(res.status()).toBe(400);
		expect((await res.json()).message).toMatch(/not in the form we expected/);
	}
	// A replayed registration: its challenge was used once already.
	const replay = await api.post(`${app.origin}/api/webauthn/register/verify`, {
		headers: json(app.origin),
		data: registerBody
	});
	expect(replay.status()).toBe(400);
	expect((await replay.json()).code).toBe('challenge_invalid');

	// A cross-origin POST to a JSON endpoint and to a form action.
	const crossJson = await api.post(`${app.origin}/api/webauthn/signin/options`, {
		headers: json('https://evil.example'),
		data: '{}'
	});
	expect(crossJson.status()).toBe(403);
	expect((await crossJson.json()).message).toMatch(/came from another site/);
	const crossForm = await api.post(`${app.origin}/admin?/invite`, {
		headers: { Origin: 'https://evil.example' },
		form: { x: '1' }
	});
	expect(crossForm.status()).toBe(403);

	// No session: a form action sends you to sign in, and makes nothing.
	const noSession = await api.post(`${app.origin}/admin?/invite`, {
		headers: { Origin: app.origin, Accept: 'text/html' },
		form: { x: '1' },
		maxRedirects: 0
	});
	expect(noSession.status()).toBe(303);
	expect(noSession.headers()['location']).toBe('/signin');
	// A used setup link cannot start another registration.
	const used = await api.post(`${app.origin}/api/webauthn/register/options`, {
		headers: json(app.origin),
		data: { kind: 'setup', token: app.setupUrl.split('/').pop(), displayName: 'Mallory' }
	});
	expect(used.status()).toBe(410);

	// A forged session cookie is just "signed out".
	const forged = await api.get(`${app.origin}/home`, {
		headers: { Cookie: 'ck_session=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
		maxRedirects: 0
	});
	expect(forged.status()).toBe(303);

	const after = await snapshot();
	// Sign-in options above were refused before making a challenge; nothing else changed.
	expect(after).toEqual(before);
	await signOut(page, app.origin);
});

test('the sign-in endpoints are rate limited, with Retry-After, and recover', async () => {
	const limited = await startApp({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '2' });
	try {
		const api = await request.newContext();
		const hit = () =>
			api.post(`${limited.origin}/api/webauthn/signin/options`, {
				headers: json(limited.origin),
				data: '{}'
			});
		for (let i = 0; i < 3; i++) expect((await hit()).status()).toBe(200);
		const refused = await hit();
		expect(refused.status()).toBe(429);
		expect(Number(refused.headers()['retry-after'])).toBeGreaterThan(0);
		expect((await refused.json()).message).toMatch(/many attempts/);
		// The address itself is never stored.
		const rows = await limited.db.execute('SELECT * FROM rate_limits');
		expect(JSON.stringify(rows.rows)).not.toMatch(/127\.0\.0\.1|::1/);
		await new Promise((r) => setTimeout(r, 2100));
		expect((await hit()).status()).toBe(200);
	} finally {
		await limited.stop();
	}
});

test('key and envelope endpoints: no session is a 401, bad shapes a 400, and nobody reaches another person’s keys', async ({
	browser
}) => {
	const api = await request.newContext();
	const wrap = { v: 1, kind: 'recovery', wrapId: 'x', salt: 'A'.repeat(43), box: 'A'.repeat(400) };
	const calls: [string, string, unknown][] = [
		['POST', '/api/keys', { keys: {}, recovery: wrap, passkey: null }],
		['GET', '/api/keys/recovery', undefined],
		['PUT', '/api/keys/recovery', { wrap }],
		['GET', '/api/keys/passkey?credential=abc', undefined],
		['PUT', '/api/keys/passkey', { wrap }],
		['GET', '/api/keys/session', undefined],
		['POST', '/api/keys/session', {}],
		['POST', '/api/keys/devices', {}],
		['POST', '/api/keys/devices/abc', {}],
		['DELETE', '/api/keys/devices/abc', undefined],
		['GET', '/api/me/envelopes?kind=notebook', undefined],
		['GET', '/api/me/envelopes/abc', undefined],
		['PUT', '/api/me/envelopes/abc', {}],
		['POST', '/api/devices/links', { handover: wrap }]
	];
	for (const [method, path, data] of calls) {
		const res = await api.fetch(app.origin + path, { method, headers: json(app.origin), data });
		expect(res.status(), `${method} ${path}`).toBe(401);
		expect((await res.json()).message).toBe('Please sign in first.');
	}

	// Two people, each signed in on their own device, on an app of their own.
	const own = await startApp();
	const ana = (await newDevice(await browser.newContext())).page;
	await createAccount(ana, own.setupUrl, 'Ana');
	await ana.goto(`${own.origin}/admin`);
	await ana.getByRole('button', { name: 'Make an invitation link' }).click();
	const invite = await ana.getByLabel('Invitation link').inputValue();
	const ezra = (await newDevice(await browser.newContext())).page;
	await createAccount(ezra, invite, 'Ezra');
	const asAna = await request.newContext({ storageState: await ana.context().storageState() });
	const asEzra = await request.newContext({ storageState: await ezra.context().storageState() });
	const call = (ctx: typeof api, method: string, path: string, data?: unknown) =>
		ctx.fetch(own.origin + path, { method, headers: json(own.origin), data });

	// Wrong shapes are 400s with plain words, and write nothing.
	const wrapsBefore = await countRows(own.db, 'key_wraps');
	for (const [method, path, data] of [
		['PUT', '/api/keys/recovery', { wrap: { ...wrap, salt: 'short' } }],
		['PUT', '/api/keys/passkey', { wrap: { ...wrap, kind: 'prf', box: '!!' } }],
		['PUT', '/api/me/envelopes/abc', { v: 2 }],
		['GET', '/api/me/envelopes?kind=secrets', undefined],
		['POST', '/api/devices/links', { handover: { ...wrap, kind: 'handover', v: 9 } }],
		['POST', '/api/keys', { keys: {}, recovery: wrap, passkey: null }]
	] as const) {
		const res = await call(asAna, method, path, data);
		expect(res.status(), `${method} ${path}`).toBe(400);
		expect((await res.json()).message).toMatch(/not in the form we expected/);
	}
	expect(await countRows(own.db, 'key_wraps')).toBe(wrapsBefore);
	// Keys cannot be published twice (a second identity would be a silent key change).
	const again = await call(asAna, 'POST', '/api/keys', {
		keys: { keyVersion: 1, boxPk: 'A'.repeat(43), signPk: 'A'.repeat(43) },
		recovery: wrap,
		passkey: null
	});
	expect(again.status()).toBe(409);

	// Ana's remembered device, passkey wrap and notebook page are hers alone.
	const { deviceId } = await (await call(asAna, 'POST', '/api/keys/devices')).json();
	expect((await call(asEzra, 'POST', `/api/keys/devices/${deviceId}`)).status()).toBe(404);
	await call(asEzra, 'DELETE', `/api/keys/devices/${deviceId}`);
	expect((await call(asAna, 'POST', `/api/keys/devices/${deviceId}`)).status()).toBe(200);
	const [anaPasskey] = (
		await own.db.execute(
			"SELECT wrap_id FROM key_wraps JOIN users ON users.id = key_wraps.user_id WHERE kind = 'prf' AND display_name = 'Ana'"
		)
	).rows;
	const credential = encodeURIComponent(String(anaPasskey?.wrap_id));
	expect((await call(asAna, 'GET', `/api/keys/passkey?credential=${credential}`)).status()).toBe(
		200
	);
	const theirs = await call(asEzra, 'GET', `/api/keys/passkey?credential=${credential}`);
	expect(theirs.status()).toBe(404);
	const page = {
		v: 1,
		kind: 'notebook',
		objectId: 'ana-page',
		version: 1,
		deleted: false,
		header: 'A'.repeat(100),
		body: 'A'.repeat(100),
		wrap: 'A'.repeat(100)
	};
	expect((await call(asAna, 'PUT', '/api/me/envelopes/ana-page', page)).status()).toBe(200);
	expect((await call(asEzra, 'GET', '/api/me/envelopes/ana-page')).status()).toBe(404);
	const list = await (await call(asEzra, 'GET', '/api/me/envelopes?kind=notebook')).json();
	expect(list.envelopes).toEqual([]);
	// The path names the object; a body for another object is refused.
	const mismatch = await call(asAna, 'PUT', '/api/me/envelopes/other', page);
	expect(mismatch.status()).toBe(400);
	await own.stop();
});
