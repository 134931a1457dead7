import { dayString } from './agreement-dates';

/**
 * Dates in words for a reader. Until the page runs (`local` false) they read as YYYY-MM-DD, the
 * same on the server and in the browser, so nothing changes under someone as the page loads.
 */

/** A calendar day (its UTC midnight): the same day wherever it is read. */
export function dayText(day: number, local = true): string {
	if (!local) return dayString(day);
	return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(day);
}

/** The reader's own date of a moment (when a closed case will be deleted). */
export function dateText(ms: number, local = true): string {
	if (!local) return new Date(ms).toISOString().slice(0, 10);
	return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(ms);
}
