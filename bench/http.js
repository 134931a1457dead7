// HTTP throughput of the built app on the seeded database: the signed-in dashboard and a case
// page against a bare page of the same build (no load function of its own, no session),
// measured in alternating rounds with autocannon, and the server's memory while it happens.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createClient } from '@libsql/client';
import autocannon from 'autocannon';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

async function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
		server.on('error', reject);
	});
}

/**
 * A session made straight in the database, as src/lib/server/auth/session.ts makes one: the
 * cookie holds a random base32 token, the row only its SHA-256 (hex).
 * @param {string} file
 * @param {string} userId
 */
export async function insertSession(file, userId, now = Date.now()) {
	const token = Array.from(randomBytes(32), (b) => BASE32[b & 31]).join('');
	const id = createHash('sha256').update(token, 'utf8').digest('hex');
	const db = createClient({ url: `file:${file}` });
	try {
		await db.execute({
			sql: `INSERT INTO sessions (id, user_id, created_at, last_active_at, expires_at)
				VALUES (?, ?, ?, ?, ?)`,
			args: [id, userId, now, now, now + 12 * 3_600_000]
		});
	} finally {
		db.close();
	}
	return `ck_session=${token}`;
}

/**
 * Starts `node scripts/serve.js` (the built app) on this database and waits until it listens.
 * @param {string} file
 */
export async function startServer(file) {
	const port = await freePort();
	const origin = `http://localhost:${port}`;
	const child = spawn(process.execPath, ['scripts/serve.js'], {
		env: {
			...process.env,
			PORT: String(port),
			ORIGIN: origin,
			DATABASE_URL: `file:${file}`,
			QUICK_EXIT_URL: 'https://neutral.example/'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	child.stdout.on('data', (d) => (out += d));
	child.stderr.on('data', (d) => (out += d));
	await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`the app did not start:\n${out}`)), 60_000);
		child.stdout.on('data', () => {
			if (out.includes('Listening on')) {
				clearTimeout(timer);
				resolve(undefined);
			}
		});
		child.on('exit', (code) => reject(new Error(`the app exited with ${code}:\n${out}`)));
	});
	return {
		origin,
		pid: /** @type {number} */ (child.pid),
		output: () => out,
		stop: () =>
			new Promise((resolve) => {
				if (child.exitCode !== null) return resolve(undefined);
				child.once('exit', () => resolve(undefined));
				child.kill('SIGTERM');
			})
	};
}

/** Resident memory of a process in MiB, from /proc (Linux). @param {number} pid */
function rssMiB(pid) {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? NaN);
		return kb / 1024;
	} catch {
		return NaN;
	}
}

/**
 * CPU time the process has used (user + system), in ms, from /proc (Linux): steadier than
 * requests per second on a shared machine, since it does not count time spent waiting for the
 * CPU. `clk_tck` is 100 on Linux. @param {number} pid
 */
function cpuMs(pid) {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) * 10;
	} catch {
		return NaN;
	}
}

/**
 * One autocannon run; refuses to count a run where anything but 200 came back.
 * @param {{ url: string; cookie?: string; connections: number; seconds: number }} o
 */
async function load(o) {
	const result = await autocannon({
		url: o.url,
		connections: o.connections,
		duration: o.seconds,
		headers: o.cookie ? { cookie: o.cookie } : {}
	});
	const bad = result.non2xx + result.errors + result.timeouts;
	if (bad > 0) {
		throw new Error(
			`${o.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`
		);
	}
	return result;
}

/**
 * Alternates the bare page with each signed-in page for `rounds` rounds and sums them up.
 * @param {{ origin: string; pid: number; pages: { label: string; path: string; cookie?: string }[];
 *   connections?: number; seconds?: number; rounds?: number; progress?: (line: string) => void }} o
 */
export async function measureHttp(o) {
	const connections = o.connections ?? 25;
	const seconds = o.seconds ?? 5;
	const rounds = o.rounds ?? 3;
	const progress = o.progress ?? (() => {});
	// Each page answers 200 with what it should before anything is timed.
	for (const p of o.pages) {
		const res = await fetch(o.origin + p.path, {
			headers: p.cookie ? { cookie: p.cookie } : {},
			redirect: 'manual'
		});
		if (res.status !== 200) throw new Error(`${p.path} answered ${res.status}, not 200`);
	}
	// Warm-up: JIT, the database's page cache.
	for (const p of o.pages) {
		await load({ url: o.origin + p.path, cookie: p.cookie, connections, seconds: 2 });
	}
	const idleMiB = rssMiB(o.pid);
	/** @type {Map<string, { requests: number; seconds: number; cpu: number; p50: number[]; p99: number[]; max: number; rss: number[] }>} */
	const totals = new Map(
		o.pages.map((p) => [
			p.label,
			{ requests: 0, seconds: 0, cpu: 0, p50: [], p99: [], max: 0, rss: [] }
		])
	);
	const [bare, ...signedIn] = o.pages;
	for (let r = 0; r < rounds; r++) {
		for (const p of signedIn) {
			for (const page of [bare, p]) {
				const t = /** @type {NonNullable<ReturnType<typeof totals.get>>} */ (
					totals.get(page.label)
				);
				const sampler = setInterval(() => t.rss.push(rssMiB(o.pid)), 200);
				const cpuBefore = cpuMs(o.pid);
				try {
					const result = await load({
						url: o.origin + page.path,
						cookie: page.cookie,
						connections,
						seconds
					});
					t.cpu += cpuMs(o.pid) - cpuBefore;
					t.requests += result.requests.total;
					t.seconds += result.duration;
					t.p50.push(result.latency.p50);
					t.p99.push(result.latency.p99);
					t.max = Math.max(t.max, result.latency.max);
				} finally {
					clearInterval(sampler);
				}
				progress(
					`  round ${r + 1}/${rounds}  ${page.label.padEnd(24)} ${(t.requests / t.seconds).toFixed(0)} req/s so far`
				);
			}
		}
	}
	const median = (/** @type {number[]} */ xs) => {
		const s = [...xs].sort((a, b) => a - b);
		const m = s.length / 2;
		return s.length % 2 ? s[Math.floor(m)] : (s[m - 1] + s[m]) / 2;
	};
	const rows = o.pages.map((p) => {
		const t = /** @type {NonNullable<ReturnType<typeof totals.get>>} */ (totals.get(p.label));
		return {
			label: p.label,
			path: p.path,
			rps: t.requests / t.seconds,
			// The server's CPU per request, in ms (its own process; autocannon runs in this one).
			cpuPerRequest: t.cpu / Math.max(1, t.requests),
			// Per run, then the median of the runs (autocannon's histogram is per run).
			p50: median(t.p50),
			p99: median(t.p99),
			worstP99: Math.max(...t.p99),
			max: t.max,
			peakMiB: Math.max(...t.rss.filter(Number.isFinite)),
			meanMiB: t.rss.reduce((a, b) => a + b, 0) / Math.max(1, t.rss.length)
		};
	});
	return { connections, seconds, rounds, idleMiB, afterMiB: rssMiB(o.pid), rows };
}
