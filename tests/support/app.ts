import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';

export type App = {
	origin: string;
	/** The setup link printed on an empty database ('' when started on one with an admin). */
	setupUrl: string;
	db: Client;
	/** The database file; its `-wal` sits beside it. */
	dbPath: string;
	output: () => string;
	stop: () => Promise<void>;
	/** `kill -9`: no shutdown at all. The files stay (for a restart on them) until `stop`. */
	kill: () => Promise<void>;
};

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}

/**
 * Starts the built app in a temp folder and waits until it listens. On a fresh database it
 * waits for the setup link too; with `dbFile` it starts on a copy of that file instead (a
 * restored backup), which prints no setup link once it has an admin. With `shareDb` it opens
 * `dbFile` itself, as a second instance beside a running one or a restart after a crash. With a
 * `DATABASE_URL` of a libsql server in `env` (and its `DATABASE_AUTH_TOKEN`), it uses that
 * database, which other instances may share: it waits until it listens, and `setupUrl` is the
 * link it printed, if it printed one.
 */
export async function startApp(
	env: Record<string, string> = {},
	{ dbFile, shareDb = false }: { dbFile?: string; shareDb?: boolean } = {}
): Promise<App> {
	const dir = mkdtempSync(join(tmpdir(), 'ck-e2e-'));
	const port = await freePort();
	const origin = `http://localhost:${port}`;
	const server = !!env.DATABASE_URL && !env.DATABASE_URL.startsWith('file:');
	const dbPath = server ? '' : dbFile && shareDb ? dbFile : join(dir, 'e2e.db');
	if (dbFile && !shareDb && !server) copyFileSync(dbFile, dbPath);
	const child = spawnApp({
		PORT: String(port),
		ORIGIN: origin,
		DATABASE_URL: `file:${dbPath}`,
		...env
	});
	let out = '';
	child.stdout?.on('data', (d) => (out += d));
	child.stderr?.on('data', (d) => (out += d));
	const exited = new Promise((r) => child.once('exit', r));
	const started = new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`app did not start:\n${out}`)), 20_000);
		const check = () => {
			// The setup link, when there is one, is printed before the app listens.
			const link = out.match(/(http:\/\/localhost:\d+\/setup\/[a-z2-7]+)/);
			if ((link || dbFile || server) && out.includes('Listening on')) {
				clearTimeout(timer);
				resolve(link?.[1] ?? '');
			}
		};
		child.stdout?.on('data', check);
		// 'close' comes after the last output, so the error carries what the app said.
		child.on('close', (code) => reject(new Error(`app exited with ${code}:\n${out}`)));
	});
	const setupUrl = await started.catch((e: unknown) => {
		child.kill('SIGKILL');
		rmSync(dir, { recursive: true, force: true });
		throw e;
	});
	const db = server
		? createClient({ url: env.DATABASE_URL ?? '', authToken: env.DATABASE_AUTH_TOKEN })
		: // SQLite's busy timeout: the app writes on its own too (the purge timer), and a test's
			// write or read that meets it waits instead of failing with SQLITE_BUSY.
			createClient({ url: `file:${dbPath}`, timeout: 5000 });
	const running = () => child.exitCode === null && child.signalCode === null;
	return {
		origin,
		setupUrl,
		db,
		dbPath,
		output: () => out,
		stop: async () => {
			db.close();
			if (running()) {
				child.kill('SIGTERM');
				await exited;
			}
			rmSync(dir, { recursive: true, force: true });
		},
		kill: async () => {
			// This test's own connection first: closing the last connection to a WAL database
			// checkpoints it, which would tidy up after the crash before the restart could.
			db.close();
			child.kill('SIGKILL');
			await exited;
		}
	};
}

function spawnApp(env: Record<string, string>): ChildProcess {
	return spawn(process.execPath, ['scripts/serve.js'], {
		env: {
			...process.env,
			QUICK_EXIT_URL: 'https://neutral.example/',
			RATE_LIMIT_MAX: '1000',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
}

/** Starts the app where it cannot start: how it ended, what it printed, and how long it took. */
export async function failedStart(env: Record<string, string>) {
	const started = Date.now();
	const port = await freePort();
	const child = spawnApp({ PORT: String(port), ORIGIN: `http://localhost:${port}`, ...env });
	let out = '';
	child.stdout?.on('data', (d) => (out += d));
	child.stderr?.on('data', (d) => (out += d));
	const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
	const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
	clearTimeout(timer);
	return { code, output: out, ms: Date.now() - started };
}

/** Counts rows, to show that a refused request changed nothing. */
export async function countRows(db: Client, table: string): Promise<number> {
	const result = await db.execute(`SELECT count(*) AS n FROM ${table}`);
	return Number(result.rows[0]?.n ?? 0);
}
