// `npm run bench`: performance budgets for src/lib/crypto, measured in a real Chromium with the
// CPU slowed 4× (a mid-range phone), not as timed unit tests. Exits 1 when a budgeted median is
// over budget, 2 when it could not measure. See bench/README.md for what each row means.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build, runnerImport } from 'vite';
import { CHROMIUM_ARGS, chromiumExecutable } from '../scripts/chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const suite = fileURLToPath(new URL('./suite.ts', import.meta.url));
const LOG_LENGTH = 1000;
const CPU_SLOWDOWN = 4;

const budgeted = { warmup: 5, runs: 30, minRuns: 30, capMs: 60_000 };
const slow = { warmup: 1, runs: 10, minRuns: 3, capMs: 8000 };
const quick = { warmup: 3, runs: 30, minRuns: 10, capMs: 5000 };

/** `budget` in ms, on the median; rows without one are for information. */
const BENCHES = [
	{ where: 'chromium', op: 'seal', label: 'seal 64 KB for 5 readers', budget: 50, plan: budgeted },
	{ where: 'chromium', op: 'open', label: 'open 64 KB as one reader', budget: 50, plan: budgeted },
	{
		where: 'chromium',
		op: 'validate-log',
		label: 'validate 1,000-entry log',
		budget: 300,
		plan: slow
	},
	{
		where: 'chromium',
		op: 'seal-file',
		label: 'seal 1 MB file (4 chunks)',
		budget: 200,
		plan: quick
	},
	{
		where: 'chromium',
		op: 'open-file',
		label: 'open 1 MB file (4 chunks)',
		budget: 200,
		plan: quick
	},
	{ where: 'chromium', op: 'seal-wire', label: 'seal 64 KB + to JSON', plan: quick },
	{ where: 'chromium', op: 'open-wire', label: 'open 64 KB from JSON', plan: quick },
	{ where: 'chromium', op: 'safety-number', label: 'safety number (2 × 5,200)', plan: slow },
	{ where: 'chromium', op: 'circle-code', label: 'circle code (5,200)', plan: slow },
	{ where: 'node', op: 'validate-log', label: 'validate 1,000-entry log', plan: slow },
	{ where: 'node', op: 'seal', label: 'seal 64 KB for 5 readers', plan: quick },
	{ where: 'node', op: 'open', label: 'open 64 KB as one reader', plan: quick },
	{ where: 'node', op: 'seal-file', label: 'seal 1 MB file (4 chunks)', plan: quick },
	{ where: 'node', op: 'safety-number', label: 'safety number (2 × 5,200)', plan: slow },
	{ where: 'node', op: 'circle-code', label: 'circle code (5,200)', plan: slow }
];

class SetupError extends Error {}

function chromiumPath() {
	const chosen = process.env.CHROME_PATH;
	if (chosen) {
		if (existsSync(chosen)) return chosen;
		throw new SetupError(`CHROME_PATH is set to ${chosen}, but there is no browser there.`);
	}
	const found = chromiumExecutable();
	if (found) return found;
	throw new SetupError(
		'No Chromium found for the benchmarks.\n' +
			"Install Debian's (as root: apt-get install -y chromium) or run `npx playwright install chromium`."
	);
}

/** The suite as one classic script, as a browser would get it: minified, everything inlined. */
async function bundleSuite() {
	const result = await build({
		configFile: false,
		root,
		logLevel: 'error',
		publicDir: false,
		build: {
			write: false,
			emptyOutDir: false,
			minify: true,
			reportCompressedSize: false,
			lib: { entry: suite, name: 'circlekeeperBench', formats: ['iife'], fileName: 'suite' }
		}
	});
	const outputs = Array.isArray(result) ? result : [result];
	const chunk = outputs
		.flatMap((o) => ('output' in o ? o.output : []))
		.find((f) => f.type === 'chunk');
	if (!chunk) throw new SetupError('vite produced no bundle for bench/suite.ts');
	return chunk.code;
}

/** 127.0.0.1 is a secure context, so the page gets crypto.subtle as the app's pages do. */
function serve(script) {
	const html =
		'<!doctype html><meta charset="utf-8"><title>Circlekeeper bench</title>' +
		'<script src="/suite.js"></script>';
	const server = createServer((req, res) => {
		const isScript = req.url === '/suite.js';
		res.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
		res.end(isScript ? script : html);
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(server));
	});
}

