import { request as httpRequest } from 'node:http';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { startApp, type App } from './support/app';
import {
	applySeed,
	b64,
	bytes32,
	describeChanges,
	fingerprint,
	makeSeed,
	PEOPLE,
	type Fingerprint,
	type Person,
	type Seed,
	type SeedPerson
} from './support/seed';
import { ROWS, type Row } from './support/routes';
import { endpointName, endpoints, matchRoute, paramsOf, type Endpoint } from './support/endpoints';
import { generateToken } from './support/sessions';

/**
 * Property-based fuzzing of every JSON endpoint and form action the file system declares
 * (tests/support/endpoints.ts), as every role of the seed (tests/support/seed.ts), signed out,
 * and with a forged session cookie. Each run sends one request: a valid body of the
 * authorization matrix (tests/support/routes.ts) or of TEMPLATES below, mutated (wrong types,
 * missing and extra fields, huge strings, unicode, `__proto__` keys, repeated fields, ids of
 * other cases and people, other-case-letter ids), or something else entirely (random JSON,
 * deep nesting, form data to a JSON endpoint, JSON to a form, wrong or missing content types,
 * broken multipart, bytes that are not UTF-8), with guessed and malformed ids in the path.
 *
 * Every answer: no 5xx, and nothing logged as an unexpected error. A refusal (a 4xx, or a
 * request without a session sent to sign in) changes nothing: every table is compared,
 * row by row, before and after (see IGNORED in seed.ts for the two things any request may
 * touch, and `unseeOwnNews` here) — unless no other connection has committed anything since
 * the tables were last known to be the seed (`PRAGMA data_version`, see `Watch`). What a
 * request was allowed to change is undone by writing the seed again.
 *
 * `FUZZ_RUNS` runs per endpoint (default 25, as in `npm test`; `npm run fuzz` runs 10,000);
 * `FUZZ_SEED` replays a run; `FUZZ_ONLY` (a substring of the endpoint's name) narrows it;
 * `FUZZ_REPORT` is the progress file, a JSON line per endpoint as it finishes; `FUZZ_RESUME=1`
 * skips the endpoints that file already has a passing line for, at this number of runs.
 * Runs over 1,000 per endpoint have no time limit and spread the endpoints over the workers.
 */

const RUNS = Number(process.env.FUZZ_RUNS || 25);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const ONLY = process.env.FUZZ_ONLY ?? '';
const LONG = RUNS > 1000;
/** Short runs compare every table after every request, and check that `Watch` agrees. */
const VERIFY_WATCH = RUNS <= 100;
// A longer run's outside test-results, which Playwright empties at the start of every run (a
// short pass started beside a long one would take its record).
const REPORT =
	process.env.FUZZ_REPORT ||
	(RUNS > 100 ? `fuzz-results/fuzz-${RUNS}.jsonl` : `test-results/fuzz-${RUNS}.jsonl`);
const RESUME = process.env.FUZZ_RESUME === '1';
const BODY_LIMIT = 512 * 1024;

type Role = Person | 'signedOut' | 'forged';
const ROLES: readonly Role[] = [...PEOPLE, 'signedOut', 'forged'];

// --- Valid requests to start from -------------------------------------------------------

type Template = {
	/** Path parameters of a request that succeeds for someone. */
	params: Record<string, string>;
	/** The query string as sent (without `?`). */
	query: string;
	/** JSON, form fields (an object, or name-value pairs where a name repeats), bytes, nothing. */
	body?: (s: Seed, me: SeedPerson) => unknown;
};

/** `?/name` of an action's URL; '' for a default action. */
function actionOf(path: string): string {
	const query = path.split('?')[1] ?? '';
	return query.startsWith('/') ? query.slice(1).split('&')[0]! : 'default';
}

const keyOf = (e: Endpoint) => endpointName(e);

const wrap = (kind: string, wrapId = b64(22)) => ({
	v: 1,
	kind,
	wrapId,
	salt: bytes32(),
	box: b64(380)
});
const assertion = () => ({
	id: b64(43),
	rawId: b64(43),
	type: 'public-key',
	response: {
		clientDataJSON: b64(200),
		authenticatorData: b64(50),
		signature: b64(96),
		userHandle: b64(22)
	},
	clientExtensionResults: {}
});

/**
 * Endpoints the authorization matrix leaves to other files (keys, devices, WebAuthn, sign-out,
 * passkeys and sessions pages): a request of the right shape for each. `undefined` body: the
 * endpoint reads none (it is fuzzed with bodies all the same).
 */
