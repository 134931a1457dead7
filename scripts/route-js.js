// The JavaScript each page route ships, gzipped, read from a build's client manifest: the kit
// entry, the app, the route's layouts, error page and leaf, and every chunk they import
// statically (what the browser fetches before the page is interactive; lazy imports are not
// counted). Shared by the budget test (src/bundle-budget.spec.ts) and `npm run bench`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const OUTPUT = '.svelte-kit/output';
const CLIENT = 'build/client';

/** Whether `npm run build` has left what the sizes are read from. */
export function hasBuild(root = '.') {
	return (
		existsSync(join(root, OUTPUT, 'client/.vite/manifest.json')) && existsSync(join(root, CLIENT))
	);
}

/**
 * Every page route and its client nodes.
 * @param {string} root
 * @returns {{ id: string; nodes: number[] }[]}
 */
function routeNodes(root) {
	const manifest = readFileSync(join(root, OUTPUT, 'server/manifest.js'), 'utf8');
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

/**
 * Every page route of the build with the gzipped bytes of its JavaScript. `entries` is how many
 * kit entry chunks were found (2 in a healthy build: the runtime's entry and the app).
 * `bytes` counts what the page imports statically; `withLazy` adds what its own component imports
 * lazily (and everything that imports), which the page loads once it is in use.
 * @returns {{ entries: number; routes: { id: string; nodeCount: number; bytes: number; withLazy: number }[] }}
 */
export function routeSizes(root = '.') {
	/** @type {Record<string, { file: string; imports?: string[]; dynamicImports?: string[] }>} */
	const client = JSON.parse(readFileSync(join(root, OUTPUT, 'client/.vite/manifest.json'), 'utf8'));
	const byNode = (/** @type {number} */ n) =>
		Object.keys(client).find((k) => k.endsWith(`client-optimized/nodes/${n}.js`));
	const entries = Object.keys(client).filter(
		(k) => k.endsWith('client-optimized/app.js') || k.endsWith('runtime/client/entry.js')
	);
	/** @type {Map<string, number>} */
	const gzipped = new Map();
	const sizeOf = (/** @type {string} */ file) => {
		let n = gzipped.get(file);
		if (n === undefined) {
			n = gzipSync(readFileSync(join(root, CLIENT, file))).length;
			gzipped.set(file, n);
		}
		return n;
	};
	/** Each key and everything it imports statically. */
	const reach = (/** @type {string[]} */ keys) => {
		/** @type {Set<string>} */
		const seen = new Set();
		const stack = [...keys];
		while (stack.length) {
			const key = /** @type {string} */ (stack.pop());
			if (seen.has(key)) continue;
			seen.add(key);
			stack.push(...(client[key]?.imports ?? []));
		}
		return seen;
	};
	const closure = (/** @type {string[]} */ keys) => {
		const seen = reach(keys);
		let total = 0;
		for (const key of seen) {
			const file = client[key]?.file;
			if (file?.endsWith('.js')) total += sizeOf(file);
		}
		return total;
	};
	const routes = routeNodes(root).map((route) => {
		// A route with only a server file (a redirect) has no client node of its own.
		const keys = route.nodes.map(byNode).filter((k) => typeof k === 'string');
		// What the page and the components it loads import lazily (e.g. the encryption library
		// once the page is shown, the survivor's form while the keys open), with what that
		// imports: loaded as soon as the page is in use. Lazy imports inside those are not (a
		// file's player, earlier versions: loaded when there is one to show). The kit's entry
		// is left out: it imports every page lazily.
		const lazy = [...reach(keys)].flatMap((key) => client[key]?.dynamicImports ?? []);
		return {
			id: route.id,
			nodeCount: keys.length,
			bytes: closure([...entries, ...keys]),
			withLazy: closure([...entries, ...keys, ...lazy])
		};
	});
	return { entries: entries.length, routes };
}
