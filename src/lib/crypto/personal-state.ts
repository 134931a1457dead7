import { equalBytes, fromHex, toHex } from './bytes';
import { fail } from './errors';

export { decodePersonalState, encodePersonalState } from './personal-state-encoding';

/**
 * Personal state: the body of a person's 'personal-state' envelope to themselves. Pinned
 * fingerprints, high-water marks and validated log heads, merged across devices. The merge is
 * a join (commutative, associative, idempotent), so devices agree whatever order they sync in.
 *
 * Pins are kept per fingerprint, not one per person: each decision about one fp (verified or
 * not, when) plus the fps it acknowledged replacing. A device that never saw a verified key
 * change (a fresh one, or one the server fed a new key) cannot erase the warning by syncing:
 * the older verified fp stays until a decision on the new one acknowledges it.
 */
export type FpDecision = {
	verified: boolean;
	decidedAt: number;
	/** Hex fps this decision knowingly replaced. */
	acks: ReadonlySet<string>;
};
/** One person's decisions, by hex fp. */
export type Pins = ReadonlyMap<string, FpDecision>;
export type LogHead = { seq: number; hash: Uint8Array };
export type PersonalState = {
	v: 1;
	pins: ReadonlyMap<string, Pins>;
	/** markKey(...) → the newest version seen. */
	marks: ReadonlyMap<string, number>;
	logHeads: ReadonlyMap<string, LogHead>;
};
export type PinStatus = 'new' | 'same' | 'changed' | 'changed-verified';

export const emptyPersonalState = (): PersonalState => ({
	v: 1,
	pins: new Map(),
	marks: new Map(),
	logHeads: new Map()
});

/** An unambiguous key for an object's high-water mark. */
export function markKey(caseId: string | null, kind: string, objectId: string): string {
	return JSON.stringify([caseId, kind, objectId]);
}

// --- merge ---------------------------------------------------------------------------------

function joinMaps<T>(
	a: ReadonlyMap<string, T>,
	b: ReadonlyMap<string, T>,
	join: (x: T, y: T) => T
) {
	const out = new Map(a);
	for (const [k, v] of b) {
		const mine = out.get(k);
		out.set(k, mine === undefined ? v : join(mine, v));
	}
	return out;
}

/** Decisions in time order; at the same ms `verified` counts as later (it blocks on change). */
function later(a: FpDecision, b: FpDecision): boolean {
	return a.decidedAt !== b.decidedAt ? a.decidedAt > b.decidedAt : a.verified && !b.verified;
}

function joinDecision(a: FpDecision, b: FpDecision): FpDecision {
	const win = later(b, a) ? b : a;
	return {
		verified: win.verified,
		decidedAt: win.decidedAt,
		acks: new Set([...a.acks, ...b.acks])
	};
}

/** The higher seq; two heads at one seq are a fork (see forkedHeads): keep one, deterministically. */
function joinHead(a: LogHead, b: LogHead): LogHead {
	if (a.seq !== b.seq) return a.seq > b.seq ? a : b;
	return toHex(a.hash) <= toHex(b.hash) ? a : b;
}

export function mergePersonalState(a: PersonalState, b: PersonalState): PersonalState {
	return {
		v: 1,
		pins: joinMaps(a.pins, b.pins, (x, y) => joinMaps(x, y, joinDecision)),
		marks: joinMaps(a.marks, b.marks, Math.max),
		logHeads: joinMaps(a.logHeads, b.logHeads, joinHead)
	};
}

/** Cases whose heads two states disagree on at the same seq: the server showed a fork. */
export function forkedHeads(a: PersonalState, b: PersonalState): string[] {
	return [...a.logHeads].flatMap(([caseId, x]) => {
		const y = b.logHeads.get(caseId);
		return y && y.seq === x.seq && !equalBytes(x.hash, y.hash) ? [caseId] : [];
	});
}

// --- pins ----------------------------------------------------------------------------------

