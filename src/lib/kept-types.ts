import type { WireCaseEnvelope } from './case-envelope-wire';
import type { AgreementView } from './agreement-types';
import type { RetentionPolicy } from './retention-policy';

/**
 * "What is kept about me" and "Download my data" as the server sends them
 * (server/my-data.ts, server/my-export.ts): structure, counts, dates and ciphertext, never words.
 */

type CaseRole = 'facilitator' | 'survivor' | 'responsible' | 'supporter' | 'community';
type MemberStatus = 'active' | 'paused' | 'withdrawn' | 'removed';

export type AccountDeletion =
	/** A participant: the policy's window after their last case is purged (`at` once known). */
	| { rule: 'orphan'; days: number; at: number | null }
	/** A facilitator or an admin: when an admin deletes the account. */
	| { rule: 'admin' };

/** Who did something, as this person may name them. */
export type AuditWho =
	| { kind: 'you' }
	| { kind: 'system' }
	| { kind: 'person'; name: string }
	/** An id with no account behind it any more. */
	| { kind: 'former' };

export type KeptCase = {
	caseId: string;
	ref: string;
	role: CaseRole;
	status: MemberStatus;
	stage: string;
	joinedAt: number;
	closedAt: number | null;
	/** When everything in it goes; null while it is open (the rule is the policy's window). */
	deleteAt: number | null;
	/** What they wrote here that is still stored: objects per kind (never the words). */
	wrote: Record<string, number>;
	meetings: number;
	itemsOwned: number;
	checkIns: number;
	/** Signatures and private approvals of agreement versions. */
	consents: number;
	/** Answers on agreement items ("I approve", "I'd like this changed"). */
	itemAnswers: number;
	/** Safety signals and changes in taking part sent to the facilitators (no words). */
	notices: number;
	drafts: number;
};

export type KeptEvent = {
	at: number;
	action: string;
	who: AuditWho;
	/** The case it belongs to, if the person is in it; its events go with it. */
	caseRef: string | null;
	withCase: boolean;
	/** When it goes: a date, or null while its case is open. */
	deleteAt: number | null;
};

export type KeptAbout = {
	account: {
		displayName: string;
		orgRole: 'admin' | 'facilitator' | null;
		createdAt: number;
		deletion: AccountDeletion;
	};
	passkeys: { name: string; createdAt: number; lastUsedAt: number | null }[];
	sessions: { createdAt: number; lastActiveAt: number; endsAt: number }[];
	devices: { createdAt: number; lastUsedAt: number; deleteAt: number }[];
	keys: { publishedAt: number | null; passkeyCopies: number; recoveryCopies: number };
	personal: { notebook: number; drafts: number; settings: number; markers: number };
	cases: KeptCase[];
	/** The newest events (up to a few hundred), and how many there are in all. */
	events: KeptEvent[];
	eventsTotal: number;
	policy: RetentionPolicy;
};

/** One version of a case object wrapped for the person: their own wrap only. */
export type ExportEnvelope = WireCaseEnvelope;

export type ExportPersonal = {
	v: 1;
	kind: 'personal-state' | 'notebook' | 'draft';
	objectId: string;
	version: number;
	deleted: boolean;
	header: string;
	body: string;
	wrap: string;
	updatedAt: number;
	caseId: string | null;
};

export type ExportMeeting = {
	id: string;
	kind: 'preparation' | 'circle' | 'check-in' | 'readiness';
	status: 'scheduled' | 'cancelled';
	timeZone: string;
	startsAt: number;
	endsAt: number;
	myRsvp: string | null;
	invitees: { userId: string; name: string; role: CaseRole }[];
};

export type ExportCase = {
	caseId: string;
	ref: string;
	stage: string;
	role: CaseRole;
	status: MemberStatus;
	createdAt: number;
	outcome: string | null;
	closedAt: number | null;
	deleteAt: number | null;
	people: { userId: string; name: string; role: CaseRole; supports: string | null }[];
	/** The signed case log (CaseLogEntryJson), so the browser checks who wrote and wrapped. */
	entries: unknown[];
	envelopes: ExportEnvelope[];
	meetings: ExportMeeting[];
	agreement: AgreementView | null;
};

export type ExportResponse = {
	v: 1;
	me: {
		userId: string;
		displayName: string;
		orgRole: 'admin' | 'facilitator' | null;
		createdAt: number;
	};
	deploymentId: string;
	kept: KeptAbout;
	personal: ExportPersonal[];
	cases: ExportCase[];
	directory: { userId: string; keyVersion: number; boxPk: string; signPk: string }[];
};
