import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { expect, request, test, type Page } from '@playwright/test';
import { countRows, startApp, type App } from './support/app';
import { applySeed, b64, describeChanges, fingerprint, makeSeed, type Seed } from './support/seed';
import { SESSION_COOKIE } from './support/sessions';
import { newDevice } from './support/passkeys';
import { createAccount, signIn, signOut } from './support/flows';

/**
 * Requests no browser of ours would send: bodies over the limit, bodies a form action cannot
 * read, forged, truncated and old session cookies, a replayed passkey assertion, and a burst
 * of sign-in attempts. Each is refused with a 4xx and plain words, changes nothing, and is
 * never logged as the server's own error.
 */

/** adapter-node's default `BODY_SIZE_LIMIT` (the app does not change it). */
const BODY_LIMIT = 512 * 1024;

let app: App;
let seed: Seed;
test.beforeAll(async () => {
	app = await startApp();
	seed = makeSeed();
	await applySeed(app.db, seed);
});
test.afterAll(async () => {
	if (test.info().status !== 'passed') console.log(app.output());
	await app.stop();
});

type Raw = { status: number; headers: IncomingHttpHeaders; text: string };

/**
 * Declares `total` bytes of body (a Content-Length, or chunked) and sends only as much as the
 * server needs to refuse it (with a Content-Length over the limit: none; chunked: just over
 * the limit), then waits for the answer. Sending the rest into a refusal only races the
 * server closing the connection.
 */
function sendBig(
	path: string,
	{
		method = 'POST',
		headers = {},
		total,
		chunked = false
	}: { method?: string; headers?: Record<string, string>; total: number; chunked?: boolean }
): Promise<Raw> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(app.origin + path, {
			method,
			agent: false,
			headers: {
				origin: app.origin,
				...headers,
				...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(total) })
			}
		});
		const timer = setTimeout(() => reject(new Error(`no answer to ${method} ${path}`)), 15_000);
		req.on('response', (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				clearTimeout(timer);
				resolve({
					status: res.statusCode ?? 0,
					headers: res.headers,
					text: Buffer.concat(chunks).toString()
				});
				req.destroy();
			});
		});
		req.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		const upTo = Math.min(total, chunked ? BODY_LIMIT + 1024 : 0);
		for (let sent = 0; sent < upTo; sent += 16 * 1024) {
			req.write(Buffer.alloc(Math.min(16 * 1024, upTo - sent), 'a'));
		}
		req.flushHeaders();
	});
}

const loggedErrors = () => app.output().match(/^error [0-9a-f-]{36}:.*$/gm) ?? [];

/** Runs `fn` and checks it changed no row and logged no error. */
async function unchanged(fn: () => Promise<void>) {
	const before = await fingerprint(app.db);
	const errors = loggedErrors().length;
	await fn();
	expect(describeChanges(before, await fingerprint(app.db))).toEqual([]);
	expect(loggedErrors().slice(errors)).toEqual([]);
}

