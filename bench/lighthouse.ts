import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { chromium, expect, type Page } from '@playwright/test';
import lighthouse from 'lighthouse';
import { addAuthenticator } from '../tests/support/passkeys';
import { createAccount } from '../tests/support/flows';
import { inviteLink, joinAsNewPerson, openCase } from '../tests/support/cases';

/**
 * Lighthouse (mobile, simulated slow 4G: its defaults) on the sign-in page and on the
 * survivor's input form as first shown to a signed-in survivor, in Debian's Chromium driven
 * over its DevTools port. The survivor is made the way people are: an admin's setup link, a
 * case, an invitation, a passkey with PRF and keys made in the browser (e2e helpers, with the
 * DevTools virtual authenticator). "As first shown": the survivor who has just joined opens
 * their input page in a new tab of the same browser, signed in, keys unlocked by the session's
 * key share (a reload within a session), nothing written yet: their choices and the content
 * note before the questions.
 */

export type LighthouseRow = {
	label: string;
	path: string;
	performance: number;
	accessibility: number;
	metrics: Record<string, number>;
	scriptBytes: number;
	failedAudits: string[];
};

const SHOTS = 'test-results/bench';

type App = { origin: string; setupUrl: string; dbFile: string; stop: () => Promise<void> };

function waitForOutput(child: ChildProcess, test: (out: string) => boolean, what: string) {
	let out = '';
	return new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out}`)), 60_000);
		const check = (d: Buffer) => {
			out += d;
			if (test(out)) {
				clearTimeout(timer);
				resolve(out);
			}
		};
		child.stdout?.on('data', check);
		child.stderr?.on('data', check);
		child.on('exit', (code) => reject(new Error(`${what} exited with ${code}:\n${out}`)));
	});
}

async function startFreshApp(port: number, dir: string): Promise<App> {
	const dbFile = join(dir, 'lighthouse.db');
	// WebAuthn needs `localhost` (not 127.0.0.1) over plain http.
	const origin = `http://localhost:${port}`;
	const child = spawn(process.execPath, ['scripts/serve.js'], {
		env: {
			...process.env,
			PORT: String(port),
			ORIGIN: origin,
			DATABASE_URL: `file:${dbFile}`,
			QUICK_EXIT_URL: 'https://neutral.example/'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const out = await waitForOutput(child, (o) => o.includes('Listening on'), 'the app');
	const setupUrl = out.match(/(http:\/\/localhost:\d+\/setup\/[a-z2-7]+)/)?.[1];
	if (!setupUrl) throw new Error(`the app printed no setup link:\n${out}`);
	return {
		origin,
		setupUrl,
		dbFile,
		stop: () =>
			new Promise((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			})
	};
}

async function launchChromium(executablePath: string, args: string[], dir: string) {
	const child = spawn(
		executablePath,
		[
			...args,
			'--remote-debugging-port=0',
			`--user-data-dir=${join(dir, 'profile')}`,
			'about:blank'
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] }
	);
	const out = await waitForOutput(
		child,
		(o) => /DevTools listening on ws:\/\/[^:]+:\d+\//.test(o),
		'Chromium'
	);
	const port = Number(out.match(/DevTools listening on ws:\/\/[^:]+:(\d+)\//)?.[1]);
	return {
		port,
		stop: () =>
			new Promise<void>((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			})
	};
}

/** Lighthouse sometimes fails to record a trace (NO_NAVSTART and the like): try again. */
async function audit(port: number, url: string, attempts = 3) {
	for (let i = 1; ; i++) {
		try {
			return await auditOnce(port, url);
		} catch (e) {
			if (i >= attempts) throw e;
		}
	}
}

async function auditOnce(port: number, url: string) {
	const result = await lighthouse(url, {
		port,
		output: 'json',
		logLevel: 'error',
		onlyCategories: ['performance', 'accessibility'],
		// The survivor's keys are unlocked by what this browser keeps (cookie, IndexedDB).
		disableStorageReset: true
	});
	if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
	const { lhr } = result;
	if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.message}`);
	// The whole report, to see where the time went (open it in the Lighthouse viewer).
	mkdirSync(SHOTS, { recursive: true });
	writeFileSync(
		join(SHOTS, `lighthouse-${new URL(url).pathname.split('/').pop()}.json`),
		JSON.stringify(lhr)
	);
	// BENCH_TRACE=1: the trace Lighthouse recorded too (open it in DevTools' Performance panel),
	// to see which task was long and what ran in it (observed times, before the 4× slowdown).
	if (process.env.BENCH_TRACE) {
		const { Trace } = result.artifacts as unknown as { Trace?: unknown };
		const name = `trace-${new URL(url).pathname.split('/').pop()}.json`;
		writeFileSync(join(SHOTS, name), JSON.stringify(Trace));
	}
	const num = (id: string) => Number(lhr.audits[id]?.numericValue ?? NaN);
	// What came over the network for scripts (compressed as served), per Lighthouse.
	const items =
		(
			lhr.audits['resource-summary']?.details as {
				items?: { resourceType?: string; transferSize?: number }[];
			}
		)?.items ?? [];
	const failedAudits = Object.values(lhr.categories)
		.flatMap((c) => c.auditRefs)
		.map((ref) => lhr.audits[ref.id])
		.filter((a) => a && a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative')
		.filter((a) => a!.scoreDisplayMode === 'binary' || (a!.score ?? 1) < 0.9)
		.map((a) => `${a!.id} (${a!.displayValue ?? a!.score})`);
	const shot = (lhr.audits['final-screenshot']?.details as { data?: string } | undefined)?.data;
	return {
		finalUrl: lhr.finalDisplayedUrl,
		screenshot: shot?.startsWith('data:image/') ? shot : null,
		performance: Math.round((lhr.categories.performance?.score ?? 0) * 100),
		accessibility: Math.round((lhr.categories.accessibility?.score ?? 0) * 100),
		metrics: {
			fcp: num('first-contentful-paint'),
			lcp: num('largest-contentful-paint'),
			tbt: num('total-blocking-time'),
			cls: num('cumulative-layout-shift'),
			si: num('speed-index')
		},
		scriptBytes: items
			.filter((i) => i.resourceType === 'script')
			.reduce((sum, i) => sum + (i.transferSize ?? 0), 0),
		failedAudits
	};
}

/**
 * Empties the browser's HTTP cache but keeps its storage: each measured load fetches every
 * script again, as on a first visit, while the survivor stays signed in with keys unlocked.
 */
async function clearCache(port: number) {
	const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
	try {
		const context = browser.contexts()[0]!;
		const page = await context.newPage();
		const cdp = await context.newCDPSession(page);
		await cdp.send('Network.clearBrowserCache');
		await page.close();
	} finally {
		await browser.close();
	}
}

/** Makes an admin (who opens a case) and a survivor who joins it; returns the input page. */
async function makeSurvivor(port: number, app: App) {
	const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
	try {
		const adminContext = await browser.newContext();
		const lead = await adminContext.newPage();
		await addAuthenticator(lead, { prf: true });
		await createAccount(lead, app.setupUrl, 'Alder', 'Desk');
		const { caseId } = await openCase(lead, app.origin, 'A case to measure');
		const link = await inviteLink(lead, 'Survivor');
		// The survivor lives in the browser's default context, where Lighthouse opens its tab.
		const survivor: Page = await browser.contexts()[0]!.newPage();
		await addAuthenticator(survivor, { prf: true });
		await joinAsNewPerson(survivor, link, 'Wren');
		// The lead's browser signs the survivor into the case log.
		await lead.goto(`${app.origin}/cases/${caseId}`);
		const db = createClient({ url: `file:${app.dbFile}` });
		await expect
			.poll(
				async () => Number((await db.execute('SELECT count(*) FROM case_pending')).rows[0]![0]),
				{
					timeout: 30_000
				}
			)
			.toBe(0);
		db.close();
		const path = `/cases/${caseId}/input`;
		await survivor.goto(app.origin + path);
		await expect(survivor.getByRole('heading', { name: 'Before you begin' })).toBeVisible({
			timeout: 30_000
		});
		await survivor.close();
		await adminContext.close();
		return path;
	} finally {
		// Disconnects Playwright only: the browser and its default context stay for Lighthouse.
		await browser.close();
	}
}

export async function measureLighthouse(
	executablePath: string,
	chromiumArgs: string[],
	appPort: number,
	progress: (line: string) => void = () => {}
): Promise<{ chromium: string; rows: LighthouseRow[] }> {
	const dir = mkdtempSync(join(tmpdir(), 'ck-lighthouse-'));
	const app = await startFreshApp(appPort, dir);
	const browser = await launchChromium(executablePath, chromiumArgs, dir);
	try {
		const version = (await (
			await fetch(`http://127.0.0.1:${browser.port}/json/version`)
		).json()) as {
			Browser: string;
		};
		const rows: LighthouseRow[] = [];
		const run = async (label: string, path: string) => {
			// Once to warm the app (first compile of each route's server code), then measured
			// with an empty HTTP cache (storage, and so the session and keys, stays).
			await audit(browser.port, app.origin + path);
			await clearCache(browser.port);
			const r = await audit(browser.port, app.origin + path);
			if (new URL(r.finalUrl).pathname !== path) {
				throw new Error(`Lighthouse ended on ${r.finalUrl}, not ${path}`);
			}
			// What Lighthouse saw at the end, to check the form really was open (test-results/).
			const { screenshot, ...rest } = r;
			if (screenshot) {
				const file = join(SHOTS, `lighthouse-${label.replace(/\W+/g, '-')}.jpg`);
				mkdirSync(SHOTS, { recursive: true });
				writeFileSync(file, Buffer.from(screenshot.split(',')[1] ?? '', 'base64'));
			}
			progress(
				`  ${label.padEnd(28)} performance ${r.performance}, accessibility ${r.accessibility}`
			);
			rows.push({ label, path, ...rest });
		};
		// Signed out first: the same browser holds the survivor's session afterwards.
		await run('sign-in', '/signin');
		progress('  making an admin, a case and a survivor who joins it…');
		const input = await makeSurvivor(browser.port, app);
		await run("survivor's input form", input);
		return { chromium: version.Browser, rows };
	} finally {
		await browser.stop();
		await app.stop();
		rmSync(dir, { recursive: true, force: true });
	}
}
