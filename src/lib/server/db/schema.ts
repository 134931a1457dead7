import { blob, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

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
		expiresAt: integer('expires_at').notNull()
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

export type User = typeof users.$inferSelect;
export type Passkey = typeof passkeys.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Link = typeof links.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
