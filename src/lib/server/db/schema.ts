import { sql } from 'drizzle-orm';
import {
	blob,
	foreignKey,
	index,
	integer,
	primaryKey,
	sqliteTable,
	text,
	uniqueIndex
} from 'drizzle-orm/sqlite-core';

// Times are stored as integer milliseconds since the epoch (UTC) throughout.

/** Organization-wide settings (name, tab title, deployment id), one row per key. */
export const settings = sqliteTable('settings', {
	key: text('key').primaryKey(),
	value: text('value').notNull()
});

/** A person with an account. Display names are pseudonymous; nothing else identifies them. */
export const users = sqliteTable('users', {
	// Random, also the WebAuthn user handle: never a name, so a passkey list leaks nothing.
	id: text('id').primaryKey(),
	displayName: text('display_name').notNull(),
	orgRole: text('org_role', { enum: ['admin', 'facilitator'] }),
	status: text('status', { enum: ['active', 'deactivated', 'deleted'] })
		.notNull()
		.default('active'),
	createdAt: integer('created_at').notNull(),
	deactivatedAt: integer('deactivated_at'),
	// A participant with no case left: when their last case was purged. The account goes after
	// the retention policy's window (DESIGN §6); joining a case again clears it.
	orphanedAt: integer('orphaned_at')
});

export const passkeys = sqliteTable(
	'passkeys',
	{
		// The credential id, base64url.
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		publicKey: blob('public_key', { mode: 'buffer' }).notNull(),
		counter: integer('counter').notNull(),
		transports: text('transports').notNull().default('[]'),
		name: text('name').notNull(),
		backedUp: integer('backed_up', { mode: 'boolean' }).notNull().default(false),
		createdAt: integer('created_at').notNull(),
		lastUsedAt: integer('last_used_at')
	},
	(t) => [index('passkeys_user_idx').on(t.userId)]
);

export const sessions = sqliteTable(
	'sessions',
	{
		// SHA-256 of the token, hex. The token itself is only ever in the cookie.
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: integer('created_at').notNull(),
		lastActiveAt: integer('last_active_at').notNull(),
		expiresAt: integer('expires_at').notNull(),
		// The server half of this session's key share (base64url): with the browser half it
		// unlocks the key bundle after a reload. It dies with the session.
		keyShare: text('key_share'),
		// The remembered device this session unlocked with, so quick exit can forget it.
		deviceId: text('device_id')
	},
	(t) => [index('sessions_user_idx').on(t.userId)]
);

/** WebAuthn challenges: server-side, single use, short-lived. */
export const challenges = sqliteTable('challenges', {
	id: text('id').primaryKey(),
	challenge: text('challenge').notNull(),
	ceremony: text('ceremony', { enum: ['register', 'signin'] }).notNull(),
	// For registrations: the account the passkey will belong to (new or existing).
	userId: text('user_id'),
	// For registrations: the link (setup, invite, device) the ceremony redeems.
	linkId: text('link_id'),
	// For new accounts: the display name they chose, kept until the passkey is verified.
	displayName: text('display_name'),
	expiresAt: integer('expires_at').notNull()
});

/**
 * One-time links: the first-admin setup link, facilitator invites and add-a-device links.
 * Only the SHA-256 of the token is stored; the link may also carry a `#` fragment the
 * server never sees (used by the encryption layer).
 */
export const links = sqliteTable(
	'links',
	{
		id: text('id').primaryKey(),
		tokenHash: text('token_hash').notNull().unique(),
		kind: text('kind', { enum: ['setup', 'facilitator', 'device', 'case'] }).notNull(),
		// Who made it (null for the setup link made at first start).
		createdBy: text('created_by').references(() => users.id, { onDelete: 'cascade' }),
		// For device links: the account the new passkey joins. For used invites: who joined.
		userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
		createdAt: integer('created_at').notNull(),
		expiresAt: integer('expires_at').notNull(),
		usedAt: integer('used_at'),
		revokedAt: integer('revoked_at')
	},
	(t) => [
		index('links_kind_idx').on(t.kind),
		// Links still waiting to be used: a few among every invitation ever made.
		index('links_open_idx')
			.on(t.expiresAt)
			.where(sql`${t.usedAt} is null and ${t.revokedAt} is null`)
	]
);

/** Rate-limit counters, keyed by a truncated HMAC of the client address; never the address. */
export const rateLimits = sqliteTable(
	'rate_limits',
	{
		bucket: text('bucket').notNull(),
		key: text('key').notNull(),
		windowStart: integer('window_start').notNull(),
		count: integer('count').notNull()
	},
	(t) => [primaryKey({ columns: [t.bucket, t.key] })]
);

