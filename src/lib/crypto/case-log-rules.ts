import { equalBytes } from './bytes';
import type { CaseLogEntry } from './case-log-entry';
import { fail } from './errors';
import type { Member } from './members';

/**
 * The membership rules of the case log, as a pure step: members before an entry → members
 * after it. Who may sign is checked by the caller (a facilitator as of `prev`); this checks
 * what they signed. Every violation is `bad_log`.
 */
export type Members = ReadonlyMap<string, Member>;
export type Change = Pick<CaseLogEntry, 'seq' | 'op' | 'subject' | 'role' | 'supports' | 'signer'>;

export function applyChange(before: Members, change: Change): Members {
	const { op, subject, role, supports } = change;
	if ((change.seq === 0) !== (op === 'create')) fail('bad_log', 'create comes first, once');
	// A copy, so a caller who later reuses the entry's arrays cannot change the membership.
	const member: Member = { userId: subject.userId, fp: subject.fp.slice(), role, supports };
	if (op === 'create') {
		if (subject.userId !== change.signer) fail('bad_log', 'create names its signer');
		if (role !== 'facilitator' || supports !== null) fail('bad_log', 'create makes a facilitator');
		return new Map([[member.userId, member]]);
	}

	const after = new Map(before);
	if (op === 'add') {
		if (before.has(subject.userId)) fail('bad_log', 'already a member');
		checkSupports(before, member);
		after.set(member.userId, member);
		return after;
	}

	const current = before.get(subject.userId);
	if (!current) fail('bad_log', 'not a member');
	// Removing or changing someone means the person the log bound, keys and all.
	if (!equalBytes(current.fp, subject.fp)) fail('bad_log', 'subject fingerprint');
	if (op === 'remove') {
		if (role !== current.role || supports !== current.supports) {
			fail('bad_log', 'remove names the role held');
		}
		// A removed party's supporters stay; their `supports` then names no member.
		after.delete(member.userId);
	} else {
		if (role === current.role && supports === current.supports) fail('bad_log', 'role unchanged');
		checkSupports(before, member);
		after.set(member.userId, member);
	}
	// Nobody could ever sign again: the case would be frozen, so refuse it.
	if (![...after.values()].some((m) => m.role === 'facilitator')) {
		fail('bad_log', 'last facilitator');
	}
	return after;
}

/** A supporter names a current survivor or responsible party other than themselves. */
function checkSupports(before: Members, m: Member): void {
	if (m.role !== 'supporter') {
		if (m.supports !== null) fail('bad_log', 'only supporters support');
		return;
	}
	const party = m.supports === null ? undefined : before.get(m.supports);
	if (!party || party.userId === m.userId) fail('bad_log', 'supports another member');
	if (party.role !== 'survivor' && party.role !== 'responsible') {
		fail('bad_log', 'supports a party');
	}
}
