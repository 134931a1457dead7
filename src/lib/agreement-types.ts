import type { ItemProgress } from './agreement-dates';

/**
 * An agreement as the server sends it to one person (server/agreement-views.ts makes it): the
 * structure it may know. Browsers check it against the sealed words and the signatures.
 */

export type ItemStatus = 'open' | 'done' | 'verified' | 'missed' | 'renegotiated';
export type FollowUp = 'all' | 'milestones' | 'completion' | 'none';

export type ItemView = {
	itemId: string;
	kind: string;
	ownerId: string;
	due: number | null;
	repeat: { every: 'week' | 'month'; count: number } | null;
};

export type VersionView = {
	version: number;
	digest: string;
	prevDigest: string | null;
	logSeq: number;
	logHash: string;
	createdBy: string;
	createdAt: number;
	inForceAt: number | null;
	items: ItemView[];
	signers: { userId: string; role: 'survivor' | 'responsible'; fp: string }[];
	consents: {
		userId: string;
		role: 'survivor' | 'responsible';
		method: 'signature' | 'note';
		decision: 'approve' | 'decline';
		signature: string | null;
		at: number;
	}[];
	/** Survivors' answers per item: all of them for facilitators, their own for a survivor. */
	approvals: { itemId: string; userId: string; decision: 'approve' | 'change' }[];
	/** Every survivor asked has approved every item (what the responsible party waits for). */
	survivorsApproved: boolean;
};

export type FollowUpItem = {
	itemId: string;
	status: ItemStatus;
	statusAt: number | null;
	progress: ItemProgress | null;
};

export type AgreementView = {
	id: string | null;
	versions: VersionView[];
	/** The version in force, if any. */
	inForce: number | null;
	/** Statuses and progress of the items in force, as far as this person may see them. */
	followUp: FollowUpItem[];
	/** Check-ins this person may read (ids and structure; the words are sealed). */
	checkIns: {
		id: string;
		itemId: string;
		authorId: string;
		createdAt: number;
		passedOn: string[];
	}[];
	/** A survivor who chose less than milestones: missed boundaries, offered to open. */
	safety: { itemId: string; at: number }[];
	me: {
		role: string;
		approveBy: 'note' | 'sign' | null;
		followUp: FollowUp | null;
		toSupporters: boolean;
		/** A supporter: whether the party they support lets them read it. */
		mayRead: boolean;
	};
	closed: { outcome: string | null; closedAt: number; deleteAt: number } | null;
	/** For facilitators drafting: who must sign now, and who may read the agreement now. */
	drafting: {
		signers: { userId: string; role: 'survivor' | 'responsible' }[];
		readers: string[];
		/** Survivors who chose every update: check-ins may be passed on to them. */
		survivorsFollowing: string[];
	} | null;
};