/** The daily secret for rate-limit keys; yesterday's is deleted, so old keys cannot be linked. */
export const rateLimitSecrets = sqliteTable('rate_limit_secrets', {
	day: text('day').primaryKey(),
	secret: blob('secret', { mode: 'buffer' }).notNull()
});

/** Security-relevant events: who, what, which object, when. No IP, no user agent, no content. */
export const auditEvents = sqliteTable(
	'audit_events',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		at: integer('at').notNull(),
		actorId: text('actor_id'),
		action: text('action').notNull(),
		objectType: text('object_type'),
		objectId: text('object_id'),
		// The case the event belongs to: purging the case deletes its events with it. Events
		// with none follow the audit window of the retention policy.
		caseId: text('case_id').references(() => cases.id, { onDelete: 'cascade' }),
		// Whose content or account the object is (e.g. the author of an input someone fetched),
		// so each person can see what happened to what is theirs.
		subjectId: text('subject_id')
	},
	(t) => [
		index('audit_at_idx').on(t.at),
		index('audit_actor_idx').on(t.actorId),
		index('audit_case_idx').on(t.caseId, t.at),
		index('audit_subject_idx').on(t.subjectId, t.at)
	]
);

/**
 * What is kept after cases are purged: counters only (per outcome, furthest stage and length),
 * never an id, a date or anything that could point back to one case.
 */
export const programStats = sqliteTable('program_stats', {
	key: text('key').primaryKey(),
	count: integer('count').notNull()
});

/** A person's public keys. The secret halves exist only wrapped (key_wraps) and in browsers. */
export const identities = sqliteTable('identities', {
	userId: text('user_id')
		.primaryKey()
		.references(() => users.id, { onDelete: 'cascade' }),
	keyVersion: integer('key_version').notNull(),
	boxPk: text('box_pk').notNull(),
	signPk: text('sign_pk').notNull(),
	createdAt: integer('created_at').notNull()
});

/**
 * The key bundle wrapped under a passkey's PRF output (one per credential) or under the
 * recovery code (one per person). Opaque to the server: salt and secretbox, base64url.
 */
export const keyWraps = sqliteTable(
	'key_wraps',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: ['prf', 'recovery'] }).notNull(),
		// The credential id for `prf` (removed with the passkey); a random id for `recovery`.
		wrapId: text('wrap_id').notNull(),
		salt: text('salt').notNull(),
		box: text('box').notNull(),
		createdAt: integer('created_at').notNull()
	},
	(t) => [uniqueIndex('key_wraps_user_kind_wrap').on(t.userId, t.kind, t.wrapId)]
);

/**
 * The server half of a remembered device's key share. The browser half stays in that
 * browser; a copied profile without a signed-in session unlocks nothing.
 */
export const deviceShares = sqliteTable(
	'device_shares',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		share: text('share').notNull(),
		createdAt: integer('created_at').notNull(),
		lastUsedAt: integer('last_used_at').notNull()
	},
	(t) => [index('device_shares_user_idx').on(t.userId)]
);

/** The key bundle sealed for an add-a-device link, under the link's fragment secret. */
export const handovers = sqliteTable('handovers', {
	linkId: text('link_id')
		.primaryKey()
		.references(() => links.id, { onDelete: 'cascade' }),
	wrapId: text('wrap_id').notNull(),
	salt: text('salt').notNull(),
	box: text('box').notNull(),
	expiresAt: integer('expires_at').notNull()
});

/**
 * Encrypted objects addressed to their owner only: personal state and notebook pages. Only
 * the latest version is kept. A deleted page becomes a tombstone: the next version, with an
 * empty body, so the content is gone and the version can never go back.
 */
export const personalEnvelopes = sqliteTable(
	'personal_envelopes',
	{
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		objectId: text('object_id').notNull(),
		kind: text('kind', { enum: ['personal-state', 'notebook', 'draft'] }).notNull(),
		// Only a draft belongs to a case: it goes when the person leaves or the case is purged.
		caseId: text('case_id').references(() => cases.id, { onDelete: 'cascade' }),
		version: integer('version').notNull(),
		deleted: integer('deleted', { mode: 'boolean' }).notNull(),
		header: text('header').notNull(),
		body: text('body').notNull(),
		wrap: text('wrap').notNull(),
		size: integer('size').notNull(),
		updatedAt: integer('updated_at').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.userId, t.objectId] }),
		index('personal_envelopes_case_idx').on(t.caseId)
	]
);

/**
 * A case. Its title and summary are a facilitators-only envelope; the server knows only a
 * short reference, who leads it and when it was opened. The stage is derived from events.
 */
