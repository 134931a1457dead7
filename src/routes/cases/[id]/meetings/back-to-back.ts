import { m } from '$lib/paraglide/messages.js';
import { meetingKindLabel } from '$lib/meeting-labels';
import type { SealedDetails } from '$lib/client/meetings';
import type { PageData } from './$types';

type Meeting = PageData['meetings'][number];
type Person = PageData['view']['people'][number];

/** Meetings this close together at one place could bring the two parties face to face. */
const NEAR_MS = 60 * 60 * 1000;

/**
 * For each meeting, a warning when a meeting with the other party is at the same place right
 * before or after it. Places are sealed, so only a facilitator's browser can tell.
 */
export function backToBack(
	meetings: Meeting[],
	details: Map<string, SealedDetails>,
	people: Person[]
): Map<string, string> {
	const sideOf = (userId: string): string | null => {
		const p = people.find((x) => x.userId === userId);
		if (!p) return null;
		if (p.role === 'survivor' || p.role === 'responsible') return p.role;
		const party = p.role === 'supporter' ? people.find((x) => x.userId === p.supports) : undefined;
		return party?.role === 'survivor' || party?.role === 'responsible' ? party.role : null;
	};
	const sides = (x: Meeting) =>
		new Set(x.invitees.map((i) => sideOf(i.userId)).filter((s) => s !== null));
	const place = (x: Meeting) => details.get(x.id)?.details.place.trim().toLowerCase() ?? '';
	const out = new Map<string, string>();
	const live = meetings.filter((x) => x.status === 'scheduled' && place(x));
	for (const a of live) {
		for (const b of live) {
			if (a.id === b.id || place(a) !== place(b)) continue;
			const [sa, sb] = [sides(a), sides(b)];
			const apart =
				(sa.has('survivor') && sb.has('responsible')) ||
				(sa.has('responsible') && sb.has('survivor'));
			if (!apart) continue;
			const gap = Math.max(b.startsAt - a.endsAt, a.startsAt - b.endsAt);
			if (gap >= NEAR_MS) continue;
			out.set(
				a.id,
				m.meetings_back_to_back({
					other: meetingKindLabel(b.kind),
					gap: Math.max(0, Math.round(gap / 60_000))
				})
			);
		}
	}
	return out;
}
