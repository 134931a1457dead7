/**
 * Form templates: the questions (never answers) a party is asked. Admins write them as plain
 * text, one line per question; the server stores the parsed items and every browser renders
 * them. An answer is sealed with a copy of its items, so a later edit changes no answer.
 *
 * The text format, one item per line (blank lines are ignored):
 *   # Heading              a section heading
 *   long: Question?        long text       short: Question?   short text
 *   one: Question?         one choice      many: Question?    several choices
 *   scale: Question?       1 to 5          date: Question?    a date
 *   - Option               an option of the choice above (two or more); for a scale,
 *                          optionally two: the words for its low and high ends
 *   > Hint                 a line of help under the question above
 * Every question is optional: nobody has to answer anything.
 */

export const QUESTION_TYPES = ['long', 'short', 'one', 'many', 'scale', 'date'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export type Heading = { type: 'heading'; text: string };
export type Question = {
	type: QuestionType;
	/** Stable within one copy of a template: q1, q2, … in order. */
	id: string;
	text: string;
	hint?: string;
	/** Choices for one/many; the low and high words for a scale (may be empty). */
	options?: string[];
};
export type TemplateItem = Heading | Question;
export type FormTemplate = { name: string; contentNote: string; items: TemplateItem[] };

export const LIMITS = {
	name: 80,
	contentNote: 600,
	text: 500,
	option: 200,
	options: 20,
	items: 80,
	source: 40_000
} as const;
export const SCALE_STEPS = 5;

export type ParseProblem =
	| { code: 'unknown_line'; line: number }
	| { code: 'too_long'; line: number }
	| { code: 'option_without_question'; line: number }
	| { code: 'hint_without_question'; line: number }
	| { code: 'too_few_options'; line: number }
	| { code: 'too_many_options'; line: number }
	| { code: 'scale_options'; line: number }
	| { code: 'too_many_items'; line: number }
	| { code: 'no_questions'; line: number };

type Parsed = { ok: true; items: TemplateItem[] } | { ok: false; problem: ParseProblem };

const isQuestionType = (t: string): t is QuestionType =>
	(QUESTION_TYPES as readonly string[]).includes(t);

export const isQuestion = (item: TemplateItem): item is Question => item.type !== 'heading';

/** Whitespace collapsed, control characters dropped: what is stored and shown. */
function clean(text: string) {
	return text
		.replace(/\p{Cc}/gu, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

/** Checks what a finished question needs; returns a problem or null. */
function finish(q: Question | null, line: number): ParseProblem | null {
	if (!q) return null;
	const options = q.options ?? [];
	// A bare "-" is no choice: a choice needs two with words.
	if ((q.type === 'one' || q.type === 'many') && options.filter(Boolean).length < 2) {
		return { code: 'too_few_options', line };
	}
	// A scale's two words are positional (low, high), so an empty one is kept.
	if (q.type === 'scale' && options.length !== 0 && options.length !== 2) {
		return { code: 'scale_options', line };
	}
	return null;
}

const takesOptions = (q: Question) => q.type === 'one' || q.type === 'many' || q.type === 'scale';

export function parseTemplate(source: string): Parsed {
	const items: TemplateItem[] = [];
	let current: Question | null = null;
	let currentLine = 0;
	let count = 0;
	// Too long a source is refused at the line where it crosses the limit, never cut silently.
	if (source.length > LIMITS.source) {
		const line = source.slice(0, LIMITS.source).split(/\r?\n/).length;
		return { ok: false, problem: { code: 'too_long', line } };
	}
	const lines = source.split(/\r?\n/);
	for (let i = 0; i < lines.length; i++) {
		const line = i + 1;
		const raw = lines[i]!.trim();
		if (!raw) continue;
		const fail = (code: ParseProblem['code']): Parsed => ({ ok: false, problem: { code, line } });
		if (raw.startsWith('-') || raw.startsWith('>')) {
			const text = clean(raw.slice(1));
			if (!current)
				return fail(raw.startsWith('-') ? 'option_without_question' : 'hint_without_question');
			if (raw.startsWith('>')) {
				if (!text) continue;
				current.hint = current.hint ? `${current.hint} ${text}` : text;
				if (current.hint.length > LIMITS.text) return fail('too_long');
				continue;
			}
			if (!takesOptions(current)) return fail('option_without_question');
			if (text.length > LIMITS.option) return fail('too_long');
			current.options = [...(current.options ?? []), text];
			if (current.options.length > LIMITS.options) return fail('too_many_options');
			continue;
		}
		const problem = finish(current, currentLine);
		if (problem) return { ok: false, problem };
		current = null;
		if (items.length >= LIMITS.items) return fail('too_many_items');
		if (raw.startsWith('#')) {
			const text = clean(raw.replace(/^#+/, ''));
			if (text.length > LIMITS.text) return fail('too_long');
			if (text) items.push({ type: 'heading', text });
			continue;
		}
		const match = /^([a-z]+)\s*:(.*)$/i.exec(raw);
		const type = match?.[1]?.toLowerCase() ?? '';
		const text = clean(match?.[2] ?? '');
		if (!match || !isQuestionType(type) || !text) return fail('unknown_line');
		if (text.length > LIMITS.text) return fail('too_long');
		current = { type, id: `q${++count}`, text };
		currentLine = line;
		items.push(current);
	}
	const problem = finish(current, currentLine);
	if (problem) return { ok: false, problem };
	if (count === 0) return { ok: false, problem: { code: 'no_questions', line: 0 } };
	// Empty choice lines are dropped only now, so a bare "-" still counts against the limits.
	for (const item of items) {
		if (!isQuestion(item) || !item.options) continue;
		if (item.type !== 'scale') item.options = item.options.filter(Boolean);
		else if (!item.options.some(Boolean)) delete item.options;
	}
	return { ok: true, items };
}

/** The text an admin edits: `parseTemplate(formatTemplate(items))` gives the same items. */
export function formatTemplate(items: readonly TemplateItem[]): string {
	const out: string[] = [];
	for (const item of items) {
		if (item.type === 'heading') {
			if (out.length) out.push('');
			out.push(`# ${item.text}`);
			continue;
		}
		out.push(`${item.type}: ${item.text}`);
		if (item.hint) out.push(`> ${item.hint}`);
		for (const o of item.options ?? []) out.push(`- ${o}`);
	}
	return out.join('\n') + '\n';
}

/** A stored or received item list checked item by item; anything odd makes it null. */
export function itemsFrom(value: unknown): TemplateItem[] | null {
	if (!Array.isArray(value) || value.length > LIMITS.items) return null;
	const items: TemplateItem[] = [];
	const str = (s: unknown, max: number) => typeof s === 'string' && s.length <= max;
	for (const it of value as Record<string, unknown>[]) {
		if (!it || typeof it !== 'object') return null;
		if (it.type === 'heading') {
			if (!str(it.text, LIMITS.text)) return null;
			items.push({ type: 'heading', text: it.text as string });
			continue;
		}
		if (typeof it.type !== 'string' || !isQuestionType(it.type)) return null;
		if (!str(it.id, 8) || !/^q[0-9]{1,3}$/.test(it.id as string)) return null;
		if (!str(it.text, LIMITS.text)) return null;
		if (it.hint !== undefined && !str(it.hint, LIMITS.text)) return null;
		const options = it.options;
		if (
			options !== undefined &&
			(!Array.isArray(options) ||
				options.length > LIMITS.options ||
				!options.every((o) => str(o, LIMITS.option)))
		) {
			return null;
		}
		const q: Question = { type: it.type, id: it.id as string, text: it.text as string };
		if (it.hint) q.hint = it.hint as string;
		if (options) q.options = [...(options as string[])];
		items.push(q);
	}
	return items;
}

/** An answer: text for long/short, an option for one, options for many, 1–5, or a date. */
export type Answer = string | string[] | number;
export type Answers = Record<string, Answer>;

/** Keeps only answers that fit their question; an empty answer is no answer. */
export function cleanAnswers(items: readonly TemplateItem[], answers: unknown): Answers {
	const out: Answers = {};
	if (!answers || typeof answers !== 'object') return out;
	const given = answers as Record<string, unknown>;
	for (const q of items.filter(isQuestion)) {
		const a = given[q.id];
		if (a === undefined || a === null || a === '') continue;
		if ((q.type === 'long' || q.type === 'short') && typeof a === 'string' && a.trim()) {
			out[q.id] = a;
		} else if (q.type === 'one' && typeof a === 'string' && q.options?.includes(a)) {
			out[q.id] = a;
		} else if (q.type === 'many' && Array.isArray(a)) {
			const picked = q.options?.filter((o) => a.includes(o)) ?? [];
			if (picked.length) out[q.id] = picked;
		} else if (
			q.type === 'scale' &&
			typeof a === 'number' &&
			Number.isInteger(a) &&
			a >= 1 &&
			a <= SCALE_STEPS
		) {
			out[q.id] = a;
		} else if (q.type === 'date' && typeof a === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(a)) {
			out[q.id] = a;
		}
	}
	return out;
}