export const cases = sqliteTable(
	'cases',
	{
		// Chosen by the opening browser, which signs it into the case log before the server sees it.
		id: text('id').primaryKey(),
		ref: text('ref').notNull().unique(),
		leadId: text('lead_id')
			.notNull()
			.references(() => users.id),
		createdBy: text('created_by')
			.notNull()
			.references(() => users.id),
		createdAt: integer('created_at').notNull(),
		// Set when facilitators close it: how it ended, and when (the retention clock starts there).
		outcome: text('outcome', { enum: ['completed', 'partial', 'ended', 'withdrawn'] }),
		closedAt: integer('closed_at')
	},
	// The cases a person leads: `case_attention` follows a lead who is no longer active.
	(t) => [index('cases_lead_idx').on(t.leadId)]
);

/**
 * The server's mirror of who is in a case, for authorization: it acts at once (a withdrawn
 * participant is refused immediately), while browsers trust only the signed case log.
 */
export const caseMembers = sqliteTable(
	'case_members',
	{
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		role: text('role', {
			enum: ['facilitator', 'survivor', 'responsible', 'supporter', 'community']
		}).notNull(),
		// For a supporter: the party they support.
		supports: text('supports'),
		// The name this person chose for this case (pseudonyms welcome).
		displayName: text('display_name').notNull(),
		// The fingerprint they joined with (base64url), as the case log will bind it.
		fp: text('fp').notNull(),
		status: text('status', { enum: ['active', 'paused', 'withdrawn', 'removed'] })
			.notNull()
			.default('active'),
		joinedAt: integer('joined_at').notNull(),
		statusAt: integer('status_at').notNull(),
		// A party's own choices, readable structure so the server can enforce the scheduling
		// rules (DESIGN §5); never why. Null until they choose.
		mode: text('mode', {
			enum: ['direct', 'letter', 'relay', 'surrogate', 'recorded', 'none']
		}),
		jointConsent: text('joint_consent', { enum: ['yes', 'no', 'undecided'] }),
		// The survivor chose to let the responsible party's side see their way of taking part.
		modeShown: integer('mode_shown', { mode: 'boolean' }).notNull().default(false),
		choicesAt: integer('choices_at'),
		// A survivor's own choices about the agreement: how they approve it (a private note to the
		// facilitators unless they choose to sign) and how much of the follow-up they hear about.
		approveBy: text('approve_by', { enum: ['note', 'sign'] }),
		followUp: text('follow_up', { enum: ['all', 'milestones', 'completion', 'none'] }),
		// A party lets the supporters they chose read the agreement too.
		agreementToSupporters: integer('agreement_to_supporters', { mode: 'boolean' })
			.notNull()
			.default(false)
	},
	(t) => [
		primaryKey({ columns: [t.caseId, t.userId] }),
		// A person's cases with their role, from the index alone (the cases list ranks them all).
		index('case_members_user_status_idx').on(t.userId, t.status, t.caseId, t.role)
	]
);

/** What happened to a case and when, by whom: stages, lead handovers, people pausing. */
export const caseEvents = sqliteTable(
	'case_events',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		at: integer('at').notNull(),
		actorId: text('actor_id'),
		kind: text('kind', { enum: ['stage', 'lead', 'member'] }).notNull(),
		// stage: the new stage; lead: the new lead's id; member: "<userId> <status>".
		value: text('value').notNull()
	},
	(t) => [
		index('case_events_case_idx').on(t.caseId, t.id),
		// A case's latest event of a kind (its stage) without reading the others.
		index('case_events_kind_idx').on(t.caseId, t.kind)
	]
);

