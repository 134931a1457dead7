/**
 * Who is in a case, as the validated case log says. The case log module produces a
 * `Membership`; envelopes, reader rules and agreements consume it. Browsers derive members,
 * roles and readers from this only — never from the server's own tables.
 */
export const CASE_ROLES = [
	'facilitator',
	'survivor',
	'responsible',
	'supporter',
	'community'
] as const;
export type CaseRole = (typeof CASE_ROLES)[number];

export type Member = {
	userId: string;
	/** The fingerprint the log binds this person to (identity.ts `fingerprint`). */
	fp: Uint8Array;
	role: CaseRole;
	/** For a supporter: the userId of the party they support. */
	supports: string | null;
};

export interface Membership {
	caseId: string;
	/** Sequence number and hash of the last validated entry. */
	headSeq: number;
	headHash: Uint8Array;
	/** Members as of entry `seq` (inclusive; default the head). Removed people are absent. */
	membersAt(seq?: number): ReadonlyMap<string, Member>;
}
