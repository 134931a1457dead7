import {
	agreementDigest,
	signConsent,
	verifyConsent,
	type AgreementDraft,
	type Decision
} from '$lib/crypto/agreement';
import { equalBytes, fromBase64url, toBase64url, wipe } from '$lib/crypto/bytes';
import { entryHash } from '$lib/crypto/case-log-entry';
import { fingerprint } from '$lib/crypto/identity';
import { randomId } from '$lib/crypto/primitives';
import type { AgreementView, VersionView } from '$lib/agreement-types';
import type { Repeat } from '$lib/agreement-dates';
import { getJson, postJson } from './http';
import type { CaseContext } from './case-log';
import {
	addCaseReaders,
	fromJsonBody,
	getCaseObject,
	jsonBody,
	listCaseObjects,
	logFacilitators,
	openCaseObject,
	readCaseObject,
	sealCaseObject,
	type StoredCaseObject
} from './case-objects';

/**
 * Agreements in the browser (DESIGN §4 "Agreements"). A facilitator seals the words and the
 * items together in one `agreement` object; the server keeps the items' structure beside it.
 * Every reader opens the words, checks the server's structure against them, computes the
 * digest D itself and verifies every signature on it: a row the server changed shows as
 * tampered here, whatever the server claims.
 */

export type ItemWords = {
	itemId: string;
	kind: string;
	ownerId: string;
	due: number | null;
	repeat: Repeat | null;
	/** What is agreed, in the people's own words. */
	text: string;
	/** How completion is checked (e.g. "the counsellor confirms attendance"). */
	verification: string;
};

export type AgreementWords = {
	/** What the agreement is for, in a sentence or two. */
	intro: string;
	items: ItemWords[];
};

type Body = {
	v: 1;
	type: 'agreement';
	intro: string;
	items: ItemWords[];
	signers: { userId: string; role: 'survivor' | 'responsible'; fp: string }[];
	prevDigest: string | null;
	logHead: { seq: number; hash: string };
};

export type SignatureCheck = {
	userId: string;
	role: 'survivor' | 'responsible';
	method: 'signature' | 'note';
	decision: 'approve' | 'decline';
	at: number;
	/** A signature that verifies on this D with the key the log binds (a note: true). */
	valid: boolean;
};

export type OpenedVersion = {
	version: number;
	createdAt: number;
	createdBy: string;
	/** The digest this browser computed (never the server's copy). */
	digest: Uint8Array | null;
	/** Why this version cannot be trusted, or null when every check passed. */
	tampered: string | null;
	words: AgreementWords | null;
	signers: { userId: string; role: 'survivor' | 'responsible' }[];
	signatures: SignatureCheck[];
	/** Every required signature verifies on this D and every survivor asked has approved. */
	inForce: boolean;
	row: VersionView;
};

export type LoadedAgreement = { view: AgreementView; versions: OpenedVersion[] };

export const getAgreement = (caseId: string) =>
	getJson<{ agreement: AgreementView }>(`/api/cases/${caseId}/agreement`).then((r) => r.agreement);

const sameItems = (a: Omit<ItemWords, 'text' | 'verification'>[], b: VersionView['items']) =>
	a.length === b.length &&
	[...a]
		.sort((x, y) => (x.itemId < y.itemId ? -1 : 1))
		.every((x, i) => {
			const y = b[i]!;
			return (
				x.itemId === y.itemId &&
				x.kind === y.kind &&
				x.ownerId === y.ownerId &&
				x.due === y.due &&
				(x.repeat?.every ?? null) === (y.repeat?.every ?? null) &&
				(x.repeat?.count ?? null) === (y.repeat?.count ?? null)
			);
		});

const sortedIds = <T extends { userId: string }>(xs: T[]) =>
	[...xs].sort((a, b) => (a.userId < b.userId ? -1 : 1));

export function parseBody(bytes: Uint8Array | null): Body {
	const b = bytes ? (fromJsonBody(bytes) as Body) : null;
	if (!b || b.v !== 1 || b.type !== 'agreement' || !Array.isArray(b.items)) {
		throw new Error('agreement body');
	}
	return b;
}

