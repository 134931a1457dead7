import { describe, expect, test } from 'vitest';
import {
	formatTemplate,
	isQuestion,
	LIMITS,
	parseTemplate,
	QUESTION_TYPES,
	type ParseProblem,
	type TemplateItem
} from './form-template';
import { DEFAULT_TEMPLATES } from './server/default-templates';

function items(source: string): TemplateItem[] {
	const parsed = parseTemplate(source);
	if (!parsed.ok) throw new Error(`did not parse: ${JSON.stringify(parsed.problem)}`);
	return parsed.items;
}

function problem(source: string): ParseProblem | null {
	const parsed = parseTemplate(source);
	return parsed.ok ? null : parsed.problem;
}

describe('parseTemplate', () => {
	test('reads every question type, headings, hints and choices', () => {
		const source = [
			'# Needs',
			'long: What do you need?',
			'> Anything counts.',
			'short: Who supports you?',
			'',
			'## Safety ',
			'one: A call?',
			'- Yes',
			'- Not now',
			'many: Which help?',
			'-   Talking ',
			'- Time',
			'scale: How safe do you feel?',
			'scale:No words at the ends',
			'DATE: A date to avoid?'
		].join('\n');
		expect(items(source)).toEqual([
			{ type: 'heading', text: 'Needs' },
			{ type: 'long', id: 'q1', text: 'What do you need?', hint: 'Anything counts.' },
			{ type: 'short', id: 'q2', text: 'Who supports you?' },
			{ type: 'heading', text: 'Safety' },
			{ type: 'one', id: 'q3', text: 'A call?', options: ['Yes', 'Not now'] },
			{ type: 'many', id: 'q4', text: 'Which help?', options: ['Talking', 'Time'] },
			{ type: 'scale', id: 'q5', text: 'How safe do you feel?' },
			{ type: 'scale', id: 'q6', text: 'No words at the ends' },
			{ type: 'date', id: 'q7', text: 'A date to avoid?' }
		]);
	});

	test('joins hint lines, collapses whitespace and drops control characters', () => {
		const source = 'long:   Tell   us\tmore \n> First part,\n>   second\u0007part.\n>\n';
		expect(items(source)).toEqual([
			{ type: 'long', id: 'q1', text: 'Tell us more', hint: 'First part, second part.' }
		]);
	});

	test('a scale takes no words or exactly two, kept in their places', () => {
		expect(items('scale: Safe?\n- Not at all\n- Completely')).toEqual([
			{ type: 'scale', id: 'q1', text: 'Safe?', options: ['Not at all', 'Completely'] }
		]);
		// An empty end keeps its place: the words are low, then high.
		expect(items('scale: Safe?\n-\n- Completely')).toEqual([
			{ type: 'scale', id: 'q1', text: 'Safe?', options: ['', 'Completely'] }
		]);
		expect(items('scale: Safe?\n-\n-')).toEqual([{ type: 'scale', id: 'q1', text: 'Safe?' }]);
		expect(problem('scale: Safe?\n- Low')).toEqual({ code: 'scale_options', line: 1 });
		expect(problem('long: A\nscale: Safe?\n- Low\n- Mid\n- High')).toEqual({
			code: 'scale_options',
			line: 2
		});
	});

	test('empty choice lines are dropped, but a choice needs two with words', () => {
		expect(items('one: Pick\n- A\n-\n- B')).toEqual([
			{ type: 'one', id: 'q1', text: 'Pick', options: ['A', 'B'] }
		]);
		expect(problem('one: Pick\n- A\n-')).toEqual({ code: 'too_few_options', line: 1 });
	});

	test('every problem names its line', () => {
		const cases: [string, ParseProblem][] = [
			['long: A\n\nWhat is this?', { code: 'unknown_line', line: 3 }],
			['long:', { code: 'unknown_line', line: 1 }],
			['essay: Tell us', { code: 'unknown_line', line: 1 }],
			['# Start\n- A choice', { code: 'option_without_question', line: 2 }],
			['long: A\n> hint\n- A choice', { code: 'option_without_question', line: 3 }],
			['date: When?\n- Monday', { code: 'option_without_question', line: 2 }],
			['> A hint first', { code: 'hint_without_question', line: 1 }],
			['long: A\n# Section\n> hint', { code: 'hint_without_question', line: 3 }],
			['long: A\none: Pick\n- Only one\nlong: B', { code: 'too_few_options', line: 2 }],
			['many: Pick', { code: 'too_few_options', line: 1 }],
			['long: A\nscale: Safe?\n- Low', { code: 'scale_options', line: 2 }],
			[`long: ${'a'.repeat(LIMITS.text + 1)}`, { code: 'too_long', line: 1 }],
			[`long: A\n# ${'a'.repeat(LIMITS.text + 1)}`, { code: 'too_long', line: 2 }],
			[`one: A\n- ${'a'.repeat(LIMITS.option + 1)}`, { code: 'too_long', line: 2 }],
			[`long: A\n> ${'a'.repeat(LIMITS.text - 2)}\n> more words`, { code: 'too_long', line: 3 }],
			['# Only a heading', { code: 'no_questions', line: 0 }]
		];
		for (const [source, expected] of cases) expect(problem(source), source).toEqual(expected);
	});

	test('no questions: empty, whitespace only or headings only', () => {
		for (const source of ['', '   \n\t\n', '# One\n## Two\n#', '#\n\n']) {
			expect(problem(source), JSON.stringify(source)).toEqual({ code: 'no_questions', line: 0 });
		}
	});

	test('limits: text, choices, items and the whole source', () => {
		expect(items(`long: ${'a'.repeat(LIMITS.text)}`)).toHaveLength(1);
		const choices = (n: number) =>
			'many: Pick\n' + Array.from({ length: n }, (_, i) => `- ${i}`).join('\n');
		expect(items(choices(LIMITS.options))[0]).toMatchObject({ options: { length: 20 } });
		expect(problem(choices(LIMITS.options + 1))).toEqual({
			code: 'too_many_options',
			line: LIMITS.options + 2
		});
		// A bare "-" still counts against the limit before it is dropped.
		expect(problem(choices(LIMITS.options) + '\n-')).toMatchObject({ code: 'too_many_options' });

		const lines = (n: number) => Array.from({ length: n }, (_, i) => `short: Q${i}`).join('\n');
		expect(items(lines(LIMITS.items))).toHaveLength(LIMITS.items);
		expect(problem(lines(LIMITS.items + 1))).toEqual({
			code: 'too_many_items',
			line: LIMITS.items + 1
		});
		expect(problem('# H\n' + lines(LIMITS.items))).toEqual({
			code: 'too_many_items',
			line: LIMITS.items + 1
		});

		// Too long a source is refused where it crosses the limit, never cut short silently.
		const line = `long: ${'a'.repeat(LIMITS.text - 7)}\n`; // 500 characters, 80 of them fit
		const long = line.repeat(LIMITS.source / line.length) + 'short: One more';
		expect(long.length).toBeGreaterThan(LIMITS.source);
		expect(problem(long)).toEqual({ code: 'too_long', line: LIMITS.source / line.length + 1 });
		expect(problem(line.repeat(LIMITS.source / line.length))).toBeNull();
	});

	test('knows every question type and nothing else', () => {
		for (const type of QUESTION_TYPES) {
			const source = `${type}: Q${type === 'one' || type === 'many' ? '\n- A\n- B' : ''}`;
			expect(items(source)[0]).toMatchObject({ type, id: 'q1' });
		}
		expect(problem('heading: Q')).toEqual({ code: 'unknown_line', line: 1 });
	});
});

