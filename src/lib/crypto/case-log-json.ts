import { fromBase64urlStrict, toBase64url } from './bytes';
import {
	checkEntryShape,
	checkId,
	type CaseLogEntry,
	type CaseLogOp,
	type LogContext
} from './case-log-entry';
import { fail } from './errors';
import type { CaseRole } from './members';

/**
 * The wire form of a case log entry, as the server stores and serves it. JSON is never
 * signed: the reader rebuilds the entry (adding the case and deployment it asked for) and
 * checks the signature over the encoded fields. Binary fields are canonical unpadded
 * base64url, so one entry has exactly one JSON form.
 */
export type CaseLogEntryJson = {
	v: 1;
	seq: number;
	prev: string;
	op: CaseLogOp;
	subject: { userId: string; fp: string };
	role: CaseRole;
	supports: string | null;
	signer: string;
	createdAt: number;
	sig: string;
};

const ENTRY_KEYS = 'v seq prev op subject role supports signer createdAt sig'.split(' ');

export function entryToJson(e: CaseLogEntry): CaseLogEntryJson {
	return {
		v: e.v,
		seq: e.seq,
		prev: toBase64url(e.prev),
		op: e.op,
		subject: { userId: e.subject.userId, fp: toBase64url(e.subject.fp) },
		role: e.role,
		supports: e.supports,
		signer: e.signer,
		createdAt: e.createdAt,
		sig: toBase64url(e.sig)
	};
}

/** Strict: exact keys, canonical base64url, known enums, right lengths; else a CryptoError. */
export function entryFromJson(json: unknown, context: LogContext): CaseLogEntry {
	// The version first: a newer format may have other keys, and must say so as such.
	const v = typeof json === 'object' && json !== null ? (json as { v?: unknown }).v : 1;
	if (v !== undefined && v !== 1) fail('unknown_version', 'case log entry');
	const o = record(json, ENTRY_KEYS);
	const subject = record(o.subject, ['userId', 'fp']);
	const entry = {
		v: 1 as const,
		deploymentId: context.deploymentId,
		caseId: context.caseId,
		seq: o.seq as number,
		prev: jsonBytes(o.prev),
		op: o.op as CaseLogOp,
		subject: { userId: subject.userId as string, fp: jsonBytes(subject.fp) },
		role: o.role as CaseRole,
		supports: o.supports as string | null,
		signer: o.signer as string,
		createdAt: o.createdAt as number,
		sig: jsonBytes(o.sig)
	};
	checkEntryShape(entry);
	return entry;
}

/** A plain object with exactly these keys. */
export function record(json: unknown, keys: string[]): Record<string, unknown> {
	if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('bad_encoding');
	const present = Object.keys(json);
	if (present.length !== keys.length || !keys.every((k) => Object.hasOwn(json, k))) {
		fail('bad_encoding', 'keys');
	}
	return json as Record<string, unknown>;
}

/** Canonical unpadded base64url only, so a re-encoded string cannot pass as a different one. */
export function jsonBytes(s: unknown): Uint8Array {
	if (typeof s !== 'string') fail('bad_encoding', 'base64url');
	return fromBase64urlStrict(s);
}

export function jsonId(s: unknown): string {
	checkId(s);
	return s;
}
