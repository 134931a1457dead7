import {
	generateAuthenticationOptions,
	generateRegistrationOptions,
	verifyAuthenticationResponse,
	verifyRegistrationResponse,
	type AuthenticationResponseJSON,
	type RegistrationResponseJSON
} from '@simplewebauthn/server';
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { eq, lt } from 'drizzle-orm';
import { getDb, write } from '../db';
import { challenges, links, passkeys, users } from '../db/schema';
import { config } from '../config';
import { claimCaseLinkIn } from '../case-invites';
import { auditIn } from '../audit';
import { checkLink, consumeLinkIn, findLink, type LinkKind } from '../links';
import { ensureDeploymentIdIn, getOrgSettings } from '../org';
import { Problem } from '../problem';
import { generateId } from './tokens';
import { takeHandoverIn } from '../keys';

// Relying party: the host of ORIGIN. Passkeys made for one host never work on another,
// so ORIGIN must be the address people actually use (https beyond localhost).

export const CHALLENGE_LIFETIME_MS = 5 * 60_000;

function randomUserHandle() {
	const bytes = new Uint8Array(16);
	crypto.getRandomValues(bytes);
	return encodeBase64urlNoPadding(bytes);
}

async function rpName() {
	// The name a device shows in its passkey list: the neutral tab title, not the program's.
	return (await getOrgSettings()).tabTitle;
}

export type RegistrationStart = {
	kind: LinkKind;
	token: string;
	displayName?: string;
	// Whoever is signed in on this browser, if anyone: a device link only adds a passkey
	// to its own account, never while another account is signed in here.
	signedInUserId: string | null;
};

function checkSignedIn(signedInUserId: string | null, accountId: string | null) {
	if (signedInUserId !== null && signedInUserId !== accountId) throw new Problem(403, 'forbidden');
}

/** Starts a registration for a setup link, a facilitator invite or an add-a-device link. */
export async function beginRegistration(start: RegistrationStart, now = Date.now()) {
	const link = await findLink(start.kind, start.token, now);
	const { rpID } = config();
	let userId: string;
	let userName: string;
	let excludeCredentials: { id: string; transports?: string[] }[] = [];
	if (start.kind === 'device') {
		const [user] = await getDb()
			.select()
			.from(users)
			.where(eq(users.id, link.userId ?? ''));
		if (!user || user.status !== 'active') throw new Problem(403, 'account_inactive');
		checkSignedIn(start.signedInUserId, user.id);
		userId = user.id;
		userName = user.displayName;
		const existing = await getDb().select().from(passkeys).where(eq(passkeys.userId, userId));
		excludeCredentials = existing.map((p) => ({ id: p.id, transports: JSON.parse(p.transports) }));
	} else {
		if (!start.displayName) throw new Problem(400, 'bad_request');
		// Joining as a new person while signed in would leave two accounts in one browser.
		checkSignedIn(start.signedInUserId, null);
		// A case invite makes one account; after that, its owner signs in to finish joining.
		if (start.kind === 'case' && link.userId !== null) throw new Problem(410, 'link_used');
		userId = randomUserHandle();
		userName = start.displayName;
	}
	const options = await generateRegistrationOptions({
		rpName: await rpName(),
		rpID,
		userName,
		userDisplayName: userName,
		// The user handle is random bytes, never a name: authenticators may expose it.
		userID: new Uint8Array(decodeBase64urlIgnorePadding(userId)),
		attestationType: 'none',
		excludeCredentials,
		authenticatorSelection: { residentKey: 'required', userVerification: 'required' }
	});
	const challengeId = generateId();
	await write((tx) =>
		tx.insert(challenges).values({
			id: challengeId,
			challenge: options.challenge,
			ceremony: 'register',
			userId,
			linkId: link.id,
			displayName: start.kind === 'device' ? null : (start.displayName ?? null),
			expiresAt: now + CHALLENGE_LIFETIME_MS
		})
	);
	return { challengeId, options };
}

/** Deletes the challenge first: a challenge is used once, whether or not it verifies. */
async function takeChallenge(challengeId: string, ceremony: 'register' | 'signin', now: number) {
	const [row] = await write((tx) =>
		tx.delete(challenges).where(eq(challenges.id, challengeId)).returning()
	);
	if (!row || row.ceremony !== ceremony || now >= row.expiresAt) {
		throw new Problem(400, 'challenge_invalid');
	}
	return row;
}

export type RegistrationFinish = {
	kind: LinkKind;
	challengeId: string;
	response: RegistrationResponseJSON;
	passkeyName: string;
	signedInUserId: string | null;
};

