import { fromBase64url, toBase64url } from './bytes';
import type { Envelope } from './envelope';
import { fail } from './errors';

/**
 * The wire form the server validates (valibot) and stores. Only `kind`, `objectId` and
 * `version` are for the server's indexing; readers trust what the header says and check that
 * these fields agree with it.
 */
export type EnvelopeJson = {
	v: 1;
	kind: string;
	objectId: string;
	version: number;
	header: string;
	body: string;
	wraps: { reader: string; wrapper: string; box: string }[];
};

export function envelopeToJson(e: Envelope): EnvelopeJson {
	return {
		v: 1,
		kind: e.kind,
		objectId: e.objectId,
		version: e.version,
		header: toBase64url(e.header),
		body: toBase64url(e.body),
		wraps: e.wraps.map((w) => ({ reader: w.reader, wrapper: w.wrapper, box: toBase64url(w.box) }))
	};
}

const KEYS = ['body', 'header', 'kind', 'objectId', 'v', 'version', 'wraps'];
const WRAP_KEYS = ['box', 'reader', 'wrapper'];

/** Strict: exactly these keys and types, base64url without padding, one wrap per reader. */
export function envelopeFromJson(json: unknown): Envelope {
	const o = record(json, KEYS, true);
	if (o.v !== 1) fail(typeof o.v === 'number' ? 'unknown_version' : 'bad_encoding', 'envelope');
	record(json, KEYS);
	const { kind, objectId, version, wraps } = o;
	if (typeof kind !== 'string' || typeof objectId !== 'string') fail('bad_encoding', 'ids');
	if (!Number.isSafeInteger(version) || (version as number) < 1) fail('bad_encoding', 'version');
	if (!Array.isArray(wraps)) fail('bad_encoding', 'wraps');
	const readers = new Set<string>();
	return {
		v: 1,
		kind,
		objectId,
		version: version as number,
		header: base64(o.header),
		body: base64(o.body),
		wraps: wraps.map((item) => {
			const w = record(item, WRAP_KEYS);
			if (typeof w.reader !== 'string' || typeof w.wrapper !== 'string') fail('bad_encoding');
			if (readers.has(w.reader)) fail('bad_encoding', 'two wraps for one reader');
			readers.add(w.reader);
			return { reader: w.reader, wrapper: w.wrapper, box: base64(w.box) };
		})
	};
}

function record(value: unknown, keys: string[], loose = false): Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('bad_encoding');
	const o = value as Record<string, unknown>;
	if (!loose && Object.keys(o).sort().join() !== keys.join()) fail('bad_encoding', 'fields');
	return o;
}

function base64(value: unknown): Uint8Array {
	if (typeof value !== 'string') fail('bad_encoding', 'base64url');
	return fromBase64url(value);
}
