import { wipe } from '$lib/crypto/bytes';
import type { PreviousVersion } from '$lib/crypto/envelope';
import type { Identity } from '$lib/crypto/identity';
import {
	decodePersonalState,
	emptyPersonalState,
	encodePersonalState,
	type PersonalState
} from '$lib/crypto/personal-state';
import { RequestProblem } from './http';
import { getPersonal, openPersonal, putPersonal } from './personal';

/**
 * Personal state (pins, verified flags, high-water marks, log heads): one envelope to self,
 * merged across devices. This tab keeps the last version it saw, so the server cannot roll
 * the state itself back behind this tab's back.
 */

const OBJECT_ID = 'state';

// The newest version this tab has seen, kept across reloads of the tab (quick exit clears it),
// so a reload cannot be served an older state unnoticed. Only a number, nothing about content.
function seen(userId: string): number {
	try {
		return Number(sessionStorage.getItem(`ps-seen:${userId}`)) || 0;
	} catch {
		return 0;
	}
}
function remember(userId: string, version: number) {
	try {
		if (version > seen(userId)) sessionStorage.setItem(`ps-seen:${userId}`, String(version));
	} catch {
		// Without storage the check still holds for this page.
	}
}

async function load(me: Identity): Promise<{ state: PersonalState; prev: PreviousVersion | null }> {
	const row = await getPersonal(OBJECT_ID);
	if (!row) {
		if (seen(me.userId) > 0) throw new RequestProblem(409, 'rolled_back', '');
		return { state: emptyPersonalState(), prev: null };
	}
	const opened = await openPersonal(row, me, seen(me.userId) || undefined);
	wipe(opened.contentKey);
	remember(me.userId, opened.header.version);
	const state = opened.body ? decodePersonalState(opened.body) : emptyPersonalState();
	return { state, prev: { header: opened.header, headerHash: opened.headerHash } };
}

export async function loadPersonalState(me: Identity): Promise<PersonalState> {
	return (await load(me)).state;
}

/**
 * Applies `change` to the newest state and stores it. When another device wrote in between,
 * the change is applied again to its newer state, so neither device's pins or marks are lost.
 */
export async function updatePersonalState(
	me: Identity,
	change: (s: PersonalState) => PersonalState
): Promise<PersonalState> {
	for (let attempt = 0; ; attempt++) {
		const { state, prev } = await load(me);
		const next = change(state);
		if (next === state && prev) return state;
		try {
			const sealed = await putPersonal(
				me,
				'personal-state',
				OBJECT_ID,
				prev,
				encodePersonalState(next)
			);
			remember(me.userId, sealed.header.version);
			return next;
		} catch (e) {
			const conflict = e instanceof RequestProblem && e.code === 'version_conflict';
			if (!conflict || attempt >= 3) throw e;
		}
	}
}