describe('formatTemplate', () => {
	test('writes the text an admin edits', () => {
		const source =
			'# Needs\nlong: What?\n> Anything.\none: Pick\n- A\n- B\n# Safety\nscale: Safe?\n-\n- Very';
		expect(formatTemplate(items(source))).toBe(
			'# Needs\nlong: What?\n> Anything.\none: Pick\n- A\n- B\n\n# Safety\nscale: Safe?\n- \n- Very\n'
		);
	});

	test.each(Object.entries(DEFAULT_TEMPLATES))(
		'the default %s template parses and round-trips',
		(audience, template) => {
			const parsed = items(template.source);
			expect(parsed.filter(isQuestion).length).toBeGreaterThan(5);
			// A mix of question types in each default.
			expect(new Set(parsed.filter(isQuestion).map((q) => q.type))).toEqual(
				new Set(QUESTION_TYPES)
			);
			expect(items(formatTemplate(parsed))).toEqual(parsed);
			expect(formatTemplate(items(formatTemplate(parsed)))).toBe(formatTemplate(parsed));
			expect(template.name.length).toBeLessThanOrEqual(LIMITS.name);
			expect(template.contentNote.length).toBeLessThanOrEqual(LIMITS.contentNote);
			expect(template.contentNote, audience).toMatch(/optional/);
		}
	);

	test('the survivor default has its five sections, in order', () => {
		const headings = items(DEFAULT_TEMPLATES.survivor.source)
			.filter((item) => item.type === 'heading')
			.map((item) => item.text);
		expect(headings).toEqual([
			'Needs',
			'Safety and boundaries',
			'What you want understood',
			'What repair could look like',
			'Who may read this'
		]);
	});
});
