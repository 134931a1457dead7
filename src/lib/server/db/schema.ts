import {
	blob,
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
	status: text('status', { enum: ['active', 'deactivated'] })
		.notNull()
		.default('active'),
	createdAt: integer('created_at').notNull(),
	deactivatedAt: integer('deactivated_at')
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
		kind: text('kind', { enum: ['setup', 'facilitator', 'device'] }).notNull(),
		// Who made it (null for the setup link made at first start).
		createdBy: text('created_by').references(() => users.id, { onDelete: 'cascade' }),
		// For device links: the account the new passkey joins. For used invites: who joined.
		userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
		createdAt: integer('created_at').notNull(),
		expiresAt: integer('expires_at').notNull(),
		usedAt: integer('used_at'),
		revokedAt: integer('revoked_at')
	},
	(t) => [index('links_kind_idx').on(t.kind)]
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
		objectId: text('object_id')
	},
	(t) => [index('audit_at_idx').on(t.at), index('audit_actor_idx').on(t.actorId)]
);

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
		kind: text('kind', { enum: ['personal-state', 'notebook'] }).notNull(),
		version: integer('version').notNull(),
		deleted: integer('deleted', { mode: 'boolean' }).notNull(),
		header: text('header').notNull(),
		body: text('body').notNull(),
		wrap: text('wrap').notNull(),
		size: integer('size').notNull(),
		updatedAt: integer('updated_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.userId, t.objectId] })]
);

export type User = typeof users.$inferSelect;
export type Passkey = typeof passkeys.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Link = typeof links.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
