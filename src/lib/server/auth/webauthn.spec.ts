import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { getDb, write } from '../db';
import { challenges, users } from '../db/schema';
import {
	consumeLinkIn,
	createDeviceLink,
	createFacilitatorInvite,
	findLink,
	revokeFacilitatorInvite
} from '../links';
import { expectProblem, insertPasskey, insertUser, useTestDb } from '../test-db';
import { beginRegistration, beginSignIn, finishRegistration, finishSignIn } from './webauthn';

useTestDb();

const T = Date.UTC(2030, 0, 1, 9);
const FIVE_MINUTES = 5 * 60_000;

// Well-formed but meaningless: passes the route's shape check, fails verification.
function signInResponse(id: string): AuthenticationResponseJSON {
	return {
		id,
		rawId: id,
		type: 'public-key',
		response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA' },
		clientExtensionResults: {}
	};
}

function registrationResponse(): RegistrationResponseJSON {
	return {
		id: 'AAAA',
		rawId: 'AAAA',
		type: 'public-key',
		response: { clientDataJSON: 'e30', attestationObject: 'AAAA' },
		clientExtensionResults: {}
	};
}

async function challengeRow(id: string) {
	const [row] = await getDb().select().from(challenges).where(eq(challenges.id, id));
	return row;
}

async function challengeCount() {
	return (await getDb().select().from(challenges)).length;
}

async function newInvite(now = T) {
	const admin = await insertUser({ orgRole: 'admin' });
	return { admin, invite: await createFacilitatorInvite(admin.id, now) };
}

describe('sign-in challenges', () => {
	test('beginSignIn stores a challenge that lasts five minutes', async () => {
		const { challengeId, options } = await beginSignIn(T);
		expect(await challengeRow(challengeId)).toMatchObject({
			challenge: options.challenge,
			ceremony: 'signin',
			userId: null,
			expiresAt: T + FIVE_MINUTES
		});
		expect(options.userVerification).toBe('required');
	});

	test('an unknown challenge is invalid', async () => {
		await expectProblem(
			finishSignIn('unknown', signInResponse('AAAA'), T),
			400,
			'challenge_invalid'
		);
	});

	test('a challenge is used once, even when verification fails', async () => {
		const first = await beginSignIn(T);
		await expectProblem(
			finishSignIn(first.challengeId, signInResponse('AAAA'), T + 1),
			400,
			'passkey_unknown'
		);
		expect(await challengeRow(first.challengeId)).toBeUndefined();
		await expectProblem(
			finishSignIn(first.challengeId, signInResponse('AAAA'), T + 2),
			400,
			'challenge_invalid'
		);

		const user = await insertUser();
		const passkey = await insertPasskey(user.id);
		const second = await beginSignIn(T);
		const response = signInResponse(passkey.id);
		await expectProblem(
			finishSignIn(second.challengeId, response, T + 1),
			400,
			'passkey_unverified'
		);
		await expectProblem(
			finishSignIn(second.challengeId, response, T + 2),
			400,
			'challenge_invalid'
		);
	});

	test('an expired challenge is invalid and deleted', async () => {
		const { challengeId } = await beginSignIn(T);
		await expectProblem(
			finishSignIn(challengeId, signInResponse('AAAA'), T + FIVE_MINUTES + 1),
			400,
			'challenge_invalid'
		);
		expect(await challengeRow(challengeId)).toBeUndefined();
	});
});