/** The signed case log as browsers made it; the server keeps it in order and serves it. */
export const caseLog = sqliteTable(
	'case_log',
	{
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		seq: integer('seq').notNull(),
		entry: text('entry').notNull(),
		createdAt: integer('created_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.caseId, t.seq] })]
);

/** Changes the server made at once, waiting for a facilitator's browser to sign them. */
export const casePending = sqliteTable(
	'case_pending',
	{
		id: text('id').primaryKey(),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		userId: text('user_id').notNull(),
		change: text('change').notNull(),
		createdAt: integer('created_at').notNull()
	},
	(t) => [index('case_pending_case_idx').on(t.caseId)]
);

/** What a case invite link is for. The link itself (token hash, expiry, use) is in `links`. */
export const caseInvites = sqliteTable(
	'case_invites',
	{
		linkId: text('link_id')
			.primaryKey()
			.references(() => links.id, { onDelete: 'cascade' }),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		role: text('role', {
			enum: ['facilitator', 'survivor', 'responsible', 'supporter', 'community']
		}).notNull(),
		supports: text('supports')
	},
	(t) => [index('case_invites_case_idx').on(t.caseId)]
);

/**
 * Encrypted case objects, every version kept (readers may open earlier ones). A deleted
 * object keeps only the tombstone's header: every earlier body and wrap is gone.
 */
export const caseEnvelopes = sqliteTable(
	'case_envelopes',
	{
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		objectId: text('object_id').notNull(),
		version: integer('version').notNull(),
		kind: text('kind').notNull(),
		authorId: text('author_id').notNull(),
		subject: text('subject'),
		deleted: integer('deleted', { mode: 'boolean' }).notNull(),
		header: text('header').notNull(),
		body: text('body').notNull(),
		size: integer('size').notNull(),
		createdAt: integer('created_at').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.caseId, t.objectId, t.version] }),
		// Covers what lists and counts of some kinds read (versions, authors, dates), so neither
		// the header and body nor `created_at`, stored after them, is read to answer them.
		index('case_envelopes_kind_idx').on(
			t.caseId,
			t.kind,
			t.objectId,
			t.version,
			t.authorId,
			t.subject,
			t.deleted,
			t.createdAt
		)
	]
);

/** One content-key wrap per reader per version; deleting the row is crypto-shredding. */
export const caseWraps = sqliteTable(
	'case_wraps',
	{
		caseId: text('case_id').notNull(),
		objectId: text('object_id').notNull(),
		version: integer('version').notNull(),
		readerId: text('reader_id').notNull(),
		wrapperId: text('wrapper_id').notNull(),
		box: text('box').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.caseId, t.objectId, t.version, t.readerId] }),
		// Covers "what is wrapped for me in these cases" without reading the boxes.
		index('case_wraps_reader_idx').on(t.readerId, t.caseId, t.objectId, t.version),
		foreignKey({
			columns: [t.caseId, t.objectId, t.version],
			foreignColumns: [caseEnvelopes.caseId, caseEnvelopes.objectId, caseEnvelopes.version]
		}).onDelete('cascade')
	]
);

/**
 * Content-free notices to a case's facilitators: a participant's safety signal ("I need to
 * talk", "I don't feel safe", urgent) or a change in their participation. Never any words.
 */
export const caseNotices = sqliteTable(
	'case_notices',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		userId: text('user_id').notNull(),
		kind: text('kind', {
			enum: [
				'talk',
				'unsafe',
				'paused',
				'resumed',
				'withdrawn',
				'choices',
				'relay_approved',
				'relay_declined'
			]
		}).notNull(),
		createdAt: integer('created_at').notNull(),
		seenBy: text('seen_by'),
		seenAt: integer('seen_at')
	},
	(t) => [index('case_notices_case_idx').on(t.caseId, t.seenAt)]
);

/**
 * Admin-managed questions (never answers) for a party's input. Answers are sealed in the
 * browser together with a copy of the questions, so editing a template changes no answer.
 */
export const formTemplates = sqliteTable(
	'form_templates',
	{
		id: text('id').primaryKey(),
		audience: text('audience', { enum: ['survivor', 'responsible'] }).notNull(),
		name: text('name').notNull(),
		contentNote: text('content_note').notNull(),
		// JSON: TemplateQuestion[] (see $lib/form-template).
		questions: text('questions').notNull(),
		// One template per audience is the one new input starts from.
		inUse: integer('in_use', { mode: 'boolean' }).notNull().default(false),
		createdAt: integer('created_at').notNull(),
		updatedAt: integer('updated_at').notNull()
	},
	(t) => [index('form_templates_audience_idx').on(t.audience, t.inUse)]
);

/**
 * What a person has opened: the newest version of each case object they have seen, so the
 * "waiting for you" page can mark what is new. Structure only.
 */
