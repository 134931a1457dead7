import type { Page } from '@playwright/test';

/** The slots this origin keeps in IndexedDB for key shares ('session', 'device:…'). */
export function storedSlots(page: Page) {
	return page.evaluate(
		() =>
			new Promise<string[]>((resolve) => {
				const req = indexedDB.open('circlekeeper-keys', 1);
				// Nothing kept: do not create the store by looking.
				req.onupgradeneeded = () => req.transaction?.abort();
				req.onerror = () => resolve([]);
				req.onsuccess = () => {
					const keys = req.result.transaction('shares').objectStore('shares').getAllKeys();
					keys.onsuccess = () => {
						resolve(keys.result.map(String));
						req.result.close();
					};
				};
			})
	);
}
