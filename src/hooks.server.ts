import { json, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { config } from '$lib/server/config';
import { startup } from '$lib/server/startup';
import { validateSessionToken, sessionCookieName } from '$lib/server/auth/session';
import { consumeRateLimit, type Bucket } from '$lib/server/auth/rate-limit';
import { problemMessage } from '$lib/server/messages';
import type { ProblemCode } from '$lib/server/problem';
import { describeError } from '$lib/server/log';
import { databaseDown, unavailableError } from '$lib/server/unavailable';

export const init: ServerInit = async () => {
	await startup();
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const h = response.headers;
	h.set('X-Content-Type-Options', 'nosniff');
	// Never a referrer to another site. Not `no-referrer`: under it a browser sends
	// `Origin: null` with a plain form post, and posts without script would be refused as
	// cross-site (and so would a click before the page's script has loaded).
	h.set('Referrer-Policy', 'same-origin');
	h.set('Cross-Origin-Opener-Policy', 'same-origin');
	h.set('Cross-Origin-Resource-Policy', 'same-origin');
	h.set('Permissions-Policy', 'geolocation=(), camera=(), payment=(), usb=(), interest-cohort=()');
	if (config().secure) h.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
	// Nothing the app serves dynamically should sit in a shared device's cache.
	h.set('Cache-Control', 'no-store');
	return response;
};

// SvelteKit checks the Origin of form posts only. JSON endpoints that change state get the
// same protection here: the Origin must be ours, or the browser must say it is same-origin.
const originCheck: Handle = async ({ event, resolve }) => {
	const method = event.request.method;
	if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return resolve(event);
	const origin = event.request.headers.get('origin');
	const site = event.request.headers.get('sec-fetch-site');
	const sameOrigin = origin ? origin === config().origin : site === 'same-origin';
	if (!sameOrigin) {
		return json({ message: problemMessage('cross_origin'), code: 'cross_origin' }, { status: 403 });
	}
	return resolve(event);
};

const RATE_LIMITED: Record<string, Bucket> = {
	'/setup/[token]': 'setup',
	'/join/[token]': 'invite',
	'/api/join/[token]': 'invite',
	'/devices/add/[token]': 'invite',
	'/api/webauthn/register/options': 'register',
	'/api/webauthn/register/verify': 'register',
	'/api/webauthn/signin/options': 'signin',
	'/api/webauthn/signin/verify': 'signin'
};

/** A refusal before the route runs: JSON for the API, plain words for a page. */
function refuse(routeId: string | null, status: number, code: ProblemCode, headers = {}) {
	const message = problemMessage(code);
	if (routeId?.startsWith('/api/')) return json({ message, code }, { status, headers });
	return new Response(message, {
		status,
		headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }
	});
}

const rateLimit: Handle = async ({ event, resolve }) => {
	const bucket = event.route.id ? RATE_LIMITED[event.route.id] : undefined;
	if (!bucket) return resolve(event);
	let address: string;
	try {
		address = event.getClientAddress();
	} catch {
		// With ADDRESS_HEADER set, adapter-node throws for a request without that header: one
		// that did not come through the proxy, or a proxy that does not set it.
		console.error(
			`A request came without the ${process.env.ADDRESS_HEADER} header that ADDRESS_HEADER names: do all requests come through the proxy, and does it set that header?`
		);
		return refuse(event.route.id, 400, 'bad_request');
	}
	const result = await consumeRateLimit(bucket, address);
	if (result.ok) return resolve(event);
	const headers = { 'Retry-After': String(result.retryAfterSeconds) };
	return refuse(event.route.id, 429, 'rate_limited', headers);
};

const session: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.sessionId = null;
	event.locals.sessionEnded = false;
	const name = sessionCookieName();
	const token = event.cookies.get(name);
	if (token) {
		const result = await validateSessionToken(token);
		if (result) {
			event.locals.user = result.user;
			event.locals.sessionId = result.session.id;
		} else {
			// Remembered only for this request, so sign-in can say why it is asking again.
			event.locals.sessionEnded = true;
			event.cookies.delete(name, { path: '/' });
		}
	}
	return resolve(event);
};

export const handle = sequence(securityHeaders, databaseDown, originCheck, rateLimit, session);

// Unexpected errors are logged by id only: no request body, no tokens, no addresses.
export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status === 404) return { message: problemMessage('not_found'), code: 'not_found' };
	// A database that could not be reached: plain words, and `databaseDown` makes it a 503.
	const unavailable = unavailableError(error, event);
	if (unavailable) return unavailable;
	// SvelteKit's own refusals of a request (a body over the limit, a form post that is not a
	// form, a method the route does not have, a path that does not decode): the request's
	// fault, not ours, so nothing is logged as an error.
	if (status === 413) {
		// An error page: what was typed is no longer on screen, so the words do not say it is.
		return { message: problemMessage('request_too_large'), code: 'request_too_large' };
	}
	if (status >= 400 && status < 500) {
		return { message: problemMessage('bad_request'), code: 'bad_request' };
	}
	const id = crypto.randomUUID();
	console.error(`error ${id}: ${describeError(error)}`);
	return { message: problemMessage('unexpected'), code: 'unexpected' };
};