export const caseSeen = sqliteTable(
	'case_seen',
	{
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		objectId: text('object_id').notNull(),
		version: integer('version').notNull(),
		seenAt: integer('seen_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.userId, t.caseId, t.objectId] })]
);

/**
 * How many things others wrote in a case are new to a person (the dashboard's "not read yet"):
 * a counter kept on write, so a list of many cases need not count them on every read. It is
 * exactly what `unreadByCase` counts from `case_envelopes`, `case_wraps` and `case_seen` for
 * that person and case, recomputed by `refreshUnreadIn` (unread.ts) in the same transaction as
 * any change to those rows for the kinds it counts. Only counts above zero are kept.
 */
export const caseUnread = sqliteTable(
	'case_unread',
	{
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		count: integer('count').notNull()
	},
	(t) => [primaryKey({ columns: [t.userId, t.caseId] })]
);

/**
 * Per person, case and conversation (named by its subject): how many messages others wrote in
 * it are new to the person, and when the last of theirs came: the home page's conversations,
 * which would otherwise look at every message of every case of a busy facilitator. Kept beside
 * `case_unread` by `refreshUnreadIn` (unread.ts), from the same rows and in the same
 * transactions: exactly what is counted from `case_envelopes`, `case_wraps` and `case_seen` for
 * the messages wrapped for the person, not deleted and not their own. One row per conversation
 * with such a message, none new included (the last one's time still counts).
 */
export const conversationUnread = sqliteTable(
	'conversation_unread',
	{
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		subject: text('subject').notNull(),
		count: integer('count').notNull(),
		lastAt: integer('last_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.userId, t.caseId, t.subject] })]
);

/**
 * What a case has waiting for its facilitators, for ranking the cases list (dashboard.ts)
 * without looking into five tables per case: one row per case, kept by SQLite triggers
 * (migration 0011) on every change to `case_notices`, `case_pending`, `case_invites`, `links`,
 * `cases.lead_id` and `users.status`, so no write path of the app can forget it. Each trigger
 * recounts from the rows themselves rather than adding or subtracting. Structure only.
 */
export const caseAttention = sqliteTable('case_attention', {
	caseId: text('case_id')
		.primaryKey()
		.references(() => cases.id, { onDelete: 'cascade' }),
	/** Safety signals (`talk`, `unsafe`) no facilitator has marked seen. */
	urgent: integer('urgent').notNull().default(0),
	/** Other notices not seen yet. */
	notices: integer('notices').notNull().default(0),
	/** Membership changes waiting to be signed into the case log. */
	pending: integer('pending').notNull().default(0),
	/**
	 * The latest expiry among its invitations neither used nor revoked: one is still open
	 * exactly while this is later than now (time passes without a write, so it is compared on
	 * read).
	 */
	inviteUntil: integer('invite_until'),
	/** Whether its lead is an active account. */
	leadActive: integer('lead_active', { mode: 'boolean' }).notNull().default(true)
});

/**
 * Per member of a case, everything the cases list ranks by: the membership (role, status),
 * when the case was opened, the case's waiting facts (a copy of its `case_attention` row) and
 * the member's unread counter (`case_unread`). The ranking then reads one short stretch of
 * this table for a person (its primary key starts with the person) instead of looking into
 * four tables per case. Kept by SQLite triggers (migration 0013) on `case_members`,
 * `case_attention`, `case_unread` and `cases.created_at`; created without a rowid, so the
 * stretch is the rows themselves. Structure only.
 */
export const memberAttention = sqliteTable(
	'member_attention',
	{
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		role: text('role').notNull(),
		status: text('status').notNull(),
		/** The case's `created_at`. */
		createdAt: integer('created_at').notNull(),
		urgent: integer('urgent').notNull(),
		notices: integer('notices').notNull(),
		pending: integer('pending').notNull(),
		inviteUntil: integer('invite_until'),
		leadActive: integer('lead_active', { mode: 'boolean' }).notNull(),
		/** The member's `case_unread` count, 0 without a row. */
		unread: integer('unread').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.userId, t.caseId] }),
		index('member_attention_case_idx').on(t.caseId)
	]
);

/**
 * An encrypted file (a letter, a recording) beside the envelope that names it: the browser
 * uploads it chunk by chunk, then stores the envelope whose header lists every chunk's hash,
 * and only then is it attached (`object_id`, `version`) and offered to readers. The server
 * knows its size and who may fetch it, never its name, type or content. Attached, it goes
 * with its envelope version (a tombstone, a purge); unattached, the cleanup takes it in a day.
 */
export const attachments = sqliteTable(
	'attachments',
	{
		// Chosen by the uploading browser.
		id: text('id').primaryKey(),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		ownerId: text('owner_id').notNull(),
		// Plaintext bytes, as the header will say; each chunk's sealed length follows from it.
		size: integer('size').notNull(),
		chunkSize: integer('chunk_size').notNull(),
		chunkCount: integer('chunk_count').notNull(),
		objectId: text('object_id'),
		version: integer('version'),
		createdAt: integer('created_at').notNull()
	},
	(t) => [
		index('attachments_object_idx').on(t.caseId, t.objectId, t.version),
		index('attachments_owner_idx').on(t.ownerId, t.objectId),
		foreignKey({
			columns: [t.caseId, t.objectId, t.version],
			foreignColumns: [caseEnvelopes.caseId, caseEnvelopes.objectId, caseEnvelopes.version]
		}).onDelete('cascade')
	]
);

/** Sealed chunks (secretbox under the envelope's content key): ciphertext only. */
export const attachmentChunks = sqliteTable(
	'attachment_chunks',
	{
		attachmentId: text('attachment_id')
			.notNull()
			.references(() => attachments.id, { onDelete: 'cascade' }),
		idx: integer('idx').notNull(),
		data: blob('data', { mode: 'buffer' }).notNull()
	},
	(t) => [primaryKey({ columns: [t.attachmentId, t.idx] })]
);

/**
 * A participant's words passed on to someone else in the case. Facilitators propose; only the
 * author approves, and their browser then seals the `relay` envelope for the recipient, so
 * nothing crosses without them. A participant sharing with their own supporter (a surrogate)
 * is approved by the act of sharing. Structure only: who to whom, when, and what became of it.
 */
export const relays = sqliteTable(
	'relays',
	{
		id: text('id').primaryKey(),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		fromId: text('from_id').notNull(),
		toId: text('to_id').notNull(),
		// The facilitator who proposed it; null when the author shared it themselves.
		proposedBy: text('proposed_by'),
		// The proposal: a conversation message to the author showing exactly what would go.
		proposalObjectId: text('proposal_object_id'),
		status: text('status', { enum: ['proposed', 'approved', 'declined', 'withdrawn'] }).notNull(),
		relayObjectId: text('relay_object_id'),
		createdAt: integer('created_at').notNull(),
		decidedAt: integer('decided_at')
	},
	(t) => [index('relays_case_idx').on(t.caseId, t.fromId)]
);

export const MEETING_KINDS = ['preparation', 'circle', 'check-in', 'readiness'] as const;

/**
 * A meeting of some of a case's people: when (UTC, with the IANA zone it was planned in), how
 * long, who. Readable structure (DESIGN §5), so the server can keep the scheduling rules; the
 * place, link and agenda are a `meeting` case object with the meeting's id as its object id,
 * sealed for the facilitators and the invitees only.
 */
export const meetings = sqliteTable(
	'meetings',
	{
		id: text('id').primaryKey(),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: MEETING_KINDS }).notNull(),
		startsAt: integer('starts_at').notNull(),
		durationMin: integer('duration_min').notNull(),
		timeZone: text('time_zone').notNull(),
		status: text('status', { enum: ['scheduled', 'cancelled'] })
			.notNull()
			.default('scheduled'),
		// The availability poll it was picked from, if any.
		pollId: text('poll_id'),
		createdBy: text('created_by').notNull(),
		createdAt: integer('created_at').notNull(),
		changedAt: integer('changed_at').notNull()
	},
	(t) => [index('meetings_case_idx').on(t.caseId, t.startsAt)]
);