describe('registration challenges', () => {
	test('the user handle is random, not the display name', async () => {
		const { invite } = await newInvite();
		const start = { kind: 'facilitator', token: invite.token, signedInUserId: null } as const;
		const { challengeId, options } = await beginRegistration(
			{ ...start, displayName: 'Willow' },
			T
		);
		expect(options.user.name).toBe('Willow');
		expect(options.user.id).not.toContain('Willow');
		expect(options.user.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(await challengeRow(challengeId)).toMatchObject({
			ceremony: 'register',
			userId: options.user.id,
			linkId: invite.id,
			displayName: 'Willow',
			expiresAt: T + FIVE_MINUTES
		});
		const again = await beginRegistration({ ...start, displayName: 'Willow' }, T);
		expect(again.options.user.id).not.toBe(options.user.id);
	});

	test('expired, used and revoked invites are refused without a challenge', async () => {
		const before = await challengeCount();
		const expired = await newInvite(T - 8 * 24 * 3_600_000);
		const used = await newInvite();
		await write((tx) => consumeLinkIn(tx, used.invite.id, 'facilitator', used.admin.id, T));
		const revoked = await newInvite();
		await revokeFacilitatorInvite(revoked.admin.id, revoked.invite.id, T);

		const start = (token: string) =>
			beginRegistration(
				{ kind: 'facilitator', token, displayName: 'Willow', signedInUserId: null },
				T + 1
			);
		await expectProblem(start(expired.invite.token), 410, 'link_expired');
		await expectProblem(start(used.invite.token), 410, 'link_used');
		await expectProblem(start(revoked.invite.token), 410, 'link_revoked');
		await expectProblem(start('a'.repeat(32)), 404, 'link_not_found');
		expect(await challengeCount()).toBe(before);
	});

	test('joining as a new facilitator while signed in is forbidden', async () => {
		const { admin, invite } = await newInvite();
		const before = await challengeCount();
		await expectProblem(
			beginRegistration(
				{
					kind: 'facilitator',
					token: invite.token,
					displayName: 'Willow',
					signedInUserId: admin.id
				},
				T
			),
			403,
			'forbidden'
		);
		expect(await challengeCount()).toBe(before);
	});

	test('a device link works only for its own account', async () => {
		const owner = await insertUser();
		const other = await insertUser();
		await insertPasskey(owner.id);
		const link = await createDeviceLink(owner.id, {}, T);
		const before = await challengeCount();
		await expectProblem(
			beginRegistration({ kind: 'device', token: link.token, signedInUserId: other.id }, T),
			403,
			'forbidden'
		);
		expect(await challengeCount()).toBe(before);

		const { options } = await beginRegistration(
			{ kind: 'device', token: link.token, signedInUserId: owner.id },
			T
		);
		expect(options.user.id).toBe(owner.id);
		expect(options.excludeCredentials).toHaveLength(1);

		await getDb().update(users).set({ status: 'deactivated' }).where(eq(users.id, owner.id));
		await expectProblem(
			beginRegistration({ kind: 'device', token: link.token, signedInUserId: null }, T),
			403,
			'account_inactive'
		);
	});

	test('finishRegistration uses a challenge once and leaves the invite unused', async () => {
		const { invite } = await newInvite();
		const { challengeId } = await beginRegistration(
			{ kind: 'facilitator', token: invite.token, displayName: 'Willow', signedInUserId: null },
			T
		);
		const finish = {
			kind: 'facilitator',
			challengeId,
			response: registrationResponse(),
			passkeyName: 'Phone',
			signedInUserId: null
		} as const;
		await expectProblem(finishRegistration(finish, T + 1), 400, 'passkey_unverified');
		await expectProblem(finishRegistration(finish, T + 2), 400, 'challenge_invalid');
		expect((await findLink('facilitator', invite.token, T + 3)).usedAt).toBeNull();
		expect(await getDb().select().from(users).where(eq(users.displayName, 'Willow'))).toEqual([]);
	});

	test('finishRegistration refuses an expired or a sign-in challenge', async () => {
		const { invite } = await newInvite();
		const { challengeId } = await beginRegistration(
			{ kind: 'facilitator', token: invite.token, displayName: 'Willow', signedInUserId: null },
			T
		);
		const finish = {
			kind: 'facilitator',
			response: registrationResponse(),
			passkeyName: 'Phone',
			signedInUserId: null
		} as const;
		await expectProblem(
			finishRegistration({ ...finish, challengeId }, T + FIVE_MINUTES + 1),
			400,
			'challenge_invalid'
		);
		const signIn = await beginSignIn(T);
		await expectProblem(
			finishRegistration({ ...finish, challengeId: signIn.challengeId }, T + 1),
			400,
			'challenge_invalid'
		);
	});
});
