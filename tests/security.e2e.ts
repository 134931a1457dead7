import { expect, request, test } from '@playwright/test';
import { startApp, countRows, type App } from './support/app';
import { newDevice } from './support/passkeys';
import { createAccount, signOut } from './support/flows';

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

test('security headers and a strict CSP on every page', async () => {
	const api = await request.newContext();
	for (const path of ['/signin', '/setup/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '/nowhere']) {
		const res = await api.get(app.origin + path);
		const h = res.headers();
		expect(h['x-content-type-options']).toBe('nosniff');
		expect(h['referrer-policy']).toBe('no-referrer');
		expect(h['cross-origin-opener-policy']).toBe('same-origin');
		expect(h['cache-control']).toBe('no-store');
		const csp = h['content-security-policy'] ?? '';
		expect(csp).toContain("object-src 'none'");
		expect(csp).toContain("base-uri 'none'");
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("form-action 'self'");
		expect(csp).toMatch(/script-src 'self'/);
		expect(csp).not.toContain('unsafe-inline');
		expect(csp).not.toContain('unsafe-eval');
		expect(csp).not.toMatch(/https?:\/\//);
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
