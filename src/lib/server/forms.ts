import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { Problem } from './problem';
import { problemMessage } from './messages';

/** Reads named fields from a form post; a wrong shape is null so the action can `fail`. */
export async function parseForm<S extends v.GenericSchema>(
	request: Request,
	schema: S
): Promise<v.InferOutput<S> | null> {
	const data = await request.formData().catch(() => null);
	if (!data) return null;
	const result = v.safeParse(schema, Object.fromEntries(data));
	return result.success ? result.output : null;
}

/** Turns a domain refusal into a form failure shown next to the form. */
export async function attempt<T>(form: string, fn: () => Promise<T>) {
	try {
		return await fn();
	} catch (e) {
		if (e instanceof Problem) return fail(e.status, { form, problem: problemMessage(e.code) });
		throw e;
	}
}