function draftOf(
	ctx: CaseContext,
	agreementId: string,
	version: number,
	body: Body,
	bodyHash: Uint8Array
): AgreementDraft {
	return {
		caseId: ctx.caseId,
		agreementId,
		version,
		prev: body.prevDigest ? fromBase64url(body.prevDigest) : null,
		textBodyHash: bodyHash,
		items: body.items.map((i) => ({
			itemId: i.itemId,
			kind: i.kind,
			ownerUserId: i.ownerId,
			due: i.due,
			repeat: i.repeat
		})),
		signerFps: body.signers.map((s) => fromBase64url(s.fp)),
		logHead: { seq: body.logHead.seq, hash: fromBase64url(body.logHead.hash) }
	};
}

/**
 * Opens one version and checks it against everything the server sent about it. Any mismatch —
 * ciphertext, version, an item's owner or date, the signers, the chain of digests, the log
 * head — makes it tampered, and nothing about it is trusted.
 */
async function openVersion(
	ctx: CaseContext,
	agreementId: string,
	row: VersionView,
	prevDigest: Uint8Array | null
): Promise<OpenedVersion> {
	const out: OpenedVersion = {
		version: row.version,
		createdAt: row.createdAt,
		createdBy: row.createdBy,
		digest: null,
		tampered: null,
		words: null,
		signers: row.signers.map((s) => ({ userId: s.userId, role: s.role })),
		signatures: [],
		inForce: false,
		row
	};
	const stored = await getCaseObject(ctx.caseId, agreementId, row.version);
	if (!stored) return { ...out, tampered: 'missing' };
	let body: Body;
	let bodyHash: Uint8Array;
	try {
		const opened = await openCaseObject(ctx, stored);
		wipe(opened.contentKey);
		body = parseBody(opened.body);
		bodyHash = opened.header.bodyHash;
	} catch {
		return { ...out, tampered: 'words' };
	}
	out.words = { intro: String(body.intro ?? ''), items: body.items };
	if (!sameItems(body.items, row.items)) return { ...out, tampered: 'items' };
	const signersMatch =
		JSON.stringify(sortedIds(body.signers)) === JSON.stringify(sortedIds(row.signers));
	if (!signersMatch) return { ...out, tampered: 'signers' };
	// Each signer's key is the one the log binds to them, as of the head the draft names.
	const members = ctx.membership.membersAt(Math.min(body.logHead.seq, ctx.membership.headSeq));
	for (const s of body.signers) {
		const m = members.get(s.userId);
		if (!m || m.role !== s.role || toBase64url(m.fp) !== s.fp)
			return { ...out, tampered: 'signers' };
	}
	const entry = ctx.entries[body.logHead.seq];
	if (!entry || !equalBytes(entryHash(entry), fromBase64url(body.logHead.hash))) {
		return { ...out, tampered: 'log' };
	}
	const expectedPrev = prevDigest ? toBase64url(prevDigest) : null;
	if (body.prevDigest !== expectedPrev || row.prevDigest !== expectedPrev) {
		return { ...out, tampered: 'chain' };
	}
	let d: Uint8Array;
	try {
		d = await agreementDigest(draftOf(ctx, agreementId, row.version, body, bodyHash));
	} catch {
		return { ...out, tampered: 'digest' };
	}
	if (toBase64url(d) !== row.digest) return { ...out, digest: d, tampered: 'digest' };
	out.digest = d;
	for (const c of row.consents) {
		let valid = c.method === 'note';
		if (c.method === 'signature' && c.signature) {
			const pub = ctx.directory.get(c.userId);
			const bound = members.get(c.userId);
			const keyOk = pub && bound && equalBytes(fingerprint(pub.signPk, pub.boxPk), bound.fp);
			if (keyOk) {
				try {
					await verifyConsent(
						d,
						{
							userId: c.userId,
							role: c.role,
							decision: c.decision,
							signature: fromBase64url(c.signature)
						},
						pub.signPk
					);
					valid = true;
				} catch {
					valid = false;
				}
			}
		}
		out.signatures.push({
			userId: c.userId,
			role: c.role,
			method: c.method,
			decision: c.decision,
			at: c.at,
			valid
		});
	}
	const approved = (id: string) =>
		out.signatures.some((s) => s.userId === id && s.valid && s.decision === 'approve');
	const declined = out.signatures.some((s) => s.valid && s.decision === 'decline');
	// Every signature D names is checked here. A survivor's private approval carries no
	// signature, so for those the server's word that every approval is in is all there is.
	out.inForce =
		!declined && body.signers.every((s) => approved(s.userId)) && row.inForceAt !== null;
	if (out.signatures.some((s) => !s.valid)) out.tampered = 'signature';
	return out;
}

