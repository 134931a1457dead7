import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
	agreementDigest,
	agreementInForce,
	consentMessage,
	signConsent,
	verifyConsent,
	type AgreementDraft,
	type Consent,
	type Decision
} from './agreement';
import { toHex } from './bytes';
import { codeOf } from './case-log.fixtures';
import { cast } from './envelope.fixtures';
import { fingerprint, publicOf, type Identity } from './identity';
import { dom, frame, listOf, none, sha256, some, str, u64 } from './kat.fixtures';

const fp = (id: Identity) => fingerprint(id.signPk, id.boxPk);
const draft: AgreementDraft = {
	caseId: 'case-1',
	agreementId: 'agr-1',
	version: 1,
	prev: null,
	textBodyHash: new Uint8Array(32).fill(0x11),
	items: [
		{
			itemId: 'i-2',
			kind: 'apology',
			ownerUserId: 'rio',
			due: 1_700_000_000_000,
			repeat: { every: 'week', count: 3 }
		},
		{ itemId: 'i-1', kind: 'no-contact', ownerUserId: 'rio', due: null }
	],
	signerFps: [fp(cast.sam), fp(cast.rio)],
	logHead: { seq: 4, hash: new Uint8Array(32).fill(0x22) }
};
const signers = [
	{ ...publicOf(cast.sam), role: 'survivor' },
	{ ...publicOf(cast.rio), role: 'responsible' }
];

async function consent(id: Identity, role: string, decision: Decision, d?: Uint8Array) {
	const digest = d ?? (await agreementDigest(draft));
	return { userId: id.userId, role, decision, signature: signConsent(digest, role, decision, id) };
}

describe('agreementDigest', () => {
	it('is SHA-256 of the encoded draft, items by id and fps sorted (known answer)', async () => {
		const item = (id: string, kind: string, owner: string, due: Uint8Array, repeat: Uint8Array) =>
			Buffer.concat([
				frame(str(id)),
				frame(str(kind)),
				frame(str(owner)),
				frame(due),
				frame(repeat)
			]);
		const fps = [fp(cast.sam), fp(cast.rio)].sort((a, b) => Buffer.compare(a, b));
		const expected = sha256(
			Buffer.concat([
				dom('agreement/digest/v1'),
				frame(str('case-1')),
				frame(str('agr-1')),
				frame(u64(1)),
				frame(none),
				frame(draft.textBodyHash),
				frame(
					listOf([
						item('i-1', 'no-contact', 'rio', none, none),
						item(
							'i-2',
							'apology',
							'rio',
							some(u64(1_700_000_000_000)),
							some(Buffer.concat([frame(str('week')), frame(u64(3))]))
						)
					])
				),
				frame(listOf(fps)),
				frame(Buffer.concat([frame(u64(4)), frame(draft.logHead.hash)]))
			])
		);
		expect(toHex(await agreementDigest(draft))).toBe(toHex(expected));
	});

	it('does not depend on the order the server sent items or signers in', async () => {
		const d = await agreementDigest(draft);
		const shuffled = {
			...draft,
			items: [...draft.items].reverse(),
			signerFps: [...draft.signerFps].reverse()
		};
		expect(await agreementDigest(shuffled)).toEqual(d);
	});

	it('changes with every field', async () => {
		const d = toHex(await agreementDigest(draft));
		const variants: Partial<AgreementDraft>[] = [
			{ caseId: 'case-2' },
			{ agreementId: 'agr-2' },
			{ version: 2, prev: new Uint8Array(32) },
			{ textBodyHash: new Uint8Array(32) },
			{ items: draft.items.slice(1) },
			{ items: [{ ...draft.items[0]!, due: null }, draft.items[1]!] },
			{ items: [{ ...draft.items[0]!, ownerUserId: 'sam' }, draft.items[1]!] },
			{ items: [{ ...draft.items[0]!, repeat: null }, draft.items[1]!] },
			{ items: [{ ...draft.items[0]!, repeat: { every: 'month', count: 3 } }, draft.items[1]!] },
			{ items: [{ ...draft.items[0]!, repeat: { every: 'week', count: 4 } }, draft.items[1]!] },
			{ items: [{ ...draft.items[0]!, kind: 'boundary' }, draft.items[1]!] },
			{ signerFps: [fp(cast.sam)] },
			{ logHead: { seq: 5, hash: draft.logHead.hash } }
		];
		for (const v of variants) expect(toHex(await agreementDigest({ ...draft, ...v }))).not.toBe(d);
	});

	it('refuses repeated items or signers, no signers, and a version without its prev', async () => {
		const twice = { ...draft, items: [draft.items[0]!, draft.items[0]!] };
		expect(await codeOf(() => agreementDigest(twice))).toBe('bad_encoding');
		expect(
			await codeOf(() => agreementDigest({ ...draft, signerFps: [fp(cast.sam), fp(cast.sam)] }))
		).toBe('bad_encoding');
		expect(await codeOf(() => agreementDigest({ ...draft, signerFps: [] }))).toBe('bad_encoding');
		expect(await codeOf(() => agreementDigest({ ...draft, version: 2 }))).toBe('bad_encoding');
		expect(await codeOf(() => agreementDigest({ ...draft, prev: new Uint8Array(32) }))).toBe(
			'bad_encoding'
		);
		expect(
			await codeOf(() => agreementDigest({ ...draft, textBodyHash: new Uint8Array(31) }))
		).toBe('bad_length');
	});
});

