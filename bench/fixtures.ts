import { fromBase64url, toBase64url } from '../src/lib/crypto/bytes';
import {
	appendEntry,
	createCaseLog,
	type Directory,
	type LogChange,
	type LogStep
} from '../src/lib/crypto/case-log';
import type { LogSubject } from '../src/lib/crypto/case-log-entry';
import { entryToJson } from '../src/lib/crypto/case-log-json';
import {
	fingerprint,
	generateIdentity,
	publicOf,
	type Identity,
	type PublicIdentity
} from '../src/lib/crypto/identity';
import { randomBytes } from '../src/lib/crypto/primitives';

/**
 * What the benchmarks work on, built with the real library (no shortcuts around its checks):
 * a circle of facilitators with a signed case log, and a long log in its wire form.
 */
export const CONTEXT = { deploymentId: 'dep-bench', caseId: 'case-bench' };
export const T0 = 1_700_000_000_000;

/** A directory entry as the server serves it. */
export type PersonJson = { userId: string; keyVersion: number; boxPk: string; signPk: string };
/** A signed case log as the server serves it, and the directory its signers need. */
export type LogWire = { entries: string; people: PersonJson[] };

export const subjectOf = (id: Identity): LogSubject => ({
	userId: id.userId,
	fp: fingerprint(id.signPk, id.boxPk)
});

export function directoryOf(people: readonly PublicIdentity[]): Directory {
	const byId = new Map(people.map((p) => [p.userId, p]));
	return (userId) => byId.get(userId);
}

export const personToJson = (p: PublicIdentity): PersonJson => ({
	userId: p.userId,
	keyVersion: p.keyVersion,
	boxPk: toBase64url(p.boxPk),
	signPk: toBase64url(p.signPk)
});

export const personFromJson = (p: PersonJson): PublicIdentity => ({
	userId: p.userId,
	keyVersion: p.keyVersion,
	boxPk: fromBase64url(p.boxPk),
	signPk: fromBase64url(p.signPk)
});

function append(step: LogStep, by: Identity, change: Omit<LogChange, 'createdAt'>) {
	return appendEntry(step.membership, step.entries, by, {
		...change,
		createdAt: T0 + step.entries.length
	});
}

/** `count` facilitators: the first creates the case and adds the others. */
export async function facilitatorCircle(count: number) {
	const people = Array.from({ length: count }, (_, i) => generateIdentity(`facilitator-${i + 1}`));
	const creator = people[0]!;
	let step = await createCaseLog(creator, { ...CONTEXT, createdAt: T0 });
	for (const p of people.slice(1)) {
		step = await append(step, creator, {
			op: 'add',
			subject: subjectOf(p),
			role: 'facilitator',
			supports: null
		});
	}
	return { people, step };
}

/**
 * A log of `length` entries: five facilitators, a survivor and a responsible party, then
 * community members who join, become supporters of the survivor and leave again, each change
 * signed by the next facilitator in turn. Guests never sign, so only their fingerprints matter.
 */
export async function longLog(length: number): Promise<LogWire> {
	const { people, step: circle } = await facilitatorCircle(5);
	const signer = (seq: number) => people[seq % people.length]!;
	const parties = [generateIdentity('survivor'), generateIdentity('responsible')];
	let step = circle;
	for (const p of parties) {
		const role = p.userId as 'survivor' | 'responsible';
		step = await append(step, signer(step.entries.length), {
			op: 'add',
			subject: subjectOf(p),
			role,
			supports: null
		});
	}
	const cycle = [
		{ op: 'add', role: 'community', supports: null },
		{ op: 'role', role: 'supporter', supports: 'survivor' },
		{ op: 'remove', role: 'supporter', supports: 'survivor' }
	] as const;
	for (let guest = 0; step.entries.length < length; guest++) {
		const subject = { userId: `guest-${guest}`, fp: randomBytes(32) };
		for (const c of cycle) {
			if (step.entries.length >= length) break;
			step = await append(step, signer(step.entries.length), { ...c, subject });
		}
	}
	return {
		entries: JSON.stringify(step.entries.map(entryToJson)),
		people: people.map((p) => personToJson(publicOf(p)))
	};
}
