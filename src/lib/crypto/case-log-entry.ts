import { bin, encode, int, opt, text, tuple } from './encoding';
import { fail } from './errors';
import { CASE_ROLES, type CaseRole } from './members';
import { sha512, sign, verifySignature } from './primitives';

/**
 * One entry of the case log: a membership change, hash-chained to the entry before it and
 * signed (Ed25519, deliberately non-deniable) by a facilitator. This module knows the format
 * only; the rules that make a log valid live in case-log-rules.ts and case-log.ts.
 */
export const CASE_LOG_OPS = ['create', 'add', 'remove', 'role'] as const;
export type CaseLogOp = (typeof CASE_LOG_OPS)[number];

export type LogSubject = { userId: string; fp: Uint8Array };

/** Where a log lives. Not in the JSON: the reader supplies it, and the signature binds it. */
export type LogContext = { deploymentId: string; caseId: string };

export type CaseLogEntry = LogContext & {
	v: 1;
	seq: number;
	/** Hash of the previous entry; 32 zero bytes for seq 0. */
	prev: Uint8Array;
	op: CaseLogOp;
	subject: LogSubject;
	/** The subject's role after this entry; for `remove`, the role they held. */
	role: CaseRole;
	/** For a supporter: the party they support. */
	supports: string | null;
	signer: string;
	createdAt: number;
	sig: Uint8Array;
};

export type UnsignedEntry = Omit<CaseLogEntry, 'sig'>;

export const GENESIS_PREV = new Uint8Array(32);
const MAX_ID = 256;

/** Shapes every later check relies on; anything else fails closed before any crypto runs. */
export function checkEntryShape(e: UnsignedEntry & { sig?: Uint8Array }): void {
	if (e.v !== 1) fail('unknown_version', 'case log entry');
	for (const id of [e.deploymentId, e.caseId, e.subject.userId, e.signer]) checkId(id);
	if (e.supports !== null) checkId(e.supports);
	if (!Number.isSafeInteger(e.seq) || e.seq < 0) fail('bad_encoding', 'seq');
	if (!Number.isSafeInteger(e.createdAt) || e.createdAt < 0) fail('bad_encoding', 'createdAt');
	if (!CASE_LOG_OPS.includes(e.op)) fail('bad_encoding', 'op');
	if (!CASE_ROLES.includes(e.role)) fail('bad_encoding', 'role');
	checkBytes(e.prev, 32, 'prev');
	checkBytes(e.subject.fp, 32, 'fp');
	if (e.sig !== undefined) checkBytes(e.sig, 64, 'signature');
}

export function checkId(id: unknown): asserts id is string {
	if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID) fail('bad_encoding', 'id');
}

function checkBytes(b: unknown, length: number, what: string) {
	if (!(b instanceof Uint8Array)) fail('bad_encoding', what);
	if (b.length !== length) fail('bad_length', what);
}

/** The bytes a facilitator signs: every field but the signature, in the one encoding. */
export function entrySigningBytes(e: UnsignedEntry): Uint8Array {
	return encode(
		'case-log/entry/v1',
		int(e.v),
		text(e.deploymentId),
		text(e.caseId),
		int(e.seq),
		bin(e.prev),
		text(e.op),
		tuple(text(e.subject.userId), bin(e.subject.fp)),
		text(e.role),
		opt(e.supports === null ? null : text(e.supports)),
		text(e.signer),
		int(e.createdAt)
	);
}

/** The chain link: covers the signature too, so a re-signed entry is a different entry. */
export function entryHash(e: CaseLogEntry): Uint8Array {
	return sha512(encode('case-log/hash/v1', bin(entrySigningBytes(e)), bin(e.sig))).slice(0, 32);
}

export function entryHashOf(signingBytes: Uint8Array, sig: Uint8Array): Uint8Array {
	return sha512(encode('case-log/hash/v1', bin(signingBytes), bin(sig))).slice(0, 32);
}

export function signEntry(e: UnsignedEntry, signSk: Uint8Array): CaseLogEntry {
	checkEntryShape(e);
	return { ...e, sig: sign(entrySigningBytes(e), signSk) };
}

export async function verifyEntry(e: CaseLogEntry, signPk: Uint8Array): Promise<void> {
	await verifySignature(signPk, entrySigningBytes(e), e.sig);
}