describe('signConsent / verifyConsent', () => {
	it('signs ("agree-sig/v1", D, role, decision) with Ed25519 (known answer)', async () => {
		const d = new Uint8Array(32).fill(0x33);
		const message = Buffer.concat([
			dom('agree-sig/v1'),
			frame(d),
			frame(str('survivor')),
			frame(str('approve'))
		]);
		expect(toHex(consentMessage(d, 'survivor', 'approve'))).toBe(toHex(message));
		const signature = signConsent(d, 'survivor', 'approve', cast.sam);
		expect(nacl.sign.detached.verify(message, signature, cast.sam.signPk)).toBe(true);
		// Ed25519 is deterministic: the fixed key gives this signature, always.
		expect(toHex(signature)).toBe(PINNED_SIGNATURE);
	});

	it('refuses a consent over another D, role or decision, or by another key', async () => {
		const d = await agreementDigest(draft);
		const c = await consent(cast.sam, 'survivor', 'approve');
		await verifyConsent(d, c, cast.sam.signPk);
		const otherD = await agreementDigest({ ...draft, agreementId: 'agr-2' });
		expect(await codeOf(() => verifyConsent(otherD, c, cast.sam.signPk))).toBe('bad_signature');
		expect(
			await codeOf(() => verifyConsent(d, { ...c, role: 'responsible' }, cast.sam.signPk))
		).toBe('bad_signature');
		expect(
			await codeOf(() => verifyConsent(d, { ...c, decision: 'decline' }, cast.sam.signPk))
		).toBe('bad_signature');
		expect(await codeOf(() => verifyConsent(d, c, cast.rio.signPk))).toBe('bad_signature');
	});

	it('fails on one changed byte: of the signature, or of anything D covers', async () => {
		const d = await agreementDigest(draft);
		const c = await consent(cast.sam, 'survivor', 'approve');
		for (let i = 0; i < 64; i += 9) {
			const sig = c.signature.slice();
			sig[i]! ^= 0x01;
			const changed = { ...c, signature: sig };
			expect(await codeOf(() => verifyConsent(d, changed, cast.sam.signPk))).toBe('bad_signature');
		}
		const text = draft.textBodyHash.slice();
		text[31]! ^= 0x80;
		const otherText = await agreementDigest({ ...draft, textBodyHash: text });
		expect(await codeOf(() => verifyConsent(otherText, c, cast.sam.signPk))).toBe('bad_signature');
		// Someone D does not name signs a valid consent: it counts for nothing.
		const kit = { ...(await consent(cast.kit, 'survivor', 'approve')), userId: 'sam' };
		const rio = await consent(cast.rio, 'responsible', 'approve');
		expect(await agreementInForce(draft, signers, [kit, rio])).toBe(false);
	});

	it('refuses a non-canonical signature (S + L), which lax verifiers accept', async () => {
		const d = await agreementDigest(draft);
		const c = await consent(cast.sam, 'survivor', 'approve');
		const malleated = { ...c, signature: addL(c.signature) };
		expect(await codeOf(() => verifyConsent(d, malleated, cast.sam.signPk))).toBe('bad_signature');
	});
});