const TEMPLATES: Record<string, (s: Seed) => Template[]> = {
	'POST /api/keys': () => [
		{
			params: {},
			query: '',
			body: () => ({
				keys: { keyVersion: 1, boxPk: bytes32(), signPk: bytes32() },
				recovery: wrap('recovery'),
				passkey: wrap('prf', b64(43))
			})
		}
	],
	'POST /api/keys/devices': () => [{ params: {}, query: '' }],
	'DELETE /api/keys/devices/[id]': (s) => [{ params: { id: s.device.id }, query: '' }],
	'PUT /api/keys/passkey': () => [
		{ params: {}, query: '', body: () => ({ wrap: wrap('prf', b64(43)) }) }
	],
	'GET /api/keys/passkey': () => [{ params: {}, query: `credential=${b64(43)}` }],
	'GET /api/keys/recovery': () => [{ params: {}, query: '' }],
	'PUT /api/keys/recovery': () => [
		{ params: {}, query: '', body: () => ({ wrap: wrap('recovery') }) }
	],
	'POST /api/keys/session': () => [{ params: {}, query: '' }],
	'GET /api/keys/session': () => [{ params: {}, query: '' }],
	'POST /api/devices/links': () => [
		{ params: {}, query: '', body: () => ({ handover: wrap('handover') }) }
	],
	'GET /api/me/envelopes': (s) => [
		{ params: {}, query: 'kind=notebook' },
		{ params: {}, query: `kind=draft&case=${s.case1.id}` }
	],
	'POST /api/webauthn/register/options': (s) => [
		{
			params: {},
			query: '',
			body: () => ({ kind: 'case', token: s.invite.token, displayName: 'Someone' })
		},
		{ params: {}, query: '', body: () => ({ kind: 'facilitator', token: s.orgInvite.token }) }
	],
	'POST /api/webauthn/register/verify': () => [
		{
			params: {},
			query: '',
			body: () => ({
				kind: 'case',
				challengeId: b64(22),
				passkeyName: 'Phone',
				response: {
					id: b64(43),
					rawId: b64(43),
					type: 'public-key',
					response: {
						clientDataJSON: b64(200),
						attestationObject: b64(300),
						transports: ['internal']
					},
					clientExtensionResults: {}
				}
			})
		}
	],
	'POST /api/webauthn/signin/options': () => [{ params: {}, query: '', body: () => ({}) }],
	'POST /api/webauthn/signin/verify': () => [
		{ params: {}, query: '', body: () => ({ challengeId: b64(22), response: assertion() }) }
	],
	'POST /exit': () => [{ params: {}, query: '' }],
	'GET /exit': () => [{ params: {}, query: '' }],
	'/signout?/default': () => [{ params: {}, query: '', body: () => ({}) }],
	'/account/passkeys?/rename': () => [
		{ params: {}, query: '', body: () => ({ id: b64(43), name: 'Laptop' }) }
	],
	'/account/passkeys?/remove': () => [{ params: {}, query: '', body: () => ({ id: b64(43) }) }],
	'/account/sessions?/everywhere': () => [{ params: {}, query: '', body: () => ({}) }]
};

/** The matrix's rows and TEMPLATES, by endpoint. */
function templates(s: Seed, all: readonly Endpoint[]): Map<string, Template[]> {
	const out = new Map<string, Template[]>();
	const add = (key: string, t: Template) => out.set(key, [...(out.get(key) ?? []), t]);
	const routes = [...new Set(all.map((e) => e.route))];
	const seen = new Set<string>();
	for (const row of ROWS as Row[]) {
		if (row.kind !== 'api' && row.kind !== 'action') continue;
		if (row.kind === 'action' && row.enhanced) continue;
		const path = row.path(s);
		const match = matchRoute(path, routes);
		if (!match) continue;
		const query = row.kind === 'api' ? (path.split('?')[1] ?? '') : '';
		const key =
			row.kind === 'api' ? `${row.method} ${match.route}` : `${match.route}?/${actionOf(path)}`;
		const id = `${key} ${row.name}`;
		if (seen.has(id)) continue;
		seen.add(id);
		add(key, { params: match.params, query, body: row.body });
	}
	for (const [key, make] of Object.entries(TEMPLATES)) for (const t of make(s)) add(key, t);
	return out;
}

// --- What is sent ------------------------------------------------------------------------

/**
 * JSON as a tree, so that keys like `__proto__` are written as they are and a huge string is
 * described (not printed) in a counterexample.
 */
type J =
	| null
	| boolean
	| number
	| string
	| { $huge: [string, number] }
	| { $raw: string }
	| { $a: J[] }
	| { $rep: [J, number] }
	| { $o: [string, J][] }
	| { $deep: ['[' | '{"a":', number] };

function toJ(value: unknown): J {
	if (value === null || value === undefined) return null;
	if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
		return value;
	if (Array.isArray(value)) return { $a: value.map(toJ) };
	return { $o: Object.entries(value as object).map(([k, v]) => [k, toJ(v)]) };
}

function writeJ(j: J): string {
	if (j === null || typeof j !== 'object') return JSON.stringify(j) ?? 'null';
	if ('$huge' in j) return JSON.stringify(j.$huge[0].repeat(j.$huge[1]));
	if ('$raw' in j) return j.$raw;
	if ('$a' in j) return `[${j.$a.map(writeJ).join(',')}]`;
	if ('$rep' in j) {
		// Up to about twice the body limit: a repeat of a repeat is not a gigabyte.
		const one = writeJ(j.$rep[0]);
		const n = Math.max(1, Math.min(j.$rep[1], Math.floor((2 * BODY_LIMIT) / (one.length + 1))));
		return `[${Array(n).fill(one).join(',')}]`;
	}
	if ('$deep' in j) {
		const [open, n] = j.$deep;
		return open.repeat(n) + (open === '[' ? ']' : '1}').repeat(n);
	}
	return `{${j.$o.map(([k, v]) => `${JSON.stringify(k)}:${writeJ(v)}`).join(',')}}`;
}

/** Every node of a tree, depth first, with a way to replace it. */
function nodes(root: J): { get: () => J; set: (v: J | undefined) => void; parent: J | null }[] {
	const out: { get: () => J; set: (v: J | undefined) => void; parent: J | null }[] = [];
	let top = root;
	const visit = (get: () => J, set: (v: J | undefined) => void, parent: J | null) => {
		out.push({ get, set, parent });
		const j = get();
		if (j && typeof j === 'object' && '$a' in j) {
			j.$a.forEach((_, i) =>
				visit(
					() => j.$a[i]!,
					(v) => (v === undefined ? j.$a.splice(i, 1) : (j.$a[i] = v)),
					j
				)
			);
		} else if (j && typeof j === 'object' && '$o' in j) {
			j.$o.forEach((entry, i) =>
				visit(
					() => entry[1],
					(v) => (v === undefined ? j.$o.splice(i, 1) : (entry[1] = v)),
					j
				)
			);
		}
	};
	visit(
		() => top,
		(v) => (top = v ?? null),
		null
	);
	out[0]!.get = () => top;
	return out;
}

const POLLUTION = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'then'];
const ODD_STRINGS = [
	'',
	' ',
	'\u0000',
	'\uD800',
	'\uDFFF',
	'\u202E',
	'\uFEFF',
	'😀',
	'e\u0301',
	'null',
	'undefined',
	'NaN',
	'-1',
	'0',
	'1e999',
	'9007199254740993',
	'[object Object]',
	'../../etc/passwd',
	'%00',
	'%',
	"'; DROP TABLE users; --",
	'<script>alert(1)</script>',
	'true',
	'[]',
	'{}'
];
const ODD_NUMBERS = [
	'0',
	'-0',
	'-1',
	'1.5',
	'2147483648',
	'9007199254740993',
	'1e21',
	'-1e21',
	'1e999',
	'-1e999',
	'1e-400'
];

