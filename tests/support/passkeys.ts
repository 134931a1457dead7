import type { BrowserContext, Page } from '@playwright/test';

/**
 * Gives a page a DevTools virtual authenticator: a platform passkey with user verification,
 * with or without the PRF extension. Each browser context is a separate "device".
 */
export async function addAuthenticator(page: Page, { prf }: { prf: boolean }) {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('WebAuthn.enable');
	const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
		options: {
			protocol: 'ctap2',
			transport: 'internal',
			hasResidentKey: true,
			hasUserVerification: true,
			isUserVerified: true,
			automaticPresenceSimulation: true,
			hasPrf: prf
		}
	});
	return {
		authenticatorId,
		credentials: async () =>
			(await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
		remove: () => cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId })
	};
}

/** A new "device": its own context (cookies, storage) and its own authenticator. */
export async function newDevice(context: BrowserContext, prf = true) {
	const page = await context.newPage();
	const authenticator = await addAuthenticator(page, { prf });
	return { page, authenticator };
}

/** Records whether the browser's WebAuthn calls returned PRF output (the page never sends it). */
export async function watchPrf(page: Page) {
	const seen: boolean[] = [];
	// A binding survives navigations, unlike state kept in the page.
	await page.exposeBinding('__reportPrf', (_source, got: boolean) => void seen.push(got));
	await page.addInitScript(() => {
		const report = (window as unknown as { __reportPrf: (got: boolean) => void }).__reportPrf;
		for (const method of ['get', 'create'] as const) {
			const original = navigator.credentials[method].bind(navigator.credentials) as (
				options?: unknown
			) => Promise<Credential | null>;
			navigator.credentials[method] = async (options?: unknown) => {
				const credential = (await original(options)) as PublicKeyCredential | null;
				const prf = credential?.getClientExtensionResults().prf as
					{ results?: { first?: ArrayBuffer } } | undefined;
				report(Boolean(prf?.results?.first));
				return credential;
			};
		}
	});
	return () => seen;
}
