import { createHash } from 'node:crypto';
import { json, type Handle, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { config } from './config';
import { isDatabaseUnavailable } from './db';
import { describeError } from './log';
import { problemMessage } from './messages';

/**
 * The database could not be reached or written just now: another process held it past
 * DATABASE_WAIT_SECONDS, the disk is full, its server is down. Whatever asked gets a 503 with
 * plain words and Retry-After (a page, a form, a script) rather than a 500. A write that failed
 * so wrote nothing: each is one transaction.
 */

const RETRY_AFTER_SECONDS = '30';

function log(error: unknown) {
	console.error(`database unavailable ${crypto.randomUUID()}: ${describeError(error)}`);
}

/** For `handleError`: the words for an unavailable database, and a note for `databaseDown`. */
export function unavailableError(error: unknown, event: RequestEvent): App.Error | null {
	if (!isDatabaseUnavailable(error)) return null;
	event.locals.databaseUnavailable = true;
	log(error);
	return { message: problemMessage('unavailable'), code: 'unavailable' };
}

/**
 * A load, action or endpoint that failed on it was answered 500 with the words from
 * `handleError`: this makes the status 503. A failure before any page ran (counting sign-in
 * attempts, looking up the session) is answered here, as JSON or as a page of its own.
 */
export const databaseDown: Handle = async ({ event, resolve }) => {
	let response: Response;
	try {
		response = await resolve(event);
	} catch (e) {
		if (!isDatabaseUnavailable(e)) throw e;
		log(e);
		return unavailableResponse(event.request);
	}
	if (response.status !== 500 || !event.locals.databaseUnavailable) return response;
	const headers = new Headers(response.headers);
	headers.set('Retry-After', RETRY_AFTER_SECONDS);
	return new Response(response.body, { status: 503, headers });
};

// The page below has no app frame and no script: its own few styles, allowed by their hash.
const STYLE =
	'body{margin:0 auto;max-width:40rem;padding:1rem;font:100%/1.55 system-ui,sans-serif;color:#1f2320;background:#faf8f4}' +
	'h1{line-height:1.2}p{background:#eef4f1;border-left:4px solid #2f5d50;padding:1rem;border-radius:.5rem}' +
	'header{text-align:right}a{color:#2f5d50;font-weight:600}';
const CSP = [
	"default-src 'none'",
	`style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
	"base-uri 'none'",
	"form-action 'none'",
	"frame-ancestors 'none'"
].join('; ');

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function unavailableResponse(request: Request) {
	const message = problemMessage('unavailable');
	const headers = { 'Retry-After': RETRY_AFTER_SECONDS };
	if (!request.headers.get('accept')?.includes('text/html')) {
		return json({ message, code: 'unavailable' }, { status: 503, headers });
	}
	const title = escape(m.error_title());
	// A way out at once, as on every page, that needs no script.
	const exit = `<a href="${escape(config().quickExitUrl)}" rel="noreferrer">${escape(m.quick_exit())}</a>`;
	const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${STYLE}</style></head>
<body><header>${exit}</header><main><h1>${title}</h1><p>${escape(message)}</p></main></body>
</html>
`;
	return new Response(page, {
		status: 503,
		headers: {
			...headers,
			'Content-Type': 'text/html; charset=utf-8',
			'Content-Security-Policy': CSP
		}
	});
}
