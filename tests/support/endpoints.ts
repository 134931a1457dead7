import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

// The app's routes as the file system declares them, so a test that must reach every one of
// them notices a new one: JSON endpoints (`+server.ts` and the methods it exports), form
// actions (`+page.server.ts` and the names in its `actions`) and pages (`+page.svelte`).

const ROUTES = 'src/routes';

export type Endpoint =
	| { kind: 'api'; route: string; method: string }
	| { kind: 'action'; route: string; method: 'POST'; action: string };

function walk(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
		e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]
	);
}

/** `src/routes/cases/[id]/+page.svelte` → `/cases/[id]` (groups dropped, as in the URL). */
function routeOf(file: string): string {
	const parts = relative(ROUTES, file).split(sep).slice(0, -1);
	return '/' + parts.filter((p) => !/^\(.*\)$/.test(p)).join('/');
}

const files = (name: string) =>
	walk(ROUTES)
		.filter((f) => f.endsWith(`${sep}${name}`))
		.sort();

const METHODS = /^export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/gm;

/** The names in a `+page.server.ts`'s `export const actions = { … }` (one tab in). */
function actionNames(source: string): string[] {
	const start = source.search(/^export const actions\b/m);
	if (start < 0) return [];
	const block = source.slice(start);
	const end = block.search(/^\};?$/m);
	return [...block.slice(0, end).matchAll(/^\t([A-Za-z_$][\w$]*)\s*[:(]/gm)].map((m) => m[1]!);
}

/** Every JSON endpoint method and every form action. */
export function endpoints(): Endpoint[] {
	const api = files('+server.ts').flatMap((file) =>
		[...readFileSync(file, 'utf8').matchAll(METHODS)].map((m): Endpoint => ({
			kind: 'api',
			route: routeOf(file),
			method: m[1]!
		}))
	);
	const actions = files('+page.server.ts').flatMap((file) =>
		actionNames(readFileSync(file, 'utf8')).map((action): Endpoint => ({
			kind: 'action',
			route: routeOf(file),
			method: 'POST',
			action
		}))
	);
	return [...api, ...actions];
}

/** Every page (a route with a `+page.svelte`). */
export function pages(): string[] {
	return files('+page.svelte').map(routeOf);
}

/** Routes with a `+page.server.ts`: pages, and routes that only send the browser on. */
export function pageServerRoutes(): string[] {
	return files('+page.server.ts').map(routeOf);
}

/** `POST /api/cases/[id]/log`, `/cases/[id]?/stage` (`/signout?/default` for a default action). */
export function endpointName(e: Endpoint): string {
	return e.kind === 'api' ? `${e.method} ${e.route}` : `${e.route}?/${e.action}`;
}

/** The route's `[param]` names, in order. */
export function paramsOf(route: string): string[] {
	return [...route.matchAll(/\[(?:\.\.\.)?([^\]]+)\]/g)].map((m) => m[1]!);
}

/** A route as a pattern matching its URLs' paths; static segments beat parameters. */
function pattern(route: string) {
	const source = route
		.split('/')
		.map((part) => {
			const rest = part.match(/^\[\.\.\.([^\]]+)\]$/);
			if (rest) return `(?<${rest[1]}>.*)`;
			const param = part.match(/^\[([^\]]+)\]$/);
			if (param) return `(?<${param[1]}>[^/]+)`;
			return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		})
		.join('/');
	return new RegExp(`^${source || '/'}$`);
}

/**
 * Which of `routes` a path belongs to, and its parameters: the most specific match (fewest
 * parameters), as SvelteKit picks it.
 */
export function matchRoute(
	path: string,
	routes: readonly string[]
): { route: string; params: Record<string, string> } | null {
	const pathname = path.split('?')[0]!.replace(/\/__data\.json$/, '') || '/';
	const found = routes
		.map((route) => ({ route, m: pathname.match(pattern(route)) }))
		.filter((x) => x.m)
		.sort((a, b) => paramsOf(a.route).length - paramsOf(b.route).length)[0];
	if (!found?.m) return null;
	const params = Object.fromEntries(
		Object.entries(found.m.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)])
	);
	return { route: found.route, params };
}
