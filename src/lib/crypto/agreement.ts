import { equalBytes, toHex } from './bytes';
import { bin, encode, int, list, opt, text, tuple } from './encoding';
import { CryptoError, fail } from './errors';
import { fingerprint, type Identity, type PublicIdentity } from './identity';
import { sha256, sign, verifySignature } from './primitives';

/**
 * Agreements (DESIGN §4). Each version has a digest D over everything agreed; a party consents
 * by signing (D, role, decision) with Ed25519 — deliberately non-deniable, and people are told
 * so. D binds the text through its envelope's bodyHash, which commits to the content key and
 * the ciphertext, so every signer read the same words. Never use a signature as an id.
 */
export type AgreementItem = {
	itemId: string;
	kind: string;
	ownerUserId: string;
	/** Due day (UTC midnight in ms), or null for no date. */
	due: number | null;
	/** A recurring item: due on `due` and then every week or month, `count` times in all. */
	repeat?: { every: 'week' | 'month'; count: number } | null;
};

export type AgreementDraft = {
	caseId: string;
	agreementId: string;
	version: number;
	/** D of the previous version; null for version 1. */
	prev: Uint8Array | null;
	/** `header.bodyHash` of the envelope holding the agreement text. */
	textBodyHash: Uint8Array;
	items: readonly AgreementItem[];
	/** Fingerprints of everyone whose approval it needs. */
	signerFps: readonly Uint8Array[];
	/** The drafting facilitator's validated log head; signers check it against their own log. */
	logHead: { seq: number; hash: Uint8Array };
};

export type Decision = 'approve' | 'decline';
export type Consent = { userId: string; role: string; decision: Decision; signature: Uint8Array };
export type RequiredSigner = PublicIdentity & { role: string };

/**
 * D = SHA-256 of the encoded draft. Items are sorted by id and fps bytewise, so every browser
 * that builds a draft from the same facts gets the same D whatever order the server sent.
 */
export async function agreementDigest(a: AgreementDraft): Promise<Uint8Array> {
	if (a.version < 1 || (a.version === 1) !== (a.prev === null)) fail('bad_encoding', 'version');
	for (const h of [a.prev, a.textBodyHash, a.logHead.hash, ...a.signerFps]) {
		if (h && h.length !== 32) fail('bad_length', 'hash');
	}
	const items = [...a.items].sort((x, y) => (x.itemId < y.itemId ? -1 : 1));
	const fps = sortedFps(a.signerFps);
	if (new Set(items.map((i) => i.itemId)).size !== items.length) fail('bad_encoding', 'items');
	if (new Set(fps.map(toHex)).size !== fps.length || fps.length === 0) {
		fail('bad_encoding', 'signers');
	}
	return sha256(
		encode(
			'agreement/digest/v1',
			text(a.caseId),
			text(a.agreementId),
			int(a.version),
			opt(a.prev),
			bin(a.textBodyHash),
			list(items.map(encodeItem)),
			list(fps),
			tuple(int(a.logHead.seq), bin(a.logHead.hash))
		)
	);
}

function encodeItem(i: AgreementItem): Uint8Array {
	const due = i.due === null ? null : int(i.due);
	const repeat = i.repeat ? tuple(text(i.repeat.every), int(i.repeat.count)) : null;
	return tuple(text(i.itemId), text(i.kind), text(i.ownerUserId), opt(due), opt(repeat));
}

function sortedFps(fps: readonly Uint8Array[]): Uint8Array[] {
	return [...fps].sort((x, y) => (toHex(x) < toHex(y) ? -1 : 1));
}

export function consentMessage(d: Uint8Array, role: string, decision: Decision): Uint8Array {
	if (d.length !== 32) fail('bad_length', 'digest');
	if (decision !== 'approve' && decision !== 'decline') fail('bad_encoding', 'decision');
	return encode('agree-sig/v1', bin(d), text(role), text(decision));
}

export function signConsent(d: Uint8Array, role: string, decision: Decision, identity: Identity) {
	return sign(consentMessage(d, role, decision), identity.signSk);
}

/** Throws `bad_signature` unless `signPk` signed exactly this decision on this D in this role. */
export async function verifyConsent(d: Uint8Array, c: Consent, signPk: Uint8Array) {
	await verifySignature(signPk, consentMessage(d, c.role, c.decision), c.signature);
}

/**
 * In force only when every required signer — exactly the signers D names — approved this D
 * in their role. One valid decline, even beside an approval, keeps it out of force: consent can
 * be withdrawn, and changing a decline to an approval takes a new version.
 */
export async function agreementInForce(
	draft: AgreementDraft,
	signers: readonly RequiredSigner[],
	consents: readonly Consent[]
): Promise<boolean> {
	const d = await agreementDigest(draft);
	const named = sortedFps(draft.signerFps);
	const given = sortedFps(signers.map((s) => fingerprint(s.signPk, s.boxPk)));
	if (named.length !== given.length || named.some((fp, i) => !equalBytes(fp, given[i]!))) {
		return false;
	}
	for (const s of signers) {
		let approved = false;
		for (const c of consents) {
			if (c.userId !== s.userId || c.role !== s.role) continue;
			try {
				await verifyConsent(d, c, s.signPk);
			} catch (e) {
				// A signature over another D, role or decision simply does not count.
				if (e instanceof CryptoError) continue;
				throw e;
			}
			if (c.decision === 'decline') return false;
			approved = true;
		}
		if (!approved) return false;
	}
	return true;
}
