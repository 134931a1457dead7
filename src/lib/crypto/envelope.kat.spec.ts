import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { fromBase64url, toHex } from './bytes';
import { envelopeFromJson, openEnvelope } from './envelope';
import { bodyHash, decodeHeader, encodeHeader, type EnvelopeHeader } from './envelope-header';
import { encodeWrapContent } from './envelope-wrap';
import { cast, CASE, everyone, listMembership, standardMembers, T } from './envelope.fixtures';
import { fingerprint } from './identity';
import { dom, frame, listOf, none, sha256, some, str, u64 } from './kat.fixtures';

// Sealed once from the fixed keys of the specs (ana seed 0x01…, ben 0x02…): a regression.
const PINNED = {
	v: 1,
	kind: 'case-summary',
	objectId: 'kat-1',
	version: 1,
	header:
		'Y2lyY2xla2VlcGVyL2VudmVsb3BlL2hlYWRlci92MQAAAAAMY2FzZS1zdW1tYXJ5AAAACwEAAAAGY2FzZS0xAAAABWthdC0xAAAACAAAAAAAAAABAAAAAQAAAAArAAAAA2FuYQAAACB1uVVqtB7vRZBvp0AAKmC5LdLkUy6hiJH45K5uVsDQOQAAAAEAAAAADQEAAAAIAAAAAAAAAAAAAAAggwebQ5lkyaDOFUQVoeTV7D9Fb-EPZDmNfLZokHdwLloAAAAIAAABi8_laAAAAAAIAAAAAAAAAAAAAAABAA',
	body: 'z_WJDyh3-_aSvRqxP-_zDmSvlWQh31DVrH_P0bIt-qqrBPToPea7Fg1nlxtzipgw91vUP_r8RNC1OY0',
	wraps: [
		{
			reader: 'ana',
			wrapper: 'ana',
			box: '8YD2mtc5IzHbcsIzUdnAwisKUMZ4kiwMxvUI_bLxRQdtk3JpYlDwXwyKT-YVu-l6BSKlEsDa93MEXOnX9F2bK2suKuj_uO4mRsHgXRf9HZSrRdUDujzBCfyXSj6QzSQ9hL75UXRt4NBpsdd8OO3smAC9FsNZd6aBtcAKJxF_BmNOCqz2vjxwBwSfdjyELRA8omzCrHp_KwqeX5kGQX3O_Fyuo-gPxkWBBmczQOw'
		},
		{
			reader: 'ben',
			wrapper: 'ana',
			box: 'd6CK2vHgqCWylJuMEj60zJAFLFkfviy5mbnhpCjKVEGPWSCl8ByzbPPqYmC64Kalkx4VAPnVT3XTuHvQUpK5YQ7xiS8DawJMq8tcHVeSKnLR92r-8WoJkUced4H-FH2W39J-IRcWsAwUHw3oWRGVdHFqe97ZGzhvAwdcdpHRvrW7fv2hzBrr22Z6P4VowlAwdPc520m8rkIqMUe8wm1kiGp-R-pkoLrnrt__3G8'
		}
	]
};
const PINNED_HEADER_HASH = '97f361d67fef35283a74a69c904f6b8aa501a9f850b1feb05ca70d025e997388';
const anaFp = fingerprint(cast.ana.signPk, cast.ana.boxPk);

describe('pinned envelope (fixed keys)', () => {
	it('still opens, to the same words, with the same header hash', async () => {
		const o = await openEnvelope(envelopeFromJson(PINNED), {
			me: cast.ben,
			expected: { kind: 'case-summary', caseId: CASE, objectId: 'kat-1' },
			membership: listMembership([standardMembers()]),
			directory: everyone
		});
		expect(new TextDecoder().decode(o.body!)).toBe('Circle on Thursday.');
		expect(toHex(o.headerHash)).toBe(PINNED_HEADER_HASH);
		expect(toHex(sha256(fromBase64url(PINNED.header)))).toBe(PINNED_HEADER_HASH);
		expect(o.header).toMatchObject({
			author: { userId: 'ana', fp: anaFp },
			logSeq: 0,
			createdAt: T
		});
	});

	it('has a wrap laid out as key ‖ header hash ‖ reader ‖ wrapper ‖ wrapper seq', () => {
		const box = fromBase64url(PINNED.wraps[1]!.box);
		const plain = nacl.box.open(
			box.subarray(24),
			box.subarray(0, 24),
			cast.ana.boxPk,
			cast.ben.boxSk
		)!;
		const key = plain.subarray(
			dom('envelope/wrap/v1').length + 4,
			dom('envelope/wrap/v1').length + 36
		);
		const expected = Buffer.concat([
			dom('envelope/wrap/v1'),
			frame(key),
			frame(Buffer.from(PINNED_HEADER_HASH, 'hex')),
			frame(str('ben')),
			frame(str('ana')),
			frame(some(u64(0)))
		]);
		expect(toHex(plain)).toBe(toHex(expected));
		// The body hash commits to that key and the sealed body.
		const body = fromBase64url(PINNED.body);
		const header = decodeHeader(fromBase64url(PINNED.header));
		expect(header.bodyHash).toEqual(
			sha256(Buffer.concat([dom('envelope/body/v1'), frame(key), frame(body)]))
		);
		const text = nacl.secretbox.open(body.subarray(24), body.subarray(0, 24), key)!;
		expect(new TextDecoder().decode(text)).toBe('Circle on Thursday.');
	});
});

