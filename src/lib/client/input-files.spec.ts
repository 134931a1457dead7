import { describe, expect, test } from 'vitest';
import { jsonBody } from './case-objects';
import { parseFileBody } from './input-files';

// What a reader trusts of a file's sealed body: only a well-formed one, cut to size.
describe('an input file body', () => {
	const body = (v: object) => jsonBody({ v: 1, type: 'input-file', input: 'in-1', ...v });

	test('names its input and the file', () => {
		expect(parseFileBody(body({ file: { name: 'letter.pdf', type: 'application/pdf' } }))).toEqual({
			inputId: 'in-1',
			meta: { name: 'letter.pdf', type: 'application/pdf' }
		});
	});

	test('a name too long is cut, a missing one is "file"', () => {
		const long = parseFileBody(body({ file: { name: 'x'.repeat(500), type: 7 } }));
		expect(long.meta).toEqual({ name: 'x'.repeat(200), type: '' });
		expect(parseFileBody(body({ file: { type: 'audio/webm' } })).meta.name).toBe('file');
	});

	test('anything else is refused, not guessed at', () => {
		const file = { name: 'a', type: 'text/plain' };
		for (const bad of [
			null,
			jsonBody({ v: 2, type: 'input-file', input: 'in-1', file }),
			jsonBody({ v: 1, type: 'message', input: 'in-1', file }),
			jsonBody({ v: 1, type: 'input-file', input: 3, file }),
			jsonBody({ v: 1, type: 'input-file', input: 'in-1' }),
			jsonBody([1, 2])
		]) {
			expect(() => parseFileBody(bad)).toThrow('input file body');
		}
	});
});