function progress(where, b, times) {
	console.error(`  ${where.padEnd(8)} ${b.op.padEnd(14)} ${times.length} runs`);
}

async function measureNode(module, log) {
	await module.prepare(log);
	const results = new Map();
	for (const b of BENCHES.filter((x) => x.where === 'node')) {
		const times = await module.run(b.op, b.plan);
		progress('node', b, times);
		results.set(b, times);
	}
	return { results, ed25519: await module.ed25519Path() };
}

async function measureChromium(executablePath, log) {
	const bundle = await bundleSuite();
	const server = await serve(bundle);
	let browser;
	try {
		browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
		const page = await browser.newPage();
		const { port } = server.address();
		await page.goto(`http://127.0.0.1:${port}/`);
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
		if (!(await page.evaluate(() => globalThis.isSecureContext && !!globalThis.crypto.subtle))) {
			throw new SetupError('the bench page is not a secure context: no crypto.subtle');
		}
		await page.evaluate((l) => globalThis.circlekeeperBench.prepare(l), log);
		const results = new Map();
		for (const b of BENCHES.filter((x) => x.where === 'chromium')) {
			const times = await page.evaluate(
				([op, plan]) => globalThis.circlekeeperBench.run(op, plan),
				[b.op, b.plan]
			);
			progress('chromium', b, times);
			results.set(b, times);
		}
		const ed25519 = await page.evaluate(() => globalThis.circlekeeperBench.ed25519Path());
		return { results, ed25519, version: browser.version() };
	} finally {
		await browser?.close();
		server.close();
	}
}

function stats(times) {
	const sorted = [...times].sort((a, b) => a - b);
	const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
	const middle = sorted.length / 2;
	const median =
		sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
	return { runs: sorted.length, median, p95: at(0.95) };
}

function table(rows) {
	const head = ['benchmark', 'where', 'runs', 'median', 'p95', 'budget', 'result'];
	const ms = (n) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
	const cells = rows.map(({ b, s, where }) => [
		b.label,
		where,
		String(s.runs),
		ms(s.median),
		ms(s.p95),
		b.budget ? `${b.budget} ms` : '—',
		b.budget ? (s.median <= b.budget ? 'pass' : 'FAIL') : 'info'
	]);
	const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
	const line = (c) =>
		c
			.map((x, i) => (i >= 2 && i <= 5 ? x.padStart(widths[i]) : x.padEnd(widths[i])))
			.join('  ')
			.trimEnd();
	return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

async function main() {
	const executablePath = chromiumPath();
	console.error(`Building a ${LOG_LENGTH.toLocaleString('en')}-entry case log in Node…`);
	// The suite itself, run by Vite's module runner (TypeScript; tweetnacl loaded by Node).
	const { module } = await runnerImport(suite, { root, logLevel: 'error' });
	const log = await module.longLog(LOG_LENGTH);
	console.error('Measuring in Node…');
	const node = await measureNode(module, log);
	console.error(`Measuring in Chromium (${CPU_SLOWDOWN}× CPU throttling)…`);
	const page = await measureChromium(executablePath, log);

	const rows = BENCHES.map((b) => {
		const chromiumRow = b.where === 'chromium';
		const times = (chromiumRow ? page : node).results.get(b);
		return { b, s: stats(times), where: chromiumRow ? `Chromium ${CPU_SLOWDOWN}×` : 'Node' };
	});
	console.log(
		`\nChromium ${page.version} (CPU ${CPU_SLOWDOWN}× slower), Node ${process.version}` +
			`\nEd25519 verification: ${page.ed25519} in Chromium, ${node.ed25519} in Node\n`
	);
	console.log(table(rows));
	const over = rows.filter(({ b, s }) => b.budget && s.median > b.budget);
	console.log(
		over.length
			? `\n${over.length} budget(s) missed: ${over.map(({ b }) => b.label).join('; ')}`
			: '\nAll budgets met.'
	);
	return over.length ? 1 : 0;
}

try {
	process.exitCode = await main();
} catch (e) {
	console.error(e instanceof SetupError ? `bench: ${e.message}` : e);
	process.exitCode = 2;
}
