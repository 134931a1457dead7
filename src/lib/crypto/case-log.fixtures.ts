import nacl from 'tweetnacl';
import { signEntry, type CaseLogEntry, type UnsignedEntry } from './case-log-entry';
import { appendEntry, createCaseLog, type Directory, type LogStep } from './case-log';
import { CryptoError, type CryptoErrorCode } from './errors';
import { fingerprint, publicOf, type Identity, type PublicIdentity } from './identity';
import type { CaseRole } from './members';

/** Shared by the case log specs (not shipped: only *.spec.ts import it). */
export const CONTEXT = { deploymentId: 'dep-test', caseId: 'case-1' };
export const T0 = 1_700_000_000_000;

const cache = new Map<string, Identity>();

/** A deterministic identity: sign seed = 32 × n, box secret key = 32 × (n + 128). */
export function fixedIdentity(userId: string, n: number): Identity {
	const key = `${userId}/${n}`;
	const hit = cache.get(key);
	if (hit) return hit;
	const sign = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(n));
	const box = nacl.box.keyPair.fromSecretKey(new Uint8Array(32).fill(n + 128));
	const id: Identity = {
		userId,
		keyVersion: 1,
		boxPk: box.publicKey,
		boxSk: box.secretKey,
		signPk: sign.publicKey,
		signSk: sign.secretKey
	};
	cache.set(key, id);
	return id;
}

/** The cast of the specs; `people.x` is always the same keys. */
export const people = {
	ana: fixedIdentity('ana', 1),
	ben: fixedIdentity('ben', 2),
	sam: fixedIdentity('sam', 3),
	rio: fixedIdentity('rio', 4),
	kit: fixedIdentity('kit', 5),
	mal: fixedIdentity('mal', 6)
};

export function subjectOf(id: Identity | PublicIdentity) {
	return { userId: id.userId, fp: fingerprint(id.signPk, id.boxPk) };
}

export function directoryOf(...ids: (Identity | PublicIdentity)[]): Directory {
	const map = new Map(ids.map((id) => [id.userId, publicOf(id as Identity)]));
	return (userId) => map.get(userId);
}

export const everyone = directoryOf(...Object.values(people));

/** Signs anything, rules or not: how a malicious or buggy client would. */
export function forge(entry: CaseLogEntry, changes: Partial<UnsignedEntry>, by: Identity) {
	const { sig: _sig, ...unsigned } = { ...entry, ...changes };
	void _sig;
	return signEntry({ ...unsigned, signer: changes.signer ?? by.userId }, by.signSk);
}

/** Runs `fn` and returns the CryptoError it threw (or fails the test). */
async function errorOf(fn: () => unknown): Promise<CryptoError> {
	try {
		await fn();
	} catch (e) {
		if (e instanceof CryptoError) return e;
		throw e;
	}
	throw new Error('expected a CryptoError, got success');
}

export const codeOf = async (fn: () => unknown): Promise<CryptoErrorCode> =>
	(await errorOf(fn)).code;

/** `code: detail`, to tell which rule refused. */
export const failureOf = async (fn: () => unknown): Promise<string> => (await errorOf(fn)).message;

/** A change by `by` (default ana), one millisecond after the head. */
export async function step(
	from: LogStep,
	op: 'add' | 'remove' | 'role',
	who: Identity,
	role: CaseRole,
	supports: string | null = null,
	by: Identity = people.ana
): Promise<LogStep> {
	const createdAt = T0 + from.entries.length;
	return appendEntry(from.membership, from.entries, by, {
		op,
		subject: subjectOf(who),
		role,
		supports,
		createdAt
	});
}

/** ana creates; ben co-facilitates; sam survivor, rio responsible; kit supports sam (by ben). */
export async function standardLog(): Promise<LogStep> {
	let s = await createCaseLog(people.ana, { ...CONTEXT, createdAt: T0 });
	s = await step(s, 'add', people.ben, 'facilitator');
	s = await step(s, 'add', people.sam, 'survivor');
	s = await step(s, 'add', people.rio, 'responsible');
	return step(s, 'add', people.kit, 'supporter', 'sam', people.ben);
}
