import { isHttpError } from '@sveltejs/kit';
import { describe, expect, test } from 'vitest';
import * as v from 'valibot';
import { jsonEndpoint, overLimit, parseJson } from './api';
import { Problem } from './problem';
import { parseForm, readForm } from './forms';

/**
 * A request whose body stream fails the way adapter-node's does past `BODY_SIZE_LIMIT`:
 * SvelteKit errors it with a 413 (an error object carrying `status`).
 */
function overTheLimit(contentType: string) {
	const body = new ReadableStream({
		start(controller) {
			controller.error(Object.assign(new Error('Payload Too Large'), { status: 413 }));
		}
	});
	return new Request('http://localhost/x', {
		method: 'POST',
		headers: { 'content-type': contentType },
		body,
		duplex: 'half'
	} as RequestInit);
}

const Body = v.object({ a: v.string() });

describe('a body over the limit is a 413, not a 400 or a 500', () => {
	test('the error is recognised', () => {
		expect(overLimit(Object.assign(new Error('x'), { status: 413 }))).toBe(true);
		expect(overLimit(new SyntaxError('bad JSON'))).toBe(false);
		expect(overLimit(null)).toBe(false);
	});

	test('JSON: a too_large problem; malformed JSON stays a bad_request', async () => {
		await expect(parseJson(overTheLimit('application/json'), Body)).rejects.toMatchObject({
			status: 413,
			code: 'too_large'
		});
		const bad = new Request('http://localhost/x', { method: 'POST', body: '{"a":' });
		await expect(parseJson(bad, Body)).rejects.toMatchObject({ status: 400, code: 'bad_request' });
	});

	test('raw bytes read by an endpoint itself: its JSON answer is a 413', async () => {
		const endpoint = jsonEndpoint(async ({ request }) => {
			await request.arrayBuffer();
			throw new Problem(400, 'chunk_invalid');
		});
		const res = await endpoint({ request: overTheLimit('application/octet-stream') } as never);
		expect(res.status).toBe(413);
		expect(await res.json()).toMatchObject({ code: 'too_large' });
	});

	test('forms: an error page with a 413; a body that is not a form is only "no form"', async () => {
		const refused = await readForm(overTheLimit('application/x-www-form-urlencoded')).catch(
			(e: unknown) => e
		);
		expect(isHttpError(refused, 413)).toBe(true);
		expect((refused as { body: { code: string } }).body.code).toBe('request_too_large');
		await expect(
			parseForm(overTheLimit('multipart/form-data; boundary=x'), Body)
		).rejects.toMatchObject({ status: 413 });
		const json = new Request('http://localhost/x', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}'
		});
		expect(await readForm(json)).toBeNull();
	});
});
