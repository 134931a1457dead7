import { describe, expect, it } from 'vitest';
import { codeOf } from './case-log.fixtures';
import { envelopeFromJson, envelopeToJson, sealEnvelope } from './envelope';
import { cast, CASE, listMembership, pub, standardMembers, T } from './envelope.fixtures';

const sealed = await sealEnvelope({
	kind: 'case-summary',
	scope: CASE,
	objectId: 'obj-1',
	prev: null,
	author: cast.ana,
	membership: listMembership([standardMembers()]),
	body: new Uint8Array([1, 2, 3]),
	readers: pub(cast.ana, cast.ben),
	createdAt: T
});
const json = envelopeToJson(sealed.envelope);

describe('envelope wire JSON', () => {
	it('is exactly { v, kind, objectId, version, header, body, wraps[{ reader, wrapper, box }] }', () => {
		expect(Object.keys(json).sort()).toEqual(
			['body', 'header', 'kind', 'objectId', 'v', 'version', 'wraps'].sort()
		);
		expect(json).toMatchObject({ v: 1, kind: 'case-summary', objectId: 'obj-1', version: 1 });
		expect(json.wraps.map((w) => [w.reader, w.wrapper])).toEqual([
			['ana', 'ana'],
			['ben', 'ana']
		]);
		expect(json.header).toMatch(/^[A-Za-z0-9_-]+$/);
		expect(envelopeFromJson(JSON.parse(JSON.stringify(json)))).toEqual(sealed.envelope);
	});

	it('refuses an unknown version as such, and any other shape as bad encoding', async () => {
		expect(await codeOf(() => envelopeFromJson({ ...json, v: 2 }))).toBe('unknown_version');
		const bad: unknown[] = [
			null,
			[],
			'x',
			{ ...json, v: '1' },
			{ ...json, extra: 1 },
			{ ...json, kind: 3 },
			{ ...json, version: 0 },
			{ ...json, version: 1.5 },
			{ ...json, header: 'not base64!' },
			{ ...json, header: `${json.header}=` },
			{ ...json, body: 7 },
			{ ...json, wraps: {} },
			{ ...json, wraps: [{ ...json.wraps[0], reader: 1 }] },
			{ ...json, wraps: [{ ...json.wraps[0], extra: true }] },
			{ ...json, wraps: [json.wraps[0], json.wraps[0]] }
		];
		for (const b of bad) expect(await codeOf(() => envelopeFromJson(b))).toBe('bad_encoding');
	});
});
