import { error, json, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { Problem } from './problem';
import { problemMessage } from './messages';

/**
 * Whether reading a request's body failed because it is over the server's limit (adapter-node's
 * `BODY_SIZE_LIMIT`): SvelteKit errors the body's stream with a 413.
 */
export function overLimit(e: unknown): boolean {
	return typeof e === 'object' && e !== null && (e as { status?: unknown }).status === 413;
}

/**
 * Reads a JSON body and checks its shape; anything else is a 400 with plain words, and a body
 * over the limit a 413.
 */
export async function parseJson<S extends v.GenericSchema>(
	request: Request,
	schema: S
): Promise<v.InferOutput<S>> {
	let body: unknown;
	try {
		body = await request.json();
	} catch (e) {
		if (overLimit(e)) throw new Problem(413, 'too_large');
		throw new Problem(400, 'bad_request');
	}
	const result = v.safeParse(schema, body);
	if (!result.success) throw new Problem(400, 'bad_request');
	return result.output;
}

export function problemJson(p: Problem) {
	const headers: Record<string, string> = {};
	if (p.retryAfterSeconds) headers['Retry-After'] = String(p.retryAfterSeconds);
	return json({ message: problemMessage(p.code), code: p.code }, { status: p.status, headers });
}

/** Wraps a JSON endpoint so a refusal becomes a 4xx and only the unexpected is a 500. */
export function jsonEndpoint(fn: (event: RequestEvent) => Promise<Response>) {
	return async (event: RequestEvent) => {
		try {
			return await fn(event);
		} catch (e) {
			if (e instanceof Problem) return problemJson(e);
			// A body over the limit, read by the endpoint itself (raw bytes).
			if (overLimit(e)) return problemJson(new Problem(413, 'too_large'));
			throw e;
		}
	};
}

/** For loads: a refusal becomes SvelteKit's error page with the same words. */
export function pageProblem(e: unknown): never {
	if (e instanceof Problem) error(e.status, { message: problemMessage(e.code), code: e.code });
	throw e;
}

/** An id from the URL; anything malformed is simply "not found". */
export function pathId(param: string | undefined, pattern = /^[A-Za-z0-9_-]{1,64}$/): string {
	if (!param || !pattern.test(param)) throw new Problem(404, 'not_found');
	return param;
}

/** `pathId` for a form action, where nothing turns a refusal into a 404: never a 500. */
export function actionPathId(param: string | undefined, pattern?: RegExp): string {
	try {
		return pathId(param, pattern);
	} catch (e) {
		return pageProblem(e);
	}
}