/** The agreement and every version, opened and checked. */
export async function loadAgreement(ctx: CaseContext): Promise<LoadedAgreement> {
	const view = await getAgreement(ctx.caseId);
	const versions: OpenedVersion[] = [];
	let prev: Uint8Array | null = null;
	let broken = false;
	for (const row of view.versions) {
		const v: OpenedVersion = await openVersion(ctx, view.id!, row, prev);
		// After a broken link nothing later can be trusted either: its chain starts from it.
		if (broken && !v.tampered) v.tampered = 'chain';
		if (v.tampered) broken = true;
		versions.push(v);
		prev = v.digest;
	}
	return { view, versions };
}

/** The newest version anyone may act on, and the one in force (each checked here). */
export function currentOf(a: LoadedAgreement) {
	const latest = a.versions.at(-1) ?? null;
	const inForce = [...a.versions].reverse().find((v) => v.inForce && !v.tampered) ?? null;
	return { latest, inForce };
}

/**
 * A facilitator saves the next version: the words and items sealed for everyone who may read
 * the agreement now, the digest computed here over them, the signers the server asked for with
 * the keys this browser's log binds to them.
 */
export async function saveVersion(ctx: CaseContext, a: LoadedAgreement, words: AgreementWords) {
	const drafting = a.view.drafting;
	if (!drafting) throw new Error('not a facilitator');
	const latest = a.versions.at(-1) ?? null;
	if (latest && (latest.tampered || !latest.digest)) throw new Error('tampered');
	const members = ctx.membership.membersAt();
	const signers = drafting.signers.map((s) => {
		const m = members.get(s.userId);
		if (!m || m.role !== s.role) throw new Error('signer not in log');
		return { userId: s.userId, role: s.role, fp: toBase64url(m.fp) };
	});
	const agreementId = a.view.id ?? randomId();
	const version = (latest?.version ?? 0) + 1;
	const prevDigest = latest?.digest ? toBase64url(latest.digest) : null;
	const head = ctx.membership;
	const body: Body = {
		v: 1,
		type: 'agreement',
		intro: words.intro,
		items: words.items,
		signers,
		prevDigest,
		logHead: { seq: head.headSeq, hash: toBase64url(head.headHash) }
	};
	const previous = latest ? await getCaseObject(ctx.caseId, agreementId, latest.version) : null;
	const prev = previous ? await openCaseObject(ctx, previous) : null;
	if (prev) wipe(prev.contentKey);
	const readers = drafting.readers.filter((id) => id === ctx.me.userId || members.has(id));
	const { sealed, json } = await sealCaseObject(ctx, {
		kind: 'agreement',
		objectId: agreementId,
		prev: prev ? { header: prev.header, headerHash: prev.headerHash } : null,
		body: jsonBody(body),
		readers: [...new Set([...logFacilitators(ctx), ...readers])]
	});
	const d = await agreementDigest(draftOf(ctx, agreementId, version, body, sealed.header.bodyHash));
	await postJson(`/api/cases/${ctx.caseId}/agreement/versions`, {
		agreementId,
		version,
		digest: toBase64url(d),
		prevDigest,
		logHead: body.logHead,
		items: words.items.map((i) => ({
			itemId: i.itemId,
			kind: i.kind,
			ownerId: i.ownerId || null,
			due: i.due,
			repeat: i.repeat
		})),
		signers,
		text: json
	});
}

/** Signs the version (deliberately non-deniable) in this browser and sends only the signature. */
export async function signVersion(ctx: CaseContext, v: OpenedVersion, decision: Decision) {
	if (!v.digest || v.tampered) throw new Error('tampered');
	const role = v.signers.find((s) => s.userId === ctx.me.userId)?.role;
	if (!role) throw new Error('not a signer');
	const signature = signConsent(v.digest, role, decision, ctx.me);
	return postJson<{ inForce: boolean }>(`/api/cases/${ctx.caseId}/agreement/consents`, {
		method: 'signature',
		version: v.version,
		decision,
		signature: toBase64url(signature)
	});
}

