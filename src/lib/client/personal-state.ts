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
let seenVersion = 0;

async function load(me: Identity): Promise<{ state: PersonalState; prev: PreviousVersion | null }> {
	const row = await getPersonal(OBJECT_ID);
	if (!row) {
		if (seenVersion > 0) throw new RequestProblem(409, 'rolled_back', '');
		return { state: emptyPersonalState(), prev: null };
	}
	const opened = await openPersonal(row, me, seenVersion || undefined);
	wipe(opened.contentKey);
	seenVersion = opened.header.version;
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
			seenVersion = sealed.header.version;
			return next;
		} catch (e) {
			const conflict = e instanceof RequestProblem && e.code === 'version_conflict';
			if (!conflict || attempt >= 3) throw e;
		}
	}
}