/** Strings, from plain to hostile: unicode of every kind, odd values, and huge ones. */
const anyString = (ids: readonly string[]) =>
	fc.oneof(
		{ weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
		{ weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
		{ weight: 2, arbitrary: fc.constantFrom(...ODD_STRINGS) },
		{ weight: 2, arbitrary: fc.constantFrom(...ids) },
		{ weight: 1, arbitrary: fc.constantFrom(...ids).map(swapCase) }
	);

const huge = fc.record({
	ch: fc.constantFrom('a', 'é', '😀', 'A_-', '\u0000', '"'),
	// Most within the body limit, some over it.
	n: fc.oneof(fc.integer({ min: 1_000, max: 60_000 }), fc.integer({ min: 60_000, max: 200_000 }))
});

const jsonKey = (keys: readonly string[]) =>
	fc.oneof(
		{ weight: 3, arbitrary: fc.string({ maxLength: 10 }) },
		{ weight: 2, arbitrary: fc.constantFrom(...POLLUTION) },
		{ weight: 2, arbitrary: fc.constantFrom(...(keys.length ? keys : ['x'])) }
	);

/** Any JSON value, with the keys the endpoint knows and the ids the seed has. */
function jsonArb(keys: readonly string[], ids: readonly string[]): fc.Arbitrary<J> {
	const leaf: fc.Arbitrary<J> = fc.oneof(
		{ weight: 4, arbitrary: anyString(ids) },
		{ weight: 2, arbitrary: fc.integer() },
		{ weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
		{ weight: 1, arbitrary: fc.constantFrom(...ODD_NUMBERS).map((n): J => ({ $raw: n })) },
		{ weight: 1, arbitrary: fc.boolean() },
		{ weight: 1, arbitrary: fc.constant(null) },
		{ weight: 1, arbitrary: huge.map(({ ch, n }): J => ({ $huge: [ch, n] })) }
	);
	const { tree } = fc.letrec<{ tree: J }>((tie) => ({
		tree: fc.oneof(
			{ depthSize: 'small', withCrossShrink: true },
			leaf,
			fc.array(tie('tree'), { maxLength: 5 }).map((a): J => ({ $a: a })),
			fc.array(fc.tuple(jsonKey(keys), tie('tree')), { maxLength: 6 }).map((o): J => ({ $o: o }))
		)
	}));
	return tree;
}

function swapCase(s: string): string {
	const swapped = [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));
	const out = swapped.join('');
	return out === s ? s.toUpperCase() + 'x' : out;
}

type Mutation = {
	at: number;
	op: 'replace' | 'drop' | 'add' | 'repeat' | 'id' | 'case' | 'huge' | 'number' | 'wrap';
	value: J;
	key: string;
	n: number;
	id: string;
};

const mutationArb = (keys: readonly string[], ids: readonly string[]) =>
	fc.record<Mutation>({
		at: fc.nat(),
		op: fc.constantFrom('replace', 'drop', 'add', 'repeat', 'id', 'case', 'huge', 'number', 'wrap'),
		value: jsonArb(keys, ids),
		key: jsonKey(keys),
		n: fc.oneof(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 100, max: 5_000 })),
		id: fc.constantFrom(...ids)
	});

function mutate(root: J, mutations: readonly Mutation[]): J {
	let tree = structuredClone(root);
	for (const m of mutations) {
		const all = nodes(tree);
		const node = all[m.at % all.length]!;
		const j = node.get();
		switch (m.op) {
			case 'replace':
				node.set(m.value);
				break;
			case 'drop':
				if (node.parent) node.set(undefined);
				else node.set(null);
				break;
			case 'add':
				if (j && typeof j === 'object' && '$o' in j) j.$o.push([m.key, m.value]);
				else if (j && typeof j === 'object' && '$a' in j) j.$a.push(m.value);
				else node.set({ $o: [[m.key, j]] });
				break;
			case 'repeat':
				node.set({
					$rep: [j && typeof j === 'object' && '$a' in j && j.$a.length > 0 ? j.$a[0]! : j, m.n]
				});
				break;
			case 'id':
				node.set(m.id);
				break;
			case 'case':
				node.set(typeof j === 'string' ? swapCase(j) : String(j));
				break;
			case 'huge':
				node.set({ $huge: ['a', m.n * 20] });
				break;
			case 'number':
				node.set(
					typeof j === 'number'
						? { $raw: ODD_NUMBERS[m.n % ODD_NUMBERS.length]! }
						: typeof j === 'string' && /^-?\d+$/.test(j)
							? Number(j)
							: -1
				);
				break;
			case 'wrap':
				node.set(m.n % 2 ? { $a: [j] } : { $o: [['value', j]] });
				break;
		}
		tree = all[0]!.get();
	}
	return tree;
}

/** Form fields as name-value pairs, in order; a name may repeat. */
type Pairs = [string, string | { $huge: [string, number] }][];

function toPairs(body: unknown): Pairs {
	if (body === undefined || body === null) return [];
	if (Array.isArray(body)) return body.map(([k, v]) => [String(k), String(v)]);
	return Object.entries(body as Record<string, unknown>).flatMap(([k, v]) =>
		(Array.isArray(v) ? v : [v]).map((one): [string, string] => [k, String(one)])
	);
}

type FieldMutation = {
	at: number;
	op: 'drop' | 'repeat' | 'value' | 'rename' | 'add' | 'huge' | 'id' | 'case';
	key: string;
	value: string;
	n: number;
	id: string;
};

const fieldMutationArb = (keys: readonly string[], ids: readonly string[], most = 300) =>
	fc.record<FieldMutation>({
		at: fc.nat(),
		op: fc.constantFrom('drop', 'repeat', 'value', 'rename', 'add', 'huge', 'id', 'case'),
		key: jsonKey(keys),
		value: anyString(ids),
		n: fc.oneof(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 2, max: most })),
		id: fc.constantFrom(...ids)
	});

