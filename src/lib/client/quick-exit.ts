import { lockEverything } from './lock';

/**
 * Leaves at once: ends the session in the background, wipes what this site keeps in the
 * browser, and replaces the page so Back does not return to it.
 */
export function quickExit(url: string) {
	// Keys first: zeroed in memory and their storage deleted, before anything else can fail.
	lockEverything();
	try {
		navigator.sendBeacon('/exit');
	} catch {
		// Leaving matters more than signing out; the session also expires on its own.
	}
	try {
		sessionStorage.clear();
		localStorage.clear();
	} catch {
		// Storage can be unavailable (private modes); nothing to wipe then.
	}
	void indexedDB
		?.databases?.()
		.then((dbs) => dbs.forEach((d) => d.name && indexedDB.deleteDatabase(d.name)))
		.catch(() => undefined);
	document.title = '';
	document.body.replaceChildren();
	location.replace(url);
}
