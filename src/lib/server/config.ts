// All deployment settings come from the environment (adapter-node does not read `.env`).
// Read on each call so tests can set them per file.

function num(name: string, fallback: number, min: number, max: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < min || value > max) {
		throw new Error(`${name} must be a number between ${min} and ${max} (got "${raw}")`);
	}
	return value;
}

export function config() {
	const port = num('PORT', 3000, 1, 65535);
	// ORIGIN is what people type in the address bar; WebAuthn binds passkeys to its host.
	// Behind a proxy, set it to the public https address (and ADDRESS_HEADER for adapter-node).
	const origin = new URL(process.env.ORIGIN || `http://localhost:${port}`).origin;
	return {
		origin,
		rpID: new URL(origin).hostname,
		secure: origin.startsWith('https:'),
		databaseUrl: process.env.DATABASE_URL || 'file:data/circlekeeper.db',
		databaseAuthToken: process.env.DATABASE_AUTH_TOKEN || undefined,
		// How long a request waits for a database held by another process (or a server that does
		// not answer at start) before it is told to try again.
		databaseWaitMs: num('DATABASE_WAIT_SECONDS', 5, 1, 60) * 1000,
		migrationsDir: process.env.MIGRATIONS_DIR || 'drizzle',
		// Where `npm run backup` writes (file databases only); kept no longer than closed cases.
		backupDir: process.env.BACKUP_DIR || 'data/backups',
		sessionIdleMs: num('SESSION_IDLE_MINUTES', 60, 1, 24 * 60) * 60_000,
		sessionAbsoluteMs: num('SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 7) * 3_600_000,
		quickExitUrl: process.env.QUICK_EXIT_URL || 'https://www.bbc.com/weather',
		rateLimitMax: num('RATE_LIMIT_MAX', 30, 1, 100_000),
		rateLimitWindowMs: num('RATE_LIMIT_WINDOW_SECONDS', 600, 1, 86_400) * 1000
	};
}

export type Config = ReturnType<typeof config>;