function mutatePairs(pairs: Pairs, mutations: readonly FieldMutation[]): Pairs {
	const out: Pairs = pairs.map(([k, v]) => [k, v]);
	for (const m of mutations) {
		const i = out.length ? m.at % out.length : 0;
		const pair = out[i];
		switch (m.op) {
			case 'drop':
				out.splice(i, 1);
				break;
			case 'repeat':
				if (pair) out.push(...Array.from({ length: m.n }, (): Pairs[number] => [pair[0], pair[1]]));
				else out.push([m.key, m.value]);
				break;
			case 'value':
				if (pair) pair[1] = m.value;
				else out.push([m.key, m.value]);
				break;
			case 'rename':
				if (pair) pair[0] = m.key;
				else out.push([m.key, m.value]);
				break;
			case 'add':
				out.splice(i, 0, [m.key, m.value]);
				break;
			case 'huge':
				if (pair) pair[1] = { $huge: ['a', m.n * 50] };
				else out.push([m.key, { $huge: ['a', m.n * 50] }]);
				break;
			case 'id':
				if (pair) pair[1] = m.id;
				else out.push([m.key, m.id]);
				break;
			case 'case':
				if (pair && typeof pair[1] === 'string') pair[1] = swapCase(pair[1]);
				break;
		}
	}
	return out;
}

const text = (v: Pairs[number][1]) => (typeof v === 'string' ? v : v.$huge[0].repeat(v.$huge[1]));

/** What goes on the wire, described compactly (a counterexample prints this). */
type BodyPlan =
	| { type: 'none' }
	| { type: 'json'; tree: J; contentType: string }
	| {
			type: 'form';
			pairs: Pairs;
			encoding: 'urlencoded' | 'multipart' | 'multipart-file' | 'json' | 'text';
	  }
	| { type: 'raw'; contentType: string | null; text: string }
	| { type: 'bytes'; contentType: string | null; length: number }
	| { type: 'broken-multipart'; variant: number };

type Plan = {
	template: number;
	role: Role;
	params: Record<string, string>;
	query: string;
	body: BodyPlan;
	/** Actions: posted as `use:enhance` posts (JSON back) rather than as a plain form. */
	enhanced: boolean;
};

const CONTENT_TYPES = [
	null,
	'text/plain',
	'application/xml',
	'application/json; charset=utf-16',
	'application/x-www-form-urlencoded',
	'multipart/form-data',
	'application/octet-stream',
	'application/json',
	'*/*',
	'text/html; charset=nonsense'
];

function multipart(pairs: Pairs, asFiles: boolean, boundary = 'fuzzBoundary7MA4YWxkTrZu0gW') {
	const parts = pairs.map(([name, value]) => {
		const file = asFiles ? `; filename="${name.replace(/"/g, '')}.bin"` : '';
		const type = asFiles ? '\r\nContent-Type: application/octet-stream' : '';
		return `--${boundary}\r\nContent-Disposition: form-data; name="${name.replace(/"/g, '%22')}"${file}${type}\r\n\r\n${text(value)}\r\n`;
	});
	return { body: `${parts.join('')}--${boundary}--\r\n`, boundary };
}

const BROKEN_MULTIPART: { contentType: string; body: string }[] = [
	{ contentType: 'multipart/form-data', body: '--x\r\n\r\nvalue\r\n--x--' },
	{ contentType: 'multipart/form-data; boundary=x', body: '--x\r\nContent-Disposition: form-data' },
	{ contentType: 'multipart/form-data; boundary=x', body: 'no boundary here at all' },
	{
		contentType: 'multipart/form-data; boundary=x',
		body: '--x\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\n{}\r\n--x--\r\n'
	},
	{ contentType: 'application/x-www-form-urlencoded', body: '%E0%A4%A&%FF=%C3%28&a=%%&=&&=x' },
	{ contentType: 'application/x-www-form-urlencoded', body: '__proto__[admin]=1&constructor=x' }
];

/** Turns a plan into bytes and headers. */
function build(plan: BodyPlan): { body?: Buffer; contentType: string | null } {
	switch (plan.type) {
		case 'none':
			return { contentType: null };
		case 'json':
			return { body: Buffer.from(writeJ(plan.tree)), contentType: plan.contentType };
		case 'raw':
			return { body: Buffer.from(plan.text), contentType: plan.contentType };
		case 'bytes': {
			const body = Buffer.alloc(plan.length);
			for (let i = 0; i < body.length; i++) body[i] = (i * 131 + 7) & 255;
			return { body, contentType: plan.contentType };
		}
		case 'broken-multipart': {
			const b = BROKEN_MULTIPART[plan.variant % BROKEN_MULTIPART.length]!;
			return { body: Buffer.from(b.body), contentType: b.contentType };
		}
		case 'form': {
			const pairs = plan.pairs;
			if (plan.encoding === 'urlencoded') {
				const params = new URLSearchParams(pairs.map(([k, v]) => [k, text(v)]));
				return {
					body: Buffer.from(params.toString()),
					contentType: 'application/x-www-form-urlencoded'
				};
			}
			if (plan.encoding === 'json') {
				const tree: J = { $o: pairs.map(([k, v]) => [k, typeof v === 'string' ? v : v]) };
				return { body: Buffer.from(writeJ(tree)), contentType: 'application/json' };
			}
			if (plan.encoding === 'text') {
				return {
					body: Buffer.from(pairs.map(([k, v]) => `${k}=${text(v)}`).join('\n')),
					contentType: 'text/plain'
				};
			}
			const { body, boundary } = multipart(pairs, plan.encoding === 'multipart-file');
			return {
				body: Buffer.from(body),
				contentType: `multipart/form-data; boundary=${boundary}`
			};
		}
	}
}

// --- The arbitraries of one endpoint -------------------------------------------------------

