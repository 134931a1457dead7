import { fromHex, toHex } from './bytes';
import { bin, decoder, encode, int, list, text, tuple, untuple } from './encoding';
import { fail } from './errors';
import type { FpDecision, LogHead, PersonalState } from './personal-state';

/**
 * Personal state as bytes: `personal-state/v1`, then pins, marks and log heads, each a list
 * sorted by key. One state has one encoding, so decoding refuses unsorted or repeated keys.
 */
const PURPOSE = 'personal-state/v1';
type Fields = ReturnType<typeof untuple>;

function sorted<T>(m: ReadonlyMap<string, T>): [string, T][] {
	return [...m].sort(([a], [b]) => (a < b ? -1 : 1));
}

function encodeDecision([fp, d]: [string, FpDecision]): Uint8Array {
	const acks = [...d.acks].sort().map(fromHex);
	return tuple(bin(fromHex(fp)), int(d.verified ? 1 : 0), int(d.decidedAt), list(acks));
}

export function encodePersonalState(s: PersonalState): Uint8Array {
	return encode(
		PURPOSE,
		list(sorted(s.pins).map(([u, pins]) => tuple(text(u), list(sorted(pins).map(encodeDecision))))),
		list(sorted(s.marks).map(([key, version]) => tuple(text(key), int(version)))),
		list(sorted(s.logHeads).map(([c, h]) => tuple(text(c), int(h.seq), bin(h.hash))))
	);
}

export function decodePersonalState(bytes: Uint8Array): PersonalState {
	const d = decoder(PURPOSE, bytes);
	const pins = entries(d.list(), (r) => [r.text(), entries(r.list(), readDecision)]);
	const marks = entries(d.list(), (r) => [r.text(), r.int()]);
	const logHeads = entries(d.list(), (r): [string, LogHead] => [
		r.text(),
		{ seq: r.int(), hash: r.bytes(32) }
	]);
	d.end();
	return { v: 1, pins, marks, logHeads };
}

function readDecision(r: Fields): [string, FpDecision] {
	const fp = toHex(r.bytes(32));
	const verified = r.int();
	const decidedAt = r.int();
	if (verified > 1) fail('bad_encoding', 'verified');
	const acks = r.list().map((fp) => (fp.length === 32 ? toHex(fp) : fail('bad_length', 'fp')));
	increasing(acks);
	return [fp, { verified: verified === 1, decidedAt, acks: new Set(acks) }];
}

/** Reads a sorted list of records into a map. */
function entries<T>(items: Uint8Array[], read: (r: Fields) => [string, T]): Map<string, T> {
	const out = new Map<string, T>();
	for (const item of items) {
		const r = untuple(item);
		const [key, value] = read(r);
		r.end();
		out.set(key, value);
	}
	increasing([...out.keys()]);
	if (out.size !== items.length) fail('bad_encoding', 'repeated key');
	return out;
}

function increasing(keys: string[]): void {
	for (let i = 1; i < keys.length; i++) if (keys[i]! <= keys[i - 1]!) fail('bad_encoding', 'order');
}
