import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { LIMITS } from '$lib/form-template';
import { AUDIENCES, TemplateProblem, type TemplateInput } from '$lib/server/templates';
import { Problem } from '$lib/server/problem';
import { parseProblemMessage, problemMessage } from '$lib/server/messages';
import { readForm } from '$lib/server/forms';
import { m } from '$lib/paraglide/messages.js';
import type { TemplateErrors, TemplateField, TemplateValues } from './fields';

// The create and edit forms share their fields; a refusal keeps every word the admin typed.

const Fields = v.object({
	audience: v.picklist(AUDIENCES, () => m.templates_audience_invalid()),
	name: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, () => m.templates_name_invalid()),
		v.maxLength(LIMITS.name, () => m.templates_name_invalid()),
		v.regex(/^[^\p{Cc}]*$/u, () => m.templates_name_invalid())
	),
	contentNote: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, () => m.templates_note_invalid()),
		v.maxLength(LIMITS.contentNote, () => m.templates_note_invalid()),
		v.regex(/^(?:[^\p{Cc}]|[\r\n\t])*$/u, () => m.templates_note_invalid())
	),
	// Its length and lines are the parser's to judge, so the words name the line.
	source: v.string()
});

const EMPTY: TemplateValues = { audience: 'survivor', name: '', contentNote: '', source: '' };

function refuse(form: string, values: TemplateValues, errors: TemplateErrors) {
	return fail(400, { form, values, errors, problem: m.templates_not_saved() });
}

/** Reads the four fields; what was typed always comes back, with words for each bad field. */
export async function readTemplateForm(request: Request, form: string) {
	const data = await readForm(request);
	if (!data) {
		const failure = fail(400, {
			form,
			values: EMPTY,
			errors: {},
			problem: m.problem_bad_request()
		});
		return { values: EMPTY, input: null, failure };
	}
	const text = (key: TemplateField) => {
		const value = data.get(key);
		return typeof value === 'string' ? value : '';
	};
	const values: TemplateValues = {
		audience: text('audience'),
		name: text('name'),
		contentNote: text('contentNote'),
		source: text('source')
	};
	const result = v.safeParse(Fields, values);
	if (result.success)
		return { values, input: result.output satisfies TemplateInput, failure: null };
	const nested = v.flatten<typeof Fields>(result.issues).nested ?? {};
	const errors: TemplateErrors = {};
	for (const key of Object.keys(nested) as TemplateField[]) errors[key] = nested[key]?.[0];
	return { values, input: null, failure: refuse(form, values, errors) };
}

// Textareas show no line numbers, so the words quote the line they mean.
function lineProblem({ parse }: TemplateProblem, values: TemplateValues) {
	const words = parseProblemMessage(parse);
	const line = values.source.split(/\r?\n/)[parse.line - 1]?.trim() ?? '';
	if (parse.line < 1 || !line) return words;
	const text = line.length > 80 ? `${line.slice(0, 79)}…` : line;
	return `${words} ${m.templates_line_reads({ text })}`;
}

/** Runs a save; a line that cannot be read is named next to the questions, other refusals below. */
export async function saveTemplate<T>(form: string, values: TemplateValues, fn: () => Promise<T>) {
	try {
		return await fn();
	} catch (e) {
		if (e instanceof TemplateProblem)
			return refuse(form, values, { source: lineProblem(e, values) });
		if (e instanceof Problem) {
			return fail(e.status, { form, values, errors: {}, problem: problemMessage(e.code) });
		}
		throw e;
	}
}