/**
 * Who is invited, their answer, and for a circle with both parties their own arrival and
 * departure: minutes after the start they arrive, minutes before the end they leave. Each
 * person is told only their own times.
 */
export const meetingInvitees = sqliteTable(
	'meeting_invitees',
	{
		meetingId: text('meeting_id')
			.notNull()
			.references(() => meetings.id, { onDelete: 'cascade' }),
		userId: text('user_id').notNull(),
		rsvp: text('rsvp', { enum: ['pending', 'attending', 'not_attending', 'need_to_talk'] })
			.notNull()
			.default('pending'),
		rsvpAt: integer('rsvp_at'),
		arriveAfterMin: integer('arrive_after_min').notNull().default(0),
		leaveBeforeMin: integer('leave_before_min').notNull().default(0)
	},
	(t) => [
		primaryKey({ columns: [t.meetingId, t.userId] }),
		index('meeting_invitees_user_idx').on(t.userId)
	]
);

/** Finding a time: facilitators propose slots, each invitee answers for each. */
export const meetingPolls = sqliteTable(
	'meeting_polls',
	{
		id: text('id').primaryKey(),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: MEETING_KINDS }).notNull(),
		durationMin: integer('duration_min').notNull(),
		timeZone: text('time_zone').notNull(),
		status: text('status', { enum: ['open', 'closed'] })
			.notNull()
			.default('open'),
		// The meeting made from the slot the facilitators picked.
		meetingId: text('meeting_id'),
		createdBy: text('created_by').notNull(),
		createdAt: integer('created_at').notNull(),
		closedAt: integer('closed_at')
	},
	(t) => [index('meeting_polls_case_idx').on(t.caseId)]
);