/** Every id and token of the seed: each can stand in another's place. */
function seedIds(s: Seed): string[] {
	const ids = new Set<string>();
	const add = (v: unknown) => {
		if (typeof v === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(v)) ids.add(v);
	};
	for (const p of Object.values(s.people)) add(p.id);
	for (const c of [s.case1, s.case2]) add(c.id);
	for (const o of Object.values(s.objects)) add(o.objectId);
	for (const m of Object.values(s.meetings)) if (typeof m === 'object') add(m.id);
	for (const p of Object.values(s.polls)) add(p.id);
	for (const x of [s.invite, s.facilitatorInvite, s.orgInvite]) {
		add(x.id);
		add(x.token);
	}
	for (const x of [s.letter, s.upload, s.relay, s.approvedRelay, s.pendingAdd, s.draft]) {
		add('id' in x ? x.id : undefined);
	}
	add(s.draft.objectId);
	add(s.agreement.id);
	for (const i of Object.values(s.agreement.items)) add(i.itemId);
	for (const c of Object.values(s.agreement.checkIns)) add(c);
	for (const t of s.rows.formTemplates) add(t.id);
	for (const v of Object.values(s.fresh)) add(v);
	return [...ids, 'summary', 'notes', '0', '1'];
}

const MALFORMED_IDS = [
	'',
	'.',
	'..',
	'%2e%2e',
	'%',
	'%zz',
	'%FF',
	'%C3%28',
	'%00',
	'a%2Fb',
	'a b',
	'~',
	'__proto__',
	'constructor',
	'__data.json',
	'a'.repeat(65),
	'a'.repeat(5_000),
	'-1',
	'1e3',
	'😀',
	'İ',
	'\u202E'
];

/** A path segment; `raw:` ones are sent as they are (percent signs and all). */
function paramArb(values: readonly string[], ids: readonly string[]) {
	return fc.oneof(
		{ weight: 4, arbitrary: fc.constantFrom(...values) },
		{ weight: 3, arbitrary: fc.constantFrom(...ids) },
		{ weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{22}$/) },
		{ weight: 1, arbitrary: fc.constantFrom(...values).map(swapCase) },
		{ weight: 1, arbitrary: fc.constantFrom(...MALFORMED_IDS).map((m) => `raw:${m}`) },
		{ weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }) }
	);
}

function keysOf(value: unknown, into = new Set<string>()): Set<string> {
	if (Array.isArray(value)) for (const v of value) keysOf(v, into);
	else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) {
			into.add(k);
			keysOf(v, into);
		}
	}
	return into;
}

function planArb(
	endpoint: Endpoint,
	list: readonly Template[],
	bodyFor: (template: number, role: Role) => unknown,
	ids: readonly string[]
): fc.Arbitrary<Plan> {
	const params = paramsOf(endpoint.route);
	const bodies = list.map((_, t) => bodyFor(t, 'lead'));
	const keys = [...new Set(bodies.flatMap((b) => [...keysOf(b)]))];
	const fieldKeys = [...new Set(bodies.flatMap((b) => toPairs(b).map(([k]) => k)))];
	const paramArbs = Object.fromEntries(
		params.map((name) => {
			const values = [...new Set(list.map((t) => t.params[name] ?? ''))];
			return [name, paramArb(values, ids)];
		})
	);
	const queryArb = (template: string) =>
		fc.oneof(
			{ weight: 3, arbitrary: fc.constant(template) },
			{
				weight: 3,
				arbitrary: fc
					.array(fieldMutationArb(['kind', 'version', 'case', 'subject', 'credential'], ids, 10), {
						minLength: 1,
						maxLength: 3
					})
					.map((ms) =>
						new URLSearchParams(
							mutatePairs([...new URLSearchParams(template)], ms).map(([k, v]) => [k, text(v)])
						).toString()
					)
			},
			{ weight: 1, arbitrary: fc.constantFrom('%', '%FF=1', 'a=%00', '&&&', 'kind') }
		);
	const isGet = endpoint.kind === 'api' && endpoint.method === 'GET';
	const body = (raw: unknown): fc.Arbitrary<BodyPlan> => {
		if (isGet) return fc.constant({ type: 'none' });
		const fields = toPairs(raw instanceof Blob ? undefined : raw);
		const anyJson = jsonArb(keys, ids);
		const mutatedJson = fc
			.array(mutationArb(keys, ids), { minLength: 1, maxLength: 4 })
			.map((ms) => mutate(toJ(raw instanceof Blob ? null : raw), ms));
		const mutatedFields = fc
			.array(fieldMutationArb(fieldKeys, ids), { minLength: 1, maxLength: 4 })
			.map((ms) => mutatePairs(fields, ms));
		const common: fc.WeightedArbitrary<BodyPlan>[] = [
			{ weight: 1, arbitrary: fc.constant({ type: 'none' }) },
			{
				weight: 1,
				arbitrary: fc
					.record({ ct: fc.constantFrom(...CONTENT_TYPES), text: anyString(ids) })
					.map(({ ct, text }): BodyPlan => ({ type: 'raw', contentType: ct, text }))
			},
			{
				weight: 1,
				arbitrary: fc
					.record({
						ct: fc.constantFrom(...CONTENT_TYPES),
						length: fc.oneof(
							fc.integer({ min: 0, max: 300 }),
							fc.constantFrom(BODY_LIMIT - 1, BODY_LIMIT, BODY_LIMIT + 1, 2 * BODY_LIMIT)
						)
					})
					.map(({ ct, length }): BodyPlan => ({ type: 'bytes', contentType: ct, length }))
			},
			{
				weight: 1,
				arbitrary: fc.nat().map((variant): BodyPlan => ({ type: 'broken-multipart', variant }))
			},
			{
				weight: 1,
				arbitrary: fc
					.record({
						open: fc.constantFrom('[' as const, '{"a":' as const),
						n: fc.integer({ min: 100, max: 60_000 })
					})
					.map(({ open, n }): BodyPlan => ({
						type: 'json',
						tree: { $deep: [open, n] },
						contentType: 'application/json'
					}))
			}
		];
		if (raw instanceof Blob) {
			// Raw bytes (a sealed chunk): every length around the one expected and the limits.
			return fc.oneof(
				{
					weight: 6,
					arbitrary: fc
						.record({
							ct: fc.constantFrom('application/octet-stream', null, 'application/json'),
							length: fc.oneof(
								fc.constantFrom(0, 1, raw.size - 1, raw.size, raw.size + 1),
								fc.constantFrom(256 * 1024 + 40, 256 * 1024 + 41, BODY_LIMIT + 1),
								fc.integer({ min: 0, max: 70_000 })
							)
						})
						.map(({ ct, length }): BodyPlan => ({ type: 'bytes', contentType: ct, length }))
				},
				{
					weight: 2,
					arbitrary: anyJson.map((tree): BodyPlan => ({
						type: 'json',
						tree,
						contentType: 'application/json'
					}))
				},
				...common
			);
		}
		if (endpoint.kind === 'action') {
			return fc.oneof(
				{
					weight: 8,
					arbitrary: fc
						.record({
							pairs: mutatedFields,
							encoding: fc.constantFrom('urlencoded', 'urlencoded', 'multipart', 'multipart-file')
						})
						.map(({ pairs, encoding }): BodyPlan => ({ type: 'form', pairs, encoding }))
				},
				{
					weight: 2,
					arbitrary: fc
						.record({
							pairs: fc.array(fc.tuple(jsonKey(fieldKeys), anyString(ids)), { maxLength: 8 }),
							encoding: fc.constantFrom('urlencoded', 'multipart')
						})
						.map(({ pairs, encoding }): BodyPlan => ({ type: 'form', pairs, encoding }))
				},
				{
					weight: 1,
					arbitrary: fc
						.record({ pairs: mutatedFields, encoding: fc.constantFrom('json', 'text') })
						.map(({ pairs, encoding }): BodyPlan => ({ type: 'form', pairs, encoding }))
				},
				...common
			);
		}
		return fc.oneof(
			{
				weight: 8,
				arbitrary: mutatedJson.map((tree): BodyPlan => ({
					type: 'json',
					tree,
					contentType: 'application/json'
				}))
			},
			{
				weight: 2,
				arbitrary: anyJson.map((tree): BodyPlan => ({
					type: 'json',
					tree,
					contentType: 'application/json'
				}))
			},
			{
				// A valid body with a wrong content type, or none.
				weight: 1,
				arbitrary: fc
					.constantFrom(...CONTENT_TYPES)
					.map((ct): BodyPlan => ({ type: 'json', tree: toJ(raw), contentType: ct ?? '' }))
			},
			{
				weight: 1,
				arbitrary: fc
					.record({
						pairs: mutatedFields,
						encoding: fc.constantFrom('urlencoded', 'multipart')
					})
					.map(({ pairs, encoding }): BodyPlan => ({ type: 'form', pairs, encoding }))
			},
			...common
		);
	};
	const roleArb = fc.constantFrom(...ROLES);
	return fc.tuple(fc.nat({ max: list.length - 1 }), roleArb).chain(([template, role]) =>
		fc.record({
			template: fc.constant(template),
			role: fc.constant(role),
			params: fc.record(
				Object.fromEntries(
					params.map((name) => [
						name,
						fc.oneof(
							{ weight: 3, arbitrary: fc.constant(list[template]!.params[name] ?? '') },
							{ weight: 2, arbitrary: paramArbs[name]! }
						)
					])
				) as Record<string, fc.Arbitrary<string>>
			),
			query: queryArb(list[template]!.query),
			body: body(bodyFor(template, role)),
			enhanced: fc.boolean()
		})
	);
}

