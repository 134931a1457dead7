import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

// Each route's JavaScript, gzipped, from the build's client manifest: the kit entry, the app,
// the route's layouts, error page and leaf, and every chunk they import statically.
// Raise it only with a reason; later issues keep it honest.
const BUDGET_BYTES = 60 * 1024;
// Pages that make, unlock or use keys carry the encryption library (tweetnacl, envelopes,
// personal state; about 15 KB gzipped). Everywhere else stays within the plain budget, which
// is why sign-out and quick exit wipe keys without loading it.
const KEY_BUDGET_BYTES = 80 * 1024;
// The case page also validates the case log and renders two roles' forms without script
// (stage, invitations, safety signals, participation). Facilitator-only tools, the circle
// code and pending-change signing load on demand; new case features get their own routes.
// 89: the shared navigation's "Delete account" link and the case's link to its audit page.
const ROUTE_BUDGETS: Record<string, number> = { '/cases/[id]': 89 * 1024 };
const KEY_ROUTES = new Set([
	'/account/data/print',
	'/account/keys',
	'/account/passkeys',
	'/cases',
	'/cases/new',
	'/cases/[id]/agreement',
	'/cases/[id]/input',
	'/cases/[id]/meetings',
	'/cases/[id]/messages/[person]',
	'/cases/[id]/summary',
	'/devices/add/[token]',
	'/join/[token]',
	'/keys/new',
	'/notebook',
	'/people/[id]',
	'/setup/[token]',
	'/signin',
	'/unlock'
]);

const OUTPUT = '.svelte-kit/output';
const CLIENT = 'build/client';

type Chunk = { file: string; imports?: string[]; src?: string };

function routeNodes(): { id: string; nodes: number[] }[] {
	const manifest = readFileSync(join(OUTPUT, 'server/manifest.js'), 'utf8');
	// One piece per route; endpoint-only routes have no `page:` and are skipped.
	return manifest
		.split(/\n\s*id: "/)
		.slice(1)
		.flatMap((piece) => {
			const id = piece.slice(0, piece.indexOf('"'));
			const page = piece.match(/page: \{ layouts: \[([^\]]*)\], errors: \[([^\]]*)\], leaf: (\d+)/);
			if (!page) return [];
			const nodes = `${page[1]},${page[2]},${page[3]}`.split(',').filter(Boolean).map(Number);
			return [{ id, nodes }];
		});
}

describe('JavaScript budget per route', () => {
	if (!existsSync(join(OUTPUT, 'client/.vite/manifest.json')) || !existsSync(CLIENT)) {
		it('needs a build', () => {
			expect.fail('No build found: run `npm run build` before the unit tests (npm test does).');
		});
		return;
	}
	const client: Record<string, Chunk> = JSON.parse(
		readFileSync(join(OUTPUT, 'client/.vite/manifest.json'), 'utf8')
	);
	const byNode = (n: number) =>
		Object.keys(client).find((k) => k.endsWith(`client-optimized/nodes/${n}.js`));
	const entries = Object.keys(client).filter(
		(k) => k.endsWith('client-optimized/app.js') || k.endsWith('runtime/client/entry.js')
	);

	function gzippedClosure(keys: string[]): number {
		const seen = new Set<string>();
		const stack = [...keys];
		while (stack.length) {
			const key = stack.pop() as string;
			if (seen.has(key)) continue;
			seen.add(key);
			stack.push(...(client[key]?.imports ?? []));
		}
		let total = 0;
		for (const key of seen) {
			const file = client[key]?.file;
			if (file?.endsWith('.js')) total += gzipSync(readFileSync(join(CLIENT, file))).length;
		}
		return total;
	}

	const routes = routeNodes();
	it('finds the routes in the build', () => {
		expect(routes.length).toBeGreaterThan(5);
		expect(entries).toHaveLength(2);
	});
	for (const route of routes) {
		const budget =
			ROUTE_BUDGETS[route.id] ?? (KEY_ROUTES.has(route.id) ? KEY_BUDGET_BYTES : BUDGET_BYTES);
		it(`${route.id} stays within ${budget / 1024} KB gzipped`, () => {
			// A route with only a server file (a redirect) has no client node of its own.
			const keys = route.nodes.map(byNode).filter((k): k is string => Boolean(k));
			expect(keys.length).toBeGreaterThanOrEqual(1);
			expect(gzippedClosure([...entries, ...keys])).toBeLessThanOrEqual(budget);
		});
	}
});