export async function finishRegistration(finish: RegistrationFinish, now = Date.now()) {
	const challenge = await takeChallenge(finish.challengeId, 'register', now);
	checkSignedIn(finish.signedInUserId, finish.kind === 'device' ? challenge.userId : null);
	const { origin, rpID } = config();
	const verification = await verifyRegistrationResponse({
		response: finish.response,
		expectedChallenge: challenge.challenge,
		expectedOrigin: origin,
		expectedRPID: rpID,
		requireUserVerification: true
	}).catch(() => null);
	if (!verification?.verified) throw new Problem(400, 'passkey_unverified');
	const { credential, credentialBackedUp } = verification.registrationInfo;
	const userId = challenge.userId ?? '';
	const linkId = challenge.linkId ?? '';

	return write(async (tx) => {
		// The link must still be usable and of the kind the ceremony claims, before anything
		// is created for it (a device challenge replayed as an invite would reuse its user id).
		const [link] = await tx.select().from(links).where(eq(links.id, linkId));
		checkLink(link, finish.kind, now);
		if (finish.kind === 'setup') {
			const [admin] = await tx.select().from(users).where(eq(users.orgRole, 'admin'));
			if (admin) throw new Problem(410, 'setup_done');
			await ensureDeploymentIdIn(tx, generateId());
		}
		if (finish.kind !== 'device') {
			// People invited to a case hold no role in the organization, only in their cases.
			const orgRole =
				finish.kind === 'setup' ? 'admin' : finish.kind === 'facilitator' ? 'facilitator' : null;
			await tx.insert(users).values({
				id: userId,
				displayName: challenge.displayName ?? '',
				orgRole,
				createdAt: now
			});
		} else {
			const [user] = await tx.select().from(users).where(eq(users.id, userId));
			if (!user || user.status !== 'active') throw new Problem(403, 'account_inactive');
		}
		// A case invite is used when its new account joins the case (with its keys), not here.
		if (finish.kind === 'case') await claimCaseLinkIn(tx, linkId, userId, now);
		else await consumeLinkIn(tx, linkId, finish.kind, userId, now);
		// A device link may carry the key bundle sealed for the new device: read once, deleted.
		const handover = finish.kind === 'device' ? await takeHandoverIn(tx, linkId, now) : null;
		const [existing] = await tx.select().from(passkeys).where(eq(passkeys.id, credential.id));
		if (existing) throw new Problem(409, 'passkey_exists');
		await tx.insert(passkeys).values({
			id: credential.id,
			userId,
			publicKey: Buffer.from(credential.publicKey),
			counter: credential.counter,
			transports: JSON.stringify(credential.transports ?? []),
			name: finish.passkeyName,
			backedUp: credentialBackedUp,
			createdAt: now,
			lastUsedAt: now
		});
		const actorId = userId;
		if (finish.kind === 'setup') {
			await auditIn(
				tx,
				{ actorId, action: 'setup.completed', objectType: 'user', objectId: userId },
				now
			);
		} else if (finish.kind === 'facilitator') {
			await auditIn(
				tx,
				{ actorId, action: 'invite.used', objectType: 'link', objectId: linkId },
				now
			);
		}
		await auditIn(
			tx,
			{ actorId, action: 'passkey.added', objectType: 'passkey', objectId: credential.id },
			now
		);
		return { userId, credentialId: credential.id, handover };
	});
}

export async function beginSignIn(now = Date.now()) {
	const options = await generateAuthenticationOptions({
		rpID: config().rpID,
		// Discoverable credentials: the authenticator offers the account, nobody types a name.
		allowCredentials: [],
		userVerification: 'required'
	});
	const challengeId = generateId();
	await write((tx) =>
		tx.insert(challenges).values({
			id: challengeId,
			challenge: options.challenge,
			ceremony: 'signin',
			expiresAt: now + CHALLENGE_LIFETIME_MS
		})
	);
	return { challengeId, options };
}

export async function finishSignIn(
	challengeId: string,
	response: AuthenticationResponseJSON,
	now = Date.now()
) {
	const challenge = await takeChallenge(challengeId, 'signin', now);
	const [passkey] = await getDb().select().from(passkeys).where(eq(passkeys.id, response.id));
	if (!passkey) throw new Problem(400, 'passkey_unknown');
	const { origin, rpID } = config();
	const verification = await verifyAuthenticationResponse({
		response,
		expectedChallenge: challenge.challenge,
		expectedOrigin: origin,
		expectedRPID: rpID,
		requireUserVerification: true,
		credential: {
			id: passkey.id,
			publicKey: new Uint8Array(passkey.publicKey),
			counter: passkey.counter,
			transports: JSON.parse(passkey.transports)
		}
	}).catch(() => null);
	if (!verification?.verified) throw new Problem(400, 'passkey_unverified');
	return write(async (tx) => {
		const [user] = await tx.select().from(users).where(eq(users.id, passkey.userId));
		if (!user || user.status !== 'active') throw new Problem(403, 'account_inactive');
		await tx
			.update(passkeys)
			.set({
				counter: verification.authenticationInfo.newCounter,
				backedUp: verification.authenticationInfo.credentialBackedUp,
				lastUsedAt: now
			})
			.where(eq(passkeys.id, passkey.id));
		await auditIn(
			tx,
			{ actorId: user.id, action: 'signin', objectType: 'passkey', objectId: passkey.id },
			now
		);
		return { userId: user.id, credentialId: passkey.id };
	});
}

/** Challenges past their five minutes are deleted. */
export async function deleteExpiredChallenges(now = Date.now()) {
	await write((tx) => tx.delete(challenges).where(lt(challenges.expiresAt, now)));
}
