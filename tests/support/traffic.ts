import type { Page } from '@playwright/test';

/** Everything the browser sent and received, as text, to search for a canary or a secret. */
export function recordTraffic(page: Page) {
	const seen: string[] = [];
	page.on('request', (r) => {
		seen.push(r.url(), JSON.stringify(r.headers()), r.postData() ?? '');
	});
	page.on('response', async (r) => {
		seen.push(JSON.stringify(await r.allHeaders()));
		const body = await r.body().catch(() => null);
		if (body) seen.push(body.toString('latin1'));
	});
	return seen;
}