export const pollSlots = sqliteTable(
	'poll_slots',
	{
		pollId: text('poll_id')
			.notNull()
			.references(() => meetingPolls.id, { onDelete: 'cascade' }),
		idx: integer('idx').notNull(),
		startsAt: integer('starts_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.pollId, t.idx] })]
);

/**
 * An invitee of a poll, when they answered and, for a meeting with both parties, the
 * survivor's own consent to this meeting (null until asked and answered).
 */
export const pollInvitees = sqliteTable(
	'poll_invitees',
	{
		pollId: text('poll_id')
			.notNull()
			.references(() => meetingPolls.id, { onDelete: 'cascade' }),
		userId: text('user_id').notNull(),
		answeredAt: integer('answered_at'),
		jointConsent: text('joint_consent', { enum: ['yes', 'no'] })
	},
	(t) => [
		primaryKey({ columns: [t.pollId, t.userId] }),
		index('poll_invitees_user_idx').on(t.userId)
	]
);

export const pollAnswers = sqliteTable(
	'poll_answers',
	{
		pollId: text('poll_id')
			.notNull()
			.references(() => meetingPolls.id, { onDelete: 'cascade' }),
		userId: text('user_id').notNull(),
		idx: integer('idx').notNull(),
		answer: text('answer', { enum: ['yes', 'if_need_be', 'no'] }).notNull()
	},
	(t) => [primaryKey({ columns: [t.pollId, t.userId, t.idx] })]
);

/**
 * Content-free news about meetings for one person's "waiting for you" page: a meeting they are
 * invited to was scheduled, moved or cancelled; for facilitators, someone left upcoming ones.
 */
export const meetingNotices = sqliteTable(
	'meeting_notices',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		meetingId: text('meeting_id').notNull(),
		userId: text('user_id').notNull(),
		kind: text('kind', { enum: ['scheduled', 'moved', 'cancelled', 'dropped'] }).notNull(),
		// For `dropped`: who left the meeting (they paused or withdrew).
		aboutId: text('about_id'),
		createdAt: integer('created_at').notNull(),
		seenAt: integer('seen_at')
	},
	(t) => [index('meeting_notices_user_idx').on(t.userId, t.seenAt)]
);

export const AGREEMENT_ITEM_KINDS = [
	'apology',
	'restitution',
	'counselling',
	'education',
	'boundary',
	'community-service',
	'custom'
] as const;
export const ITEM_STATUSES = ['open', 'done', 'verified', 'missed', 'renegotiated'] as const;

/**
 * A case's accountability agreement (one per case). Its words are an `agreement` case object
 * whose object id is the agreement's id and whose version is the agreement's version; the
 * server knows the items' kinds, owners, due dates and statuses (DESIGN §5), never their text.
 */
export const agreements = sqliteTable('agreements', {
	id: text('id').primaryKey(),
	caseId: text('case_id')
		.notNull()
		.unique()
		.references(() => cases.id, { onDelete: 'cascade' }),
	createdBy: text('created_by').notNull(),
	createdAt: integer('created_at').notNull()
});

/**
 * Every version as drafted: the digest D the drafting browser computed (every client computes
 * it again and trusts only its own), the previous version's D and the log head it was drafted
 * at. `inForceAt` is the server's note of when every required approval had arrived.
 */
export const agreementVersions = sqliteTable(
	'agreement_versions',
	{
		agreementId: text('agreement_id')
			.notNull()
			.references(() => agreements.id, { onDelete: 'cascade' }),
		version: integer('version').notNull(),
		digest: text('digest').notNull(),
		prevDigest: text('prev_digest'),
		logSeq: integer('log_seq').notNull(),
		logHash: text('log_hash').notNull(),
		createdBy: text('created_by').notNull(),
		createdAt: integer('created_at').notNull(),
		inForceAt: integer('in_force_at')
	},
	(t) => [primaryKey({ columns: [t.agreementId, t.version] })]
);

/** Items of one version. An item keeps its id across versions, so its history follows it. */
export const agreementItems = sqliteTable(
	'agreement_items',
	{
		agreementId: text('agreement_id').notNull(),
		version: integer('version').notNull(),
		itemId: text('item_id').notNull(),
		kind: text('kind', { enum: AGREEMENT_ITEM_KINDS }).notNull(),
		ownerId: text('owner_id').notNull(),
		// A calendar day (UTC midnight in ms), or null for an item with no date (a boundary).
		due: integer('due'),
		// A recurring item: the due day is the first of `repeatCount` weekly or monthly days.
		repeatEvery: text('repeat_every', { enum: ['week', 'month'] }),
		repeatCount: integer('repeat_count')
	},
	(t) => [
		primaryKey({ columns: [t.agreementId, t.version, t.itemId] }),
		foreignKey({
			columns: [t.agreementId, t.version],
			foreignColumns: [agreementVersions.agreementId, agreementVersions.version]
		}).onDelete('cascade')
	]
);

/** Who must sign a version, with the fingerprint the digest names. */
export const agreementSigners = sqliteTable(
	'agreement_signers',
	{
		agreementId: text('agreement_id').notNull(),
		version: integer('version').notNull(),
		userId: text('user_id').notNull(),
		role: text('role', { enum: ['survivor', 'responsible'] }).notNull(),
		fp: text('fp').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.agreementId, t.version, t.userId] }),
		foreignKey({
			columns: [t.agreementId, t.version],
			foreignColumns: [agreementVersions.agreementId, agreementVersions.version]
		}).onDelete('cascade')
	]
);

