// The retention policy's shape, defaults (DESIGN §6) and bounds, shared by the server (which
// enforces them) and the admin page (which shows them). Every value is in whole days.

export type RetentionPolicy = {
	/** A closed or withdrawn case and everything in it, after closing. */
	closedCaseDays: number;
	/** An invite link nobody used, after it was made. */
	inviteDays: number;
	/** A participant account with no case left, after its last case was purged. */
	orphanDays: number;
	/** Audit events not tied to a case (a case's events go with the case). */
	auditDays: number;
};

export const RETENTION_KEYS = ['closedCaseDays', 'inviteDays', 'orphanDays', 'auditDays'] as const;

export const RETENTION_DEFAULTS: RetentionPolicy = {
	closedCaseDays: 30,
	inviteDays: 7,
	orphanDays: 30,
	auditDays: 180
};

/**
 * Inclusive bounds. Zero days means "at the next purge". An invite lives at least a day so a
 * person has time to open it; the audit keeps at least a week so a problem can be looked into.
 */
export const RETENTION_BOUNDS: Record<keyof RetentionPolicy, readonly [number, number]> = {
	closedCaseDays: [0, 365],
	inviteDays: [1, 30],
	orphanDays: [0, 365],
	auditDays: [7, 730]
};