test('a body over the limit is a 413 with plain words, for JSON, forms and uploads, and changes nothing', async () => {
	const { survivor, lead } = seed.people;
	const c1 = seed.case1.id;
	const json = (cookie: string) => ({ cookie, 'content-type': 'application/json' });
	const tooLarge = /too long to store/;
	await unchanged(async () => {
		// JSON endpoints: with a Content-Length over the limit, and sent chunked without one.
		for (const chunked of [false, true]) {
			for (const [path, cookie, method] of [
				[`/api/me/envelopes/${b64(22)}`, survivor.cookie, 'PUT'],
				[`/api/cases/${c1}/meetings`, lead.cookie, 'POST'],
				[`/api/cases/${c1}/envelopes/notes`, lead.cookie, 'PUT']
			] as const) {
				const res = await sendBig(path, {
					method,
					headers: json(cookie),
					total: BODY_LIMIT + 1,
					chunked
				});
				expect(res.status, `${method} ${path} chunked=${chunked}`).toBe(413);
				expect(JSON.parse(res.text)).toMatchObject({ code: 'too_large' });
				expect(JSON.parse(res.text).message).toMatch(tooLarge);
			}
		}
		// A sealed chunk of a file: raw bytes.
		const chunk = await sendBig(`/api/cases/${c1}/attachments/${seed.upload.id}/chunks/0`, {
			method: 'PUT',
			headers: { cookie: survivor.cookie, 'content-type': 'application/octet-stream' },
			total: 2 * BODY_LIMIT
		});
		expect(chunk.status).toBe(413);
		expect(JSON.parse(chunk.text).code).toBe('too_large');
		// Form actions, posted by script (`use:enhance`) and as a plain form.
		for (const enhanced of [true, false]) {
			const res = await sendBig(`/cases/${c1}/meetings?/schedule`, {
				headers: {
					cookie: lead.cookie,
					'content-type': 'application/x-www-form-urlencoded',
					accept: enhanced ? 'application/json' : 'text/html',
					...(enhanced ? { 'x-sveltekit-action': 'true' } : {})
				},
				total: BODY_LIMIT + 1
			});
			expect(res.status, `enhanced=${enhanced}`).toBe(413);
			// An error page replaces the form, so the words do not claim the text is still there.
			expect(res.text).toMatch(/too large to accept, so nothing was saved/);
			expect(res.text).not.toMatch(/still on this page/);
			expect(res.text).not.toMatch(/went wrong on our side/);
		}
		// Signed out, nobody reads the body at all: the answer is about the session.
		const signedOut = await sendBig(`/api/cases/${c1}/meetings`, {
			headers: { 'content-type': 'application/json' },
			total: 4 * BODY_LIMIT
		});
		expect(signedOut.status).toBe(401);
	});
});

test("within the server's limit, the app's own limits: a sealed text over 256 KB is a 413, a notebook page a 400", async () => {
	const { lead, survivor } = seed.people;
	const api = await request.newContext();
	await unchanged(async () => {
		const notes = await api.put(`${app.origin}/api/cases/${seed.case1.id}/envelopes/notes`, {
			headers: { cookie: lead.cookie, origin: app.origin },
			data: {
				v: 1,
				kind: 'facilitator-notes',
				objectId: 'notes',
				version: 2,
				subject: null,
				deleted: false,
				header: b64(320),
				// 270 KB of ciphertext (as base64url), within the server's 512 KB.
				body: b64(360 * 1024),
				wraps: [{ reader: lead.id, wrapper: lead.id, box: b64(150) }],
				attachment: null
			}
		});
		expect(notes.status()).toBe(413);
		expect((await notes.json()).code).toBe('too_large');
		const page = await api.put(`${app.origin}/api/me/envelopes/page-1`, {
			headers: { cookie: survivor.cookie, origin: app.origin },
			data: {
				v: 1,
				kind: 'notebook',
				objectId: 'page-1',
				version: 1,
				deleted: false,
				header: b64(200),
				body: b64(400 * 1024),
				wrap: b64(150)
			}
		});
		expect(page.status()).toBe(400);
	});
});