// --- Sending and checking ------------------------------------------------------------------

let app: App;
let seed: Seed;
let seeded: Fingerprint;

type Answer = { status: number; location: string | null; text: string; error?: string };

function fillPath(route: string, params: Record<string, string>): string {
	return route.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, (_, name: string) => {
		const value = params[name] ?? '';
		if (value.startsWith('raw:')) return value.slice(4);
		// Lone surrogates cannot be percent-encoded: their UTF-8 (replacement characters) is.
		return [...Buffer.from(value, 'utf8')]
			.map((b) =>
				/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))
					? String.fromCharCode(b)
					: `%${b.toString(16).toUpperCase().padStart(2, '0')}`
			)
			.join('');
	});
}

function cookieOf(role: Role): string | null {
	if (role === 'signedOut') return null;
	if (role === 'forged') return `ck_session=${generateToken()}`;
	return seed.people[role].cookie;
}

function send(endpoint: Endpoint, plan: Plan): Promise<Answer> {
	let path = fillPath(endpoint.route, plan.params);
	if (endpoint.kind === 'action') {
		path += plan.query ? `?${plan.query}` : '';
		if (endpoint.action !== 'default') path += `${plan.query ? '&' : '?'}/${endpoint.action}`;
	} else if (plan.query) {
		path += `?${plan.query}`;
	}
	const { body, contentType } = build(plan.body);
	const headers: Record<string, string> = { origin: app.origin };
	const cookie = cookieOf(plan.role);
	if (cookie) headers.cookie = cookie;
	if (contentType) headers['content-type'] = contentType;
	if (endpoint.kind === 'action') {
		headers.accept = plan.enhanced ? 'application/json' : 'text/html';
		if (plan.enhanced) headers['x-sveltekit-action'] = 'true';
	}
	if (body) headers['content-length'] = String(body.length);
	return new Promise((resolve) => {
		const req = httpRequest(
			app.origin + (path.startsWith('/') ? path : `/${path}`),
			// A connection each: one the server closes on a body it did not read is not reused.
			{ method: endpoint.method, headers, agent: false },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						location: res.headers.location ?? null,
						text: Buffer.concat(chunks).toString('utf8')
					})
				);
				res.on('error', (e) => resolve({ status: 0, location: null, text: '', error: String(e) }));
			}
		);
		// The server may answer (413, 401) and close before a big body is all written.
		req.on('error', (e) => resolve({ status: 0, location: null, text: '', error: String(e) }));
		req.end(body);
	});
}