/** The fp of the latest decision; a full tie goes to the greater fp, the same on every device. */
function current(pins: Pins): string {
	let best: [string, FpDecision] | undefined;
	for (const [fp, d] of pins) {
		if (!best || later(d, best[1]) || (!later(best[1], d) && fp > best[0])) best = [fp, d];
	}
	return best![0];
}

/** The fp this person is pinned to now, if any. */
export function currentPin(s: PersonalState, userId: string) {
	const pins = s.pins.get(userId);
	if (!pins || pins.size === 0) return null;
	const fp = current(pins);
	const d = pins.get(fp)!;
	return { fp: fromHex(fp), verified: d.verified, decidedAt: d.decidedAt };
}

/**
 * 'same' only for the current fp when every other fp seen for this person was acknowledged by
 * a decision on it; otherwise a change, 'changed-verified' if a replaced fp had been verified.
 * Callers must not encrypt to a 'changed-verified' person (assertMayEncryptTo).
 */
export function checkPin(s: PersonalState, userId: string, fp: Uint8Array): PinStatus {
	const pins = s.pins.get(userId);
	if (!pins || pins.size === 0) return 'new';
	const key = toHex(fp);
	const acks = pins.get(key)?.acks;
	const others = [...pins].filter(([k]) => k !== key && !acks?.has(k));
	if (others.length === 0 && current(pins) === key) return 'same';
	return others.some(([, d]) => d.verified) ? 'changed-verified' : 'changed';
}

export function assertMayEncryptTo(s: PersonalState, userId: string, fp: Uint8Array): void {
	if (checkPin(s, userId, fp) === 'changed-verified') fail('key_changed');
}

/**
 * Records a decision on `fp` that acknowledges every other fp seen for this person. Its time
 * is after every earlier decision, so it wins even if this device's clock runs behind.
 */
function decide(s: PersonalState, userId: string, fp: Uint8Array, verified: boolean, now: number) {
	if (fp.length !== 32) fail('bad_length', 'fp');
	const pins = s.pins.get(userId) ?? new Map<string, FpDecision>();
	const key = toHex(fp);
	const latest = Math.max(-1, ...[...pins.values()].map((d) => d.decidedAt));
	const acks = new Set([...pins.keys()].filter((k) => k !== key));
	const decision = { verified, decidedAt: Math.max(now, latest + 1), acks };
	const known = pins.get(key);
	const next = new Map(pins).set(key, known ? joinDecision(known, decision) : decision);
	return { ...s, pins: new Map(s.pins).set(userId, next) };
}

/**
 * Pins a first-seen fp, or a changed one after the person saw the warning. A change from a
 * verified fp is refused (`key_changed`): only comparing safety numbers again (markVerified)
 * clears it.
 */
export function pin(s: PersonalState, userId: string, fp: Uint8Array, now: number): PersonalState {
	const status = checkPin(s, userId, fp);
	if (status === 'same') return s;
	if (status === 'changed-verified') fail('key_changed');
	return decide(s, userId, fp, false, now);
}

/** After comparing safety numbers (or deciding to stop trusting them: `verified` false). */
export function markVerified(
	s: PersonalState,
	userId: string,
	fp: Uint8Array,
	now: number,
	verified = true
): PersonalState {
	return decide(s, userId, fp, verified, now);
}

export function raiseMark(s: PersonalState, key: string, version: number): PersonalState {
	if ((s.marks.get(key) ?? 0) >= version) return s;
	return { ...s, marks: new Map(s.marks).set(key, version) };
}

/** Records a newer validated head; the same seq with another hash is a fork. */
export function raiseLogHead(s: PersonalState, caseId: string, head: LogHead): PersonalState {
	const known = s.logHeads.get(caseId);
	if (known?.seq === head.seq && !equalBytes(known.hash, head.hash)) fail('bad_log', 'fork');
	if (known && known.seq >= head.seq) return s;
	const logHeads = new Map(s.logHeads).set(caseId, { seq: head.seq, hash: head.hash.slice() });
	return { ...s, logHeads };
}