test('what a form action or endpoint cannot read is a 4xx with plain words, never logged as our error', async () => {
	const { lead } = seed.people;
	const c1 = seed.case1.id;
	const api = await request.newContext();
	const headers = { cookie: lead.cookie, origin: app.origin };
	await unchanged(async () => {
		// A form action sent JSON or nothing at all (SvelteKit reads only forms and plain text).
		for (const [type, data] of [
			['application/json', '{"kind":"preparation"}'],
			['', '']
		] as const) {
			for (const enhanced of [true, false]) {
				const res = await api.post(`${app.origin}/cases/${c1}/meetings?/schedule`, {
					headers: {
						...headers,
						...(type ? { 'content-type': type } : {}),
						accept: enhanced ? 'application/json' : 'text/html',
						...(enhanced ? { 'x-sveltekit-action': 'true' } : {})
					},
					data,
					maxRedirects: 0
				});
				expect(res.status(), `${type || 'no type'} enhanced=${enhanced}`).toBe(415);
				const text = await res.text();
				expect(text).toMatch(/not in the form we expected/);
				expect(text).not.toMatch(/went wrong on our side/);
			}
		}
		// Plain text it takes for a form, and finds no fields in: the form's own refusal.
		const plain = await api.post(`${app.origin}/cases/${c1}/meetings?/schedule`, {
			headers: {
				...headers,
				'content-type': 'text/plain',
				accept: 'application/json',
				'x-sveltekit-action': 'true'
			},
			data: 'kind=preparation'
		});
		expect(await plain.json()).toMatchObject({ type: 'failure', status: 400 });
		// A method the endpoint does not have, and a path that does not decode.
		const patch = await api.fetch(`${app.origin}/api/cases/${c1}/meetings`, {
			method: 'PATCH',
			headers
		});
		expect(patch.status()).toBe(405);
		const undecodable = await api.get(`${app.origin}/cases/%E0%A4%A/meetings`, { headers });
		expect(undecodable.status()).toBeLessThan(500);
		// A JSON endpoint sent a form, and JSON too deep to be anything we asked for.
		const form = await api.post(`${app.origin}/api/cases/${c1}/meetings`, {
			headers,
			form: { kind: 'preparation' }
		});
		expect(form.status()).toBe(400);
		const deep = await api.post(`${app.origin}/api/cases/${c1}/meetings`, {
			headers: { ...headers, 'content-type': 'application/json' },
			data: '['.repeat(50_000) + ']'.repeat(50_000)
		});
		expect(deep.status()).toBe(400);
		// Keys that would pollute a prototype are only keys.
		const polluted = await api.post(`${app.origin}/api/cases/${c1}/meetings`, {
			headers: { ...headers, 'content-type': 'application/json' },
			data: '{"__proto__":{"kind":"preparation","isAdmin":true},"constructor":{"prototype":{"x":1}}}'
		});
		expect(polluted.status()).toBe(400);
	});
	expect(({} as { isAdmin?: boolean }).isAdmin).toBeUndefined();
});

/** Sent to sign in (`/signin?expired` when a cookie came that names no session). */
const toSignIn = (location: string | undefined) =>
	new URL(location ?? '/', 'http://x').pathname === '/signin';

test('a forged, truncated, altered or doubled session cookie is treated as signed out, and the real session still works', async () => {
	const { survivor } = seed.people;
	const token = survivor.cookie.split('=')[1]!;
	const api = await request.newContext();
	const variants: [string, string][] = [
		['forged', `${SESSION_COOKIE}=${'a'.repeat(32)}`],
		['truncated by one', `${SESSION_COOKIE}=${token.slice(0, -1)}`],
		['truncated to half', `${SESSION_COOKIE}=${token.slice(0, 16)}`],
		['one character more', `${SESSION_COOKIE}=${token}a`],
		['upper case', `${SESSION_COOKIE}=${token.toUpperCase()}`],
		['empty', `${SESSION_COOKIE}=`],
		['very long', `${SESSION_COOKIE}=${'a'.repeat(4000)}`],
		['not base32', `${SESSION_COOKIE}=${token.slice(0, 31)}%`],
		['percent-encoded bytes', `${SESSION_COOKIE}=%00%FF%E0%A4%A${token}`],
		['unicode', `${SESSION_COOKIE}=${encodeURIComponent('ŝéšşïöñ😀')}`],
		['quoted', `${SESSION_COOKIE}="${token.slice(0, 20)}"`],
		['its hash (what the database holds)', `${SESSION_COOKIE}=${seed.rows.sessions[4]!.id}`]
	];
	expect(seed.rows.sessions[4]!.userId).toBe(survivor.id);
	await unchanged(async () => {
		for (const [what, cookie] of variants) {
			const page = await api.get(`${app.origin}/home`, { headers: { cookie }, maxRedirects: 0 });
			expect(page.status(), what).toBe(303);
			expect(toSignIn(page.headers()['location']), what).toBe(true);
			const json = await api.get(`${app.origin}/api/me/export`, { headers: { cookie } });
			expect(json.status(), what).toBe(401);
			// A form action: sent to sign in; nothing is signed out anywhere.
			const everywhere = await api.post(`${app.origin}/account/sessions?/everywhere`, {
				headers: { cookie, origin: app.origin, accept: 'text/html' },
				form: {},
				maxRedirects: 0
			});
			expect(everywhere.status(), what).toBe(303);
			expect(toSignIn(everywhere.headers()['location']), what).toBe(true);
		}
	});
	// The real session was never touched by any of it.
	const real = await api.get(`${app.origin}/api/me/export`, {
		headers: { cookie: survivor.cookie }
	});
	expect(real.status()).toBe(200);
	// Two session cookies, the forged one first: never a 500, and never the wrong person.
	for (const cookie of [
		`${SESSION_COOKIE}=${'b'.repeat(32)}; ${survivor.cookie}`,
		`${survivor.cookie}; ${SESSION_COOKIE}=${'b'.repeat(32)}`
	]) {
		const res = await api.get(`${app.origin}/api/me/export`, { headers: { cookie } });
		expect([200, 401]).toContain(res.status());
		if (res.status() === 200) expect(await res.text()).toContain(survivor.id);
	}
});

