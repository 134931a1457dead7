import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { Problem } from './problem';
import { problemMessage } from './messages';
import { overLimit } from './api';

/**
 * A form post's fields; null when the body is not a form. A body over the server's limit is
 * SvelteKit's error page with a 413 and words a person can act on (never a 500).
 */
export async function readForm(request: Request): Promise<FormData | null> {
	try {
		return await request.formData();
	} catch (e) {
		if (overLimit(e))
			error(413, { message: problemMessage('request_too_large'), code: 'request_too_large' });
		return null;
	}
}

/** Reads named fields from a form post; a wrong shape is null so the action can `fail`. */
export async function parseForm<S extends v.GenericSchema>(
	request: Request,
	schema: S
): Promise<v.InferOutput<S> | null> {
	const data = await readForm(request);
	if (!data) return null;
	const result = v.safeParse(schema, Object.fromEntries(data));
	return result.success ? result.output : null;
}

/**
 * Like parseForm, for forms where some fields repeat (checkboxes, a list of times): those come
 * as arrays, every other field as its one value.
 */
export async function parseFormLists<S extends v.GenericSchema>(
	request: Request,
	schema: S,
	lists: readonly string[]
): Promise<v.InferOutput<S> | null> {
	const data = await readForm(request);
	if (!data) return null;
	const fields: Record<string, unknown> = {};
	for (const key of new Set(data.keys())) {
		fields[key] = lists.includes(key) ? data.getAll(key) : data.get(key);
	}
	for (const key of lists) fields[key] ??= [];
	const result = v.safeParse(schema, fields);
	return result.success ? result.output : null;
}

/** Turns a domain refusal into a form failure shown next to the form. */
export async function attempt<T>(
	form: string,
	fn: () => Promise<T>,
	/** Says which of several such forms on the page it was (a meeting's, a poll's). */
	about: Record<string, string> = {}
) {
	try {
		return await fn();
	} catch (e) {
		if (e instanceof Problem) {
			return fail(e.status, { form, ...about, problem: problemMessage(e.code) });
		}
		throw e;
	}
}
