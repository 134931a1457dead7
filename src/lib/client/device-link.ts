import { toBase64url, wipe } from '$lib/crypto/bytes';
import type { Identity } from '$lib/crypto/identity';
import { randomBytes, randomId } from '$lib/crypto/primitives';
import { wrapBundle, wrapToJson } from '$lib/crypto/wrap';
import { postJson } from './http';

/**
 * An add-a-passkey link that carries the key bundle: sealed under a random secret that goes
 * only into the link's `#` fragment, which browsers never send to the server.
 */
export async function makeDeviceLink(keys: Identity) {
	const secret = randomBytes(32);
	const wrap = await wrapBundle(keys, secret, 'handover', randomId());
	const fragment = toBase64url(secret);
	wipe(secret);
	const { url, expiresAt } = await postJson<{ url: string; expiresAt: number }>(
		'/api/devices/links',
		{ handover: wrapToJson(wrap) }
	);
	return { url: `${url}#${fragment}`, expiresAt };
}