/**
 * Signs in from a page's own script, as the sign-in page does, with whatever session the
 * browser already holds (the sign-in page itself sends a signed-in browser home).
 */
async function signInFromScript(page: Page): Promise<number> {
	return page.evaluate(async () => {
		const bytes = (s: string) =>
			Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
		const text = (b: ArrayBuffer | null) =>
			b
				? btoa(String.fromCharCode(...new Uint8Array(b)))
						.replace(/\+/g, '-')
						.replace(/\//g, '_')
						.replace(/=+$/, '')
				: undefined;
		const post = (url: string, body: unknown) =>
			fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
		const { challengeId, options } = await (await post('/api/webauthn/signin/options', {})).json();
		const credential = (await navigator.credentials.get({
			publicKey: {
				challenge: bytes(options.challenge),
				rpId: options.rpId,
				userVerification: 'required',
				allowCredentials: []
			}
		})) as PublicKeyCredential;
		const r = credential.response as AuthenticatorAssertionResponse;
		const response = {
			id: credential.id,
			rawId: text(credential.rawId),
			type: 'public-key',
			response: {
				clientDataJSON: text(r.clientDataJSON),
				authenticatorData: text(r.authenticatorData),
				signature: text(r.signature),
				userHandle: text(r.userHandle)
			},
			clientExtensionResults: {}
		};
		return (await post('/api/webauthn/signin/verify', { challengeId, response })).status;
	});
}

test('every sign-in is a new token: the one it replaces, and one signed out, are refused; a replayed passkey assertion is refused', async ({
	browser
}) => {
	const own = await startApp();
	try {
		const context = await browser.newContext();
		const { page } = await newDevice(context);
		const assertions: string[] = [];
		page.on('request', (r) => {
			if (r.url().endsWith('/api/webauthn/signin/verify')) assertions.push(r.postData() ?? '');
		});
		await createAccount(page, own.setupUrl, 'Rowan');
		const api = await request.newContext();
		const tokenOf = async () =>
			(await context.cookies()).find((c) => c.name === SESSION_COOKIE)?.value ?? '';
		const works = async (token: string) => {
			const res = await api.get(`${own.origin}/api/me/export`, {
				headers: { cookie: `${SESSION_COOKIE}=${token}` }
			});
			expect([200, 401]).toContain(res.status());
			return res.status() === 200;
		};
		const first = await tokenOf();
		expect(await works(first)).toBe(true);

		// Signed out, the token is refused, whoever presents it.
		await signOut(page, own.origin);
		expect(await works(first)).toBe(false);
		const reused = await api.get(`${own.origin}/home`, {
			headers: { cookie: `${SESSION_COOKIE}=${first}` },
			maxRedirects: 0
		});
		expect(toSignIn(reused.headers()['location'])).toBe(true);

		// Signing in again while signed in replaces the session: the old token is refused.
		await signIn(page, own.origin);
		const second = await tokenOf();
		expect(await works(second)).toBe(true);
		expect(await signInFromScript(page)).toBe(200);
		const third = await tokenOf();
		expect(third).not.toBe(second);
		expect(await works(second)).toBe(false);
		expect(await works(third)).toBe(true);

		// The assertion that signed in, sent again: its challenge was used once already.
		const [assertion] = assertions;
		expect(assertion).toBeTruthy();
		const sessions = await countRows(own.db, 'sessions');
		const replay = await api.post(`${own.origin}/api/webauthn/signin/verify`, {
			headers: { 'content-type': 'application/json', origin: own.origin },
			data: assertion
		});
		expect(replay.status()).toBe(400);
		expect((await replay.json()).code).toBe('challenge_invalid');
		// Under a fresh challenge, the old signature does not verify.
		const options = await api.post(`${own.origin}/api/webauthn/signin/options`, {
			headers: { 'content-type': 'application/json', origin: own.origin },
			data: {}
		});
		const { challengeId } = await options.json();
		const moved = await api.post(`${own.origin}/api/webauthn/signin/verify`, {
			headers: { 'content-type': 'application/json', origin: own.origin },
			data: { ...JSON.parse(assertion!), challengeId }
		});
		expect(moved.status()).toBe(400);
		expect((await moved.json()).code).toBe('passkey_unverified');
		// Neither made a session, and the fresh challenge was used up by the one try.
		expect(await countRows(own.db, 'sessions')).toBe(sessions);
		const left = await own.db.execute({
			sql: 'SELECT count(*) AS n FROM challenges WHERE id = ?',
			args: [challengeId]
		});
		expect(Number(left.rows[0]?.n)).toBe(0);
		expect(own.output()).not.toMatch(/^error /m);
		await context.close();
	} finally {
		await own.stop();
	}
});

test('a burst of sign-in attempts: exactly the limit gets through, the rest 429 with Retry-After, and the window recovers', async () => {
	// The window starts at the first attempt: it must outlast the burst even on a busy machine
	// (with 3 s, a slow burst reached a second window and let ten through).
	const limited = await startApp({ RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_SECONDS: '10' });
	try {
		const api = await request.newContext();
		const signin = () =>
			api.post(`${limited.origin}/api/webauthn/signin/options`, {
				headers: { 'content-type': 'application/json', origin: limited.origin },
				data: '{}'
			});
		// Both clocks, for a failure to say whether the burst outlasted the window (the server
		// counts by the wall clock: a step of the machine's clock would show as a difference).
		const wall = Date.now();
		const steady = performance.now();
		const burst = await Promise.all(Array.from({ length: 25 }, signin));
		const took =
			`the burst took ${Date.now() - wall} ms by the wall clock, ` +
			`${Math.round(performance.now() - steady)} ms by the monotonic clock`;
		const statuses = burst.map((r) => r.status()).sort();
		expect(
			statuses.filter((s) => s === 200),
			took
		).toHaveLength(5);
		expect(statuses.filter((s) => s === 429)).toHaveLength(20);
		for (const r of burst.filter((r) => r.status() === 429)) {
			const retry = Number(r.headers()['retry-after']);
			expect(retry).toBeGreaterThanOrEqual(1);
			expect(retry).toBeLessThanOrEqual(10);
			expect((await r.json()).code).toBe('rate_limited');
		}
		// Only the five let through made a challenge.
		expect(await countRows(limited.db, 'challenges')).toBe(5);
		// Another bucket is counted apart: an invite page still opens, and its burst is a page.
		const join = () => api.get(`${limited.origin}/join/${'a'.repeat(32)}`);
		const pages = await Promise.all(Array.from({ length: 8 }, join));
		expect(pages.filter((r) => r.status() === 429)).toHaveLength(3);
		const refused = pages.find((r) => r.status() === 429)!;
		expect(refused.headers()['content-type']).toMatch(/^text\/plain/);
		expect(Number(refused.headers()['retry-after'])).toBeGreaterThanOrEqual(1);
		// After the window, sign-in works again.
		await new Promise((r) => setTimeout(r, 10_100));
		expect((await signin()).status()).toBe(200);
		expect(limited.output()).not.toMatch(/^error /m);
	} finally {
		await limited.stop();
	}
});
