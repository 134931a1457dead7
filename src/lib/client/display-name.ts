import { m } from '$lib/paraglide/messages.js';

/** What is wrong with a display name as typed, in words, or '' (the server checks it again). */
export function displayNameProblem(name: string): string {
	const trimmed = name.trim();
	if (!trimmed) return m.display_name_required();
	if (trimmed.length > 60) return m.display_name_too_long();
	return '';
}