/**
 * A party's decision on a version: an Ed25519 signature over (D, role, decision) that every
 * client verifies, or a survivor's private approval to the facilitators (no signature).
 */
export const agreementConsents = sqliteTable(
	'agreement_consents',
	{
		agreementId: text('agreement_id').notNull(),
		version: integer('version').notNull(),
		userId: text('user_id').notNull(),
		role: text('role', { enum: ['survivor', 'responsible'] }).notNull(),
		method: text('method', { enum: ['signature', 'note'] }).notNull(),
		decision: text('decision', { enum: ['approve', 'decline'] }).notNull(),
		signature: text('signature'),
		at: integer('at').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.agreementId, t.version, t.userId] }),
		foreignKey({
			columns: [t.agreementId, t.version],
			foreignColumns: [agreementVersions.agreementId, agreementVersions.version]
		}).onDelete('cascade')
	]
);

/** A survivor's answer on each item of a version: approved, or "I'd like this changed". */
export const itemApprovals = sqliteTable(
	'item_approvals',
	{
		agreementId: text('agreement_id').notNull(),
		version: integer('version').notNull(),
		itemId: text('item_id').notNull(),
		userId: text('user_id').notNull(),
		decision: text('decision', { enum: ['approve', 'change'] }).notNull(),
		at: integer('at').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.agreementId, t.version, t.itemId, t.userId] }),
		foreignKey({
			columns: [t.agreementId, t.version],
			foreignColumns: [agreementVersions.agreementId, agreementVersions.version]
		}).onDelete('cascade')
	]
);

/** What facilitators marked on an item, as events; the latest is its status. */
export const itemStatuses = sqliteTable(
	'item_statuses',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		agreementId: text('agreement_id')
			.notNull()
			.references(() => agreements.id, { onDelete: 'cascade' }),
		itemId: text('item_id').notNull(),
		status: text('status', { enum: ITEM_STATUSES }).notNull(),
		actorId: text('actor_id').notNull(),
		at: integer('at').notNull()
	},
	(t) => [index('item_statuses_agreement_idx').on(t.agreementId, t.itemId)]
);

/** A check-in on an item; its words are a `check-in` case object with this id. */
export const checkIns = sqliteTable(
	'check_ins',
	{
		id: text('id').primaryKey(),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		agreementId: text('agreement_id')
			.notNull()
			.references(() => agreements.id, { onDelete: 'cascade' }),
		itemId: text('item_id').notNull(),
		authorId: text('author_id').notNull(),
		createdAt: integer('created_at').notNull()
	},
	(t) => [
		index('check_ins_agreement_idx').on(t.agreementId, t.itemId),
		index('check_ins_case_idx').on(t.caseId, t.createdAt)
	]
);

/**
 * Content-free agreement news for one person. `level` is what a survivor's follow-up choice
 * is compared with when it is shown, so lowering the choice hides what was queued too.
 */
export const agreementNews = sqliteTable(
	'agreement_news',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		userId: text('user_id').notNull(),
		kind: text('kind', {
			enum: [
				'review',
				'in_force',
				'check_in',
				'done',
				'verified',
				'missed',
				'renegotiated',
				'safety',
				'closed'
			]
		}).notNull(),
		level: text('level', {
			enum: ['review', 'update', 'milestone', 'completion', 'safety']
		}).notNull(),
		itemId: text('item_id'),
		createdAt: integer('created_at').notNull(),
		seenAt: integer('seen_at')
	},
	(t) => [index('agreement_news_user_idx').on(t.userId, t.seenAt)]
);

export type FormTemplateRow = typeof formTemplates.$inferSelect;
export type Meeting = typeof meetings.$inferSelect;
export type MeetingInvitee = typeof meetingInvitees.$inferSelect;
export type CaseRow = typeof cases.$inferSelect;
export type CaseMember = typeof caseMembers.$inferSelect;

export type User = typeof users.$inferSelect;
export type Passkey = typeof passkeys.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Link = typeof links.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