/** An enhanced action's JSON carries the outcome's status; a redirect its location. */
function outcome(endpoint: Endpoint, plan: Plan, a: Answer): Answer {
	if (endpoint.kind !== 'action' || !plan.enhanced || a.status !== 200) return a;
	try {
		const json = JSON.parse(a.text);
		if (json.type === 'redirect')
			return { ...a, status: json.status ?? 303, location: json.location };
		return { ...a, status: json.status ?? a.status };
	} catch {
		return a;
	}
}

/** Opening a meetings or agreement page marks one's own news seen, by design (as in the matrix). */
async function unseeOwnNews(role: Role) {
	if (role === 'signedOut' || role === 'forged') return;
	for (const table of ['meeting_notices', 'agreement_news']) {
		await app.db.execute({
			sql: `UPDATE ${table} SET seen_at = NULL WHERE user_id = ? AND seen_at IS NOT NULL`,
			args: [seed.people[role].id]
		});
	}
}

const SIGNED_IN_ONLY = (a: Answer) =>
	a.status >= 300 &&
	a.status < 400 &&
	new URL(a.location ?? '/', app.origin).pathname === '/signin';

type Stats = {
	runs: number;
	/** Requests per role (who was asking). */
	roles: Partial<Record<Role, number>>;
	statuses: Record<string, number>;
	/** Allowed requests that changed something (the seed was written again after each). */
	accepted: number;
	/** Requests after which every table was read and compared (see `Watch`). */
	compared: number;
	ms: number;
};

/** Unexpected errors the server logged (handleError writes `error <id>: …`). */
const loggedErrors = () => app.output().match(/^error [0-9a-f-]{36}:.*$/gm) ?? [];

/**
 * Whether anyone has committed to the database since the tables were last known to be the
 * seed. `PRAGMA data_version` on a connection of its own changes exactly when another
 * connection commits (the app's, or the test's own `app.db`, which writes the seed and undoes
 * the asker's news); when it has not changed, every table is as it was, and reading them all
 * again can be skipped. Anything else (an error, a value not seen before) means read them.
 */
class Watch {
	#client: Client;
	#clean: number | null = null;
	constructor(path: string) {
		this.#client = createClient({ url: `file:${path}`, timeout: 5000 });
	}
	async version(): Promise<number | null> {
		try {
			const result = await this.#client.execute('PRAGMA data_version');
			return Number(result.rows[0]?.[0]);
		} catch {
			return null;
		}
	}
	/** The tables were the seed when `version` (read before reading them) was current. */
	clean(version: number | null) {
		this.#clean = version;
	}
	/** Nothing has been committed since the tables were last the seed. */
	unchanged(version: number | null): boolean {
		return version !== null && this.#clean !== null && version === this.#clean;
	}
	close() {
		this.#client.close();
	}
}

let watch: Watch;

/** Writes the seed again and records its fingerprint, and when the tables were it. */
async function restoreSeed() {
	await applySeed(app.db, seed);
	const version = await watch.version();
	seeded = await fingerprint(app.db);
	watch.clean(version);
}

async function fuzz(endpoint: Endpoint, list: Template[]) {
	const ids = seedIds(seed);
	// Each template's body as each person would send it (signed out: as the lead).
	const bodyCache = new Map<string, unknown>();
	const bodyFor = (t: number, role: Role) => {
		const me = role === 'signedOut' || role === 'forged' ? seed.people.lead : seed.people[role];
		const key = `${t} ${me.id}`;
		if (!bodyCache.has(key)) bodyCache.set(key, list[t]!.body?.(seed, me));
		return bodyCache.get(key);
	};
	const name = endpointName(endpoint);
	const stat: Stats = { runs: 0, roles: {}, statuses: {}, accepted: 0, compared: 0, ms: 0 };
	const started = Date.now();
	let failure: string | undefined;
	// Recorded with the numbers, to replay with FUZZ_SEED (the seed's ids are new each run).
	const runSeed = SEED ?? Math.floor(Math.random() * 2 ** 31);
	const property = fc.asyncProperty(planArb(endpoint, list, bodyFor, ids), async (plan) => {
		const errorsBefore = loggedErrors().length;
		const sentAt = Date.now();
		const answer = outcome(endpoint, plan, await send(endpoint, plan));
		if (process.env.FUZZ_DEBUG && Date.now() - sentAt > 500) {
			console.log(`slow (${Date.now() - sentAt} ms): ${JSON.stringify(plan).slice(0, 400)}`);
		}
		await unseeOwnNews(plan.role);
		stat.runs++;
		stat.roles[plan.role] = (stat.roles[plan.role] ?? 0) + 1;
		if (LONG && stat.runs % 1000 === 0) {
			console.log(
				`fuzz ${name}: ${stat.runs} runs, ${Math.round((Date.now() - started) / 1000)} s`
			);
		}
		const bucket = answer.error ? 'network' : String(answer.status);
		stat.statuses[bucket] = (stat.statuses[bucket] ?? 0) + 1;
		const errors = loggedErrors().slice(errorsBefore);
		const refused =
			(answer.status >= 400 && answer.status < 500) ||
			answer.error !== undefined ||
			(['signedOut', 'forged'].includes(plan.role) && SIGNED_IN_ONLY(answer));
		// Read before the tables, so that a commit while they are read shows next time.
		const version = await watch.version();
		const unchanged = watch.unchanged(version);
		let changes: string[] = [];
		if (!unchanged || VERIFY_WATCH) {
			stat.compared++;
			changes = describeChanges(seeded, await fingerprint(app.db));
		}
		// Each run starts from the seed, whatever this one did.
		if (changes.length > 0) {
			if (!refused) stat.accepted++;
			await restoreSeed();
		} else {
			watch.clean(version);
		}
		// Playwright's `expect` only when a check fails: each call is a step that the worker
		// records and reports, at a cost that grows with the steps before it (at 10,000 runs,
		// far more than the request itself).
		const said = answer.error ?? answer.text.slice(0, 500);
		if (unchanged && changes.length > 0) {
			// The shortcut above would have missed these (short runs compare every time).
			expect(changes, `${name}: PRAGMA data_version did not change, but the tables did`).toEqual(
				[]
			);
		}
		if (answer.status >= 500) expect(answer.status, `${name}: ${said}`).toBeLessThan(500);
		if (errors.length > 0) {
			expect(errors, `${name}: the server logged an unexpected error`).toEqual([]);
		}
		// Only a big body the server did not read may end with the connection closed.
		const sentBytes = answer.error ? (build(plan.body).body?.length ?? 0) : 0;
		if (answer.error && sentBytes <= 64 * 1024) expect(sentBytes, said).toBeGreaterThan(64 * 1024);
		if (refused && changes.length > 0) {
			expect(changes, `${name}: refused with ${answer.status}, but changed the database`).toEqual(
				[]
			);
		}
	});
	try {
		await fc.assert(property, { numRuns: RUNS, seed: runSeed, endOnFailure: LONG });
	} catch (e) {
		// fast-check's message has the counterexample; its cause, what went wrong.
		const cause = (e as Error).cause;
		failure = [e, cause]
			.filter(Boolean)
			.map((x) => String((x as Error).stack ?? x))
			.join('\nCaused by: ')
			.slice(0, 6000);
		throw e;
	} finally {
		stat.ms = Date.now() - started;
		report(name, stat, runSeed, failure);
	}
}

