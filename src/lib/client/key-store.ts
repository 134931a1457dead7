/**
 * The browser's half of a key share, kept in IndexedDB under a non-extractable AES-GCM key:
 * script on this page can use it, but it cannot be read out as bytes, and it is worthless
 * without the server's half, which only a signed-in session receives.
 */

import type { BundleWrap } from '$lib/crypto/wrap';

const DB_NAME = 'circlekeeper-keys';
const STORE = 'shares';

export type StoredShare = {
	/** 'session' for this sign-in; 'device:<userId>' for a remembered device. */
	slot: string;
	userId: string;
	deviceId: string | null;
	key: CryptoKey;
	iv: Uint8Array;
	sealedShare: Uint8Array;
	/** The key bundle wrapped under HKDF(browser share ‖ server share); see crypto/wrap.ts. */
	wrap: BundleWrap;
};

/**
 * Opens the store. Only writing creates it: reading or deleting where nothing was kept (after
 * a quick exit, say) must not leave an empty database behind as a trace.
 */
function openDb(create: boolean): Promise<IDBDatabase | null> {
	return new Promise((resolve, reject) => {
		const req = indexedDB.open(DB_NAME, 1);
		req.onupgradeneeded = () => {
			if (create) req.result.createObjectStore(STORE, { keyPath: 'slot' });
			else req.transaction?.abort();
		};
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => (create ? reject(req.error) : resolve(null));
	});
}

async function run<T>(
	mode: IDBTransactionMode,
	fn: (store: IDBObjectStore) => IDBRequest<T>,
	create = false
) {
	const db = await openDb(create);
	if (!db) return undefined;
	try {
		return await new Promise<T>((resolve, reject) => {
			const tx = db.transaction(STORE, mode);
			const req = fn(tx.objectStore(STORE));
			tx.oncomplete = () => resolve(req.result);
			tx.onerror = () => reject(tx.error);
		});
	} finally {
		db.close();
	}
}

export async function readShare(slot: string): Promise<StoredShare | null> {
	return ((await run('readonly', (s) => s.get(slot))) as StoredShare | undefined) ?? null;
}

export async function writeShare(record: StoredShare): Promise<void> {
	await run('readwrite', (s) => s.put(record), true);
}

export async function deleteShare(slot: string): Promise<void> {
	await run('readwrite', (s) => s.delete(slot));
}

/** Quick exit: everything this site keeps in IndexedDB goes. */
export function deleteAllShares(): void {
	try {
		indexedDB.deleteDatabase(DB_NAME);
	} catch {
		// Storage may be unavailable (private modes); then nothing was kept.
	}
}

/** A fresh browser share and the non-extractable key that seals it at rest. */
export async function newBrowserShare() {
	const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
		'encrypt',
		'decrypt'
	]);
	const share = crypto.getRandomValues(new Uint8Array(32));
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const sealedShare = new Uint8Array(
		await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource }, key, share)
	);
	return { key, iv, sealedShare, share };
}

export async function openBrowserShare(record: StoredShare): Promise<Uint8Array> {
	return new Uint8Array(
		await crypto.subtle.decrypt(
			{ name: 'AES-GCM', iv: record.iv as BufferSource },
			record.key,
			record.sealedShare as BufferSource
		)
	);
}