/** A survivor approves privately, to the facilitators: nothing is signed. */
export const approvePrivately = (caseId: string, version: number) =>
	postJson<{ inForce: boolean }>(`/api/cases/${caseId}/agreement/consents`, {
		method: 'note',
		version
	});

export type ItemChange =
	| { change: 'added'; item: ItemWords }
	| { change: 'removed'; item: ItemWords }
	| { change: 'changed'; item: ItemWords; before: ItemWords; fields: (keyof ItemWords)[] };

/** What changed from one version to the next, item by item (ids stay across versions). */
export function changesBetween(before: AgreementWords | null, after: AgreementWords): ItemChange[] {
	const old = new Map((before?.items ?? []).map((i) => [i.itemId, i]));
	const out: ItemChange[] = [];
	for (const item of after.items) {
		const b = old.get(item.itemId);
		if (!b) {
			out.push({ change: 'added', item });
			continue;
		}
		old.delete(item.itemId);
		const fields = (['kind', 'text', 'verification', 'ownerId', 'due', 'repeat'] as const).filter(
			(f) => JSON.stringify(b[f] ?? null) !== JSON.stringify(item[f] ?? null)
		);
		if (fields.length > 0) out.push({ change: 'changed', item, before: b, fields: [...fields] });
	}
	for (const item of old.values()) out.push({ change: 'removed', item });
	return out;
}

export const newItemId = () => randomId();

// ——— Check-ins ———

export type CheckIn = {
	id: string;
	itemId: string;
	authorId: string;
	createdAt: number;
	text: string;
	passedOn: string[];
	row: StoredCaseObject;
};

/**
 * Posts a check-in on an item: sealed for the facilitators and its author only. Survivors get it
 * only if a facilitator passes it on, as their follow-up choice allows.
 */
export async function postCheckIn(ctx: CaseContext, itemId: string, text: string) {
	const { json } = await sealCaseObject(ctx, {
		kind: 'check-in',
		objectId: randomId(),
		prev: null,
		body: jsonBody({ v: 1, type: 'check-in', itemId, text }),
		readers: logFacilitators(ctx)
	});
	await postJson(`/api/cases/${ctx.caseId}/agreement/check-ins`, { itemId, envelope: json });
}

/** The check-ins this person may read, opened; the item each names must match the server's. */
export async function loadCheckIns(ctx: CaseContext, view: AgreementView): Promise<CheckIn[]> {
	if (view.checkIns.length === 0) return [];
	const rows = await listCaseObjects(ctx.caseId, ['check-in']);
	const out: CheckIn[] = [];
	for (const c of view.checkIns) {
		const row = rows.find((r) => r.objectId === c.id);
		if (!row || row.deleted) continue;
		const text = await readCaseObject(ctx, row, (body) => {
			const b = body ? (fromJsonBody(body) as { itemId?: unknown; text?: unknown }) : null;
			if (!b || b.itemId !== c.itemId || typeof b.text !== 'string') throw new Error('check-in');
			return b.text;
		});
		out.push({ ...c, text, row });
	}
	return out;
}

/** A facilitator passes a check-in on to these survivors (who chose every update). */
export async function passOn(ctx: CaseContext, checkIn: CheckIn, survivorIds: string[]) {
	const url = `/api/cases/${ctx.caseId}/agreement/check-ins/${checkIn.id}`;
	await addCaseReaders(ctx, checkIn.row, survivorIds, url);
}

/**
 * Whoever may read the agreement now but has no wrap of a version yet (a new co-facilitator,
 * a supporter their party has just let read it) is given one by a facilitator's browser.
 */
export async function shareAgreement(ctx: CaseContext, a: LoadedAgreement): Promise<number> {
	if (!a.view.drafting || !a.view.id) return 0;
	const readers = a.view.drafting.readers;
	let added = 0;
	for (const v of a.versions) {
		if (v.tampered) continue;
		const row = await getCaseObject(ctx.caseId, a.view.id, v.version);
		if (row) added += await addCaseReaders(ctx, row, readers);
	}
	return added;
}