describe('agreementInForce', () => {
	it('only when every signer D names approved this D in their role', async () => {
		const sam = await consent(cast.sam, 'survivor', 'approve');
		const rio = await consent(cast.rio, 'responsible', 'approve');
		expect(await agreementInForce(draft, signers, [sam, rio])).toBe(true);
		expect(await agreementInForce(draft, signers, [rio, sam, rio])).toBe(true);
		expect(await agreementInForce(draft, signers, [sam])).toBe(false);
		const rioOnOther = await consent(
			cast.rio,
			'responsible',
			'approve',
			await agreementDigest({ ...draft, version: 2, prev: new Uint8Array(32) })
		);
		expect(await agreementInForce(draft, signers, [sam, rioOnOther])).toBe(false);
		const rioAsSurvivor = { ...(await consent(cast.rio, 'survivor', 'approve')), userId: 'rio' };
		expect(await agreementInForce(draft, signers, [sam, rioAsSurvivor])).toBe(false);
		// A consent signed by someone else's key does not count as rio's.
		const forged: Consent = {
			...(await consent(cast.sam, 'responsible', 'approve')),
			userId: 'rio'
		};
		expect(await agreementInForce(draft, signers, [sam, forged])).toBe(false);
	});

	it('never while a signer has declined, even beside their approval', async () => {
		const sam = await consent(cast.sam, 'survivor', 'approve');
		const rio = await consent(cast.rio, 'responsible', 'approve');
		const rioNo = await consent(cast.rio, 'responsible', 'decline');
		expect(await agreementInForce(draft, signers, [sam, rio, rioNo])).toBe(false);
		expect(await agreementInForce(draft, signers, [sam, rioNo])).toBe(false);
	});

	it('never when the signers given are not exactly the ones D names', async () => {
		const sam = await consent(cast.sam, 'survivor', 'approve');
		const rio = await consent(cast.rio, 'responsible', 'approve');
		expect(await agreementInForce(draft, signers.slice(0, 1), [sam, rio])).toBe(false);
		const extra = [...signers, { ...publicOf(cast.kit), role: 'supporter' }];
		expect(await agreementInForce(draft, extra, [sam, rio])).toBe(false);
		// The server's keys for sam instead of the ones D names.
		const swapped = [{ ...publicOf(cast.mal), userId: 'sam', role: 'survivor' }, signers[1]!];
		const malAsSam = { ...(await consent(cast.mal, 'survivor', 'approve')), userId: 'sam' };
		expect(await agreementInForce(draft, swapped, [malAsSam, rio])).toBe(false);
	});
});

const PINNED_SIGNATURE =
	'd34542940e49f66929cf0df435da6bea2fbd223b340cf2b047a69215302ac093a3816fb03c9027e7c2867d2d1f593bd87ce746407680a3b1e48cc44a8e3e6805';

// S + L: the same point equation holds, so only a canonical-S check refuses it.
function addL(signature: Uint8Array): Uint8Array {
	const L = [
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
	];
	const out = signature.slice();
	let carry = 0;
	for (let i = 0; i < 32; i++) {
		const v = out[32 + i]! + L[i]! + carry;
		out[32 + i] = v & 0xff;
		carry = v >> 8;
	}
	return out;
}