describe('encodings, computed independently', () => {
	const header: EnvelopeHeader = {
		v: 1,
		kind: 'conversation',
		caseId: CASE,
		objectId: 'c-9',
		version: 2,
		prev: new Uint8Array(32).fill(0xaa),
		author: { userId: 'ana', fp: anaFp },
		subject: 'kit',
		logSeq: 7,
		bodyHash: new Uint8Array(32).fill(0xbb),
		createdAt: T,
		deleted: false,
		attachment: {
			size: 5,
			chunkSize: 4,
			chunks: [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)]
		}
	};

	it('encodes a header field by field, and decodes it back', () => {
		const attachment = Buffer.concat([
			frame(u64(5)),
			frame(u64(4)),
			frame(listOf(header.attachment!.chunks))
		]);
		const expected = Buffer.concat([
			dom('envelope/header/v1'),
			frame(str('conversation')),
			frame(some(str(CASE))),
			frame(str('c-9')),
			frame(u64(2)),
			frame(some(header.prev!)),
			frame(Buffer.concat([frame(str('ana')), frame(anaFp)])),
			frame(some(str('kit'))),
			frame(some(u64(7))),
			frame(header.bodyHash),
			frame(u64(T)),
			frame(u64(0)),
			frame(some(attachment))
		]);
		expect(toHex(encodeHeader(header))).toBe(toHex(expected));
		expect(decodeHeader(new Uint8Array(expected))).toEqual(header);
		// And the optional fields absent: personal scope, version 1, no subject, no attachment.
		const personal = {
			...header,
			kind: 'notebook',
			caseId: null,
			version: 1,
			prev: null,
			subject: null,
			logSeq: null,
			deleted: true,
			attachment: null
		};
		const bytes = Buffer.concat([
			dom('envelope/header/v1'),
			frame(str('notebook')),
			frame(none),
			frame(str('c-9')),
			frame(u64(1)),
			frame(none),
			frame(Buffer.concat([frame(str('ana')), frame(anaFp)])),
			frame(none),
			frame(none),
			frame(header.bodyHash),
			frame(u64(T)),
			frame(u64(1)),
			frame(none)
		]);
		expect(toHex(encodeHeader(personal))).toBe(toHex(bytes));
		expect(decodeHeader(new Uint8Array(bytes))).toEqual(personal);
	});

	it('hashes bodies over the content key and the sealed bytes', async () => {
		const key = new Uint8Array(32).fill(3);
		const sealed = new Uint8Array([1, 2, 3, 4]);
		const expected = sha256(Buffer.concat([dom('envelope/body/v1'), frame(key), frame(sealed)]));
		expect(await bodyHash(key, sealed)).toEqual(expected);
	});

	it('lays out a wrap with no log seq in personal scope', () => {
		const w = {
			contentKey: new Uint8Array(32),
			headerHash: new Uint8Array(32).fill(9),
			reader: 'sam',
			wrapper: 'sam',
			wrapSeq: null
		};
		const expected = Buffer.concat([
			dom('envelope/wrap/v1'),
			frame(w.contentKey),
			frame(w.headerHash),
			frame(str('sam')),
			frame(str('sam')),
			frame(none)
		]);
		expect(toHex(encodeWrapContent(w))).toBe(toHex(expected));
	});

	it('refuses a header that decodes but is not in its one canonical form', () => {
		// A BOM before the kind decodes to the same string but is other bytes.
		const bytes = encodeHeader({ ...header, kind: '\ufeffconversation' });
		expect(() => decodeHeader(bytes)).toThrow(/bad_encoding|unknown_version/);
	});
});
