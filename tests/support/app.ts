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
	/** A client of the app's database: its file, or the libsql server it was given. */
	db: Client;
	/** The database file ('' on a libsql server); its `-wal` sits beside it. */
	dbPath: string;
	output: () => string;
	stop: () => Promise<void>;
};

export async function freePort(): Promise<number> {
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
 * restored backup), which prints no setup link once it has an admin. With a `DATABASE_URL`
 * of a libsql server in `env` (and its `DATABASE_AUTH_TOKEN`), it uses that database, which
 * other instances may share: it waits until it listens, and `setupUrl` is the link it
 * printed, if it printed one.
 */
export async function startApp(
	env: Record<string, string> = {},
	{ dbFile }: { dbFile?: string } = {}
): Promise<App> {
	const dir = mkdtempSync(join(tmpdir(), 'ck-e2e-'));
	const port = await freePort();
	const origin = `http://localhost:${port}`;
	const server = env.DATABASE_URL && !env.DATABASE_URL.startsWith('file:');
	const dbPath = server ? '' : join(dir, 'e2e.db');
	if (dbFile && !server) copyFileSync(dbFile, dbPath);
	const child: ChildProcess = spawn(process.execPath, ['scripts/serve.js'], {
		env: {
			...process.env,
			PORT: String(port),
			ORIGIN: origin,
			DATABASE_URL: `file:${dbPath}`,
			QUICK_EXIT_URL: 'https://neutral.example/',
			RATE_LIMIT_MAX: '1000',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	child.stdout?.on('data', (d) => (out += d));
	child.stderr?.on('data', (d) => (out += d));
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
		: createClient({ url: `file:${dbPath}` });
	return {
		origin,
		setupUrl,
		db,
		dbPath,
		output: () => out,
		stop: async () => {
			db.close();
			child.kill('SIGTERM');
			await new Promise((r) => child.once('exit', r));
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** Counts rows, to show that a refused request changed nothing. */
export async function countRows(db: Client, table: string): Promise<number> {
	const result = await db.execute(`SELECT count(*) AS n FROM ${table}`);
	return Number(result.rows[0]?.n ?? 0);
}