// --- The tests ------------------------------------------------------------------------------

const ALL = endpoints();
const TARGETS = ALL.filter((e) => endpointName(e).includes(ONLY));

/** Endpoints the progress file already has a passing line for, at this number of runs. */
function done(): Set<string> {
	if (!RESUME || !existsSync(REPORT)) return new Set();
	const lines = readFileSync(REPORT, 'utf8').split('\n').filter(Boolean);
	const out = new Set<string>();
	for (const line of lines) {
		try {
			const r = JSON.parse(line);
			if (r.ok && r.runs === RUNS && r.target === RUNS) out.add(r.endpoint);
		} catch {
			// A line cut short when the run was stopped.
		}
	}
	return out;
}
const DONE = done();

// A long run spreads its endpoints over the workers (each starts its own app on its own
// database); a short one keeps them in order in one, with the check after them all.
if (LONG) test.describe.configure({ mode: 'parallel' });

test.beforeAll(async () => {
	// Rate limits would turn most of a long run into 429s: a window of a second, a high bar.
	// Sessions that outlast a long run, even when one endpoint's runs take an hour.
	app = await startApp({
		RATE_LIMIT_MAX: '100000',
		RATE_LIMIT_WINDOW_SECONDS: '1',
		SESSION_IDLE_MINUTES: '1440',
		SESSION_ABSOLUTE_HOURS: '168'
	});
	watch = new Watch(app.dbPath);
});

/** A fresh seed (its sessions and meetings start from now), written and fingerprinted. */
async function reseed() {
	seed = makeSeed();
	await restoreSeed();
}
test.afterAll(async () => {
	watch?.close();
	await app?.stop();
});

/**
 * Appends one endpoint's numbers to the progress file, a JSON line each (workers append their
 * own; a run stopped half way keeps what finished), and prints them in a long run.
 */
function report(name: string, stat: Stats, runSeed: number, failure?: string) {
	mkdirSync(dirname(REPORT), { recursive: true });
	const line = {
		endpoint: name,
		target: RUNS,
		ok: !failure && stat.runs === RUNS,
		...stat,
		seed: runSeed,
		finishedAt: new Date().toISOString(),
		...(failure ? { failure } : {})
	};
	appendFileSync(REPORT, `${JSON.stringify(line)}\n`);
	if (RUNS > 100) console.log(`fuzz ${name}: ${JSON.stringify(stat)}`);
}

test('every endpoint and form action has a request to start from', async () => {
	const list = templates(makeSeed(), ALL);
	const missing = ALL.map(keyOf).filter((k) => !list.has(k));
	expect(
		missing,
		'add a row to tests/support/routes.ts (or TEMPLATES in tests/fuzz.e2e.ts) for'
	).toEqual([]);
	const unknown = Object.keys(TEMPLATES).filter((k) => !ALL.some((e) => keyOf(e) === k));
	expect(unknown, 'TEMPLATES for endpoints that no longer exist').toEqual([]);
	expect(ALL.length).toBeGreaterThan(80);
});

// A resumed long run leaves out what already has a passing line; every other run has them all.
for (const endpoint of TARGETS.filter((e) => !DONE.has(endpointName(e)))) {
	test(`fuzz ${endpointName(endpoint)}`, async () => {
		// A long run has no time limit: it may be paused (SIGSTOP) for a while and go on.
		test.setTimeout(LONG ? 0 : Math.max(60_000, RUNS * 1_000));
		await reseed();
		const list = templates(seed, ALL).get(keyOf(endpoint));
		// No request to start from is a failure here too, not a pass (see the test above).
		if (!list) throw new Error(`no request to start from for ${endpointName(endpoint)}`);
		await fuzz(endpoint, list);
	});
}

test('after the fuzzing, the app still refuses and allows as before', async () => {
	// Nothing sent above (`__proto__` keys included) changed how anyone is let in.
	await reseed();
	const get = (path: string, role: Role) =>
		send(
			{ kind: 'api', route: path, method: 'GET' },
			{
				template: 0,
				role,
				params: {},
				query: '',
				body: { type: 'none' },
				enhanced: false
			}
		);
	expect((await get('/admin', 'admin')).status).toBe(200);
	expect((await get('/admin', 'community')).status).toBe(403);
	expect(SIGNED_IN_ONLY(await get('/admin', 'signedOut'))).toBe(true);
	expect((await get(`/api/cases/${seed.case1.id}/log`, 'survivor')).status).toBe(200);
	expect((await get(`/api/cases/${seed.case1.id}/log`, 'otherFacilitator')).status).toBe(404);
	expect((await get(`/api/cases/${seed.case1.id}/log`, 'forged')).status).toBe(401);
	expect(loggedErrors()).toEqual([]);
});
