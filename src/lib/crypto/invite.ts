import { fromBase64url, toBase64url } from './bytes';
import { bin, encode, text } from './encoding';
import { CryptoError, fail } from './errors';
import { checkPublicIdentity, type PublicIdentity } from './identity';
import type { CaseRole } from './members';
import { hkdf, hmac, randomBytes, verifyHmac } from './primitives';

/**
 * Invites: `/join/<token>#v1.<secret>.<inviterFp>`. The server sees the token, never the
 * fragment. The joiner proves to the facilitators which keys redeemed the invite with an HMAC
 * under a key only the link and the facilitators' envelope hold, so the server cannot
 * substitute its own keys for the joiner's.
 */
export type InviteFragment = { secret: Uint8Array; inviterFp: Uint8Array };

export type JoinFields = {
	inviteId: string;
	caseId: string;
	role: CaseRole;
	joinerUserId: string;
	joinerFp: Uint8Array;
};

/**
 * What the inviting facilitator keeps about an invite, in the facilitators-only envelope.
 * The joiner learns role and inviteId from the server, so the tag alone cannot prove the
 * role was the intended one: completing the add compares against this record. `logSeq` is
 * the log head when the invite was made, so a used invite cannot be replayed after removal.
 */
export type InviteRecord = {
	inviteId: string;
	secret: Uint8Array;
	role: CaseRole;
	supports: string | null;
	logSeq: number;
};

export function newInviteSecret(): Uint8Array {
	return randomBytes(32);
}

/** The fragment without its `#`. */
export function formatInviteFragment(secret: Uint8Array, inviterFp: Uint8Array): string {
	if (secret.length !== 32 || inviterFp.length !== 32) fail('bad_length', 'invite');
	return `v1.${toBase64url(secret)}.${toBase64url(inviterFp)}`;
}

/** Accepts `location.hash` as is (with or without `#`); anything else malformed is `bad_invite`. */
export function parseInviteFragment(fragment: string): InviteFragment {
	const parts = fragment.replace(/^#/, '').split('.');
	const version = parts[0] ?? '';
	if (/^v[0-9]+$/.test(version) && version !== 'v1') fail('unknown_version', 'invite');
	if (version !== 'v1' || parts.length !== 3) fail('bad_invite');
	return { secret: fragmentBytes(parts[1]!), inviterFp: fragmentBytes(parts[2]!) };
}

function fragmentBytes(s: string): Uint8Array {
	let b: Uint8Array;
	try {
		b = fromBase64url(s);
	} catch (e) {
		if (e instanceof CryptoError) fail('bad_invite');
		throw e;
	}
	// Exactly 32 bytes in their one canonical spelling: a link means one invite.
	if (b.length !== 32 || toBase64url(b) !== s) fail('bad_invite');
	return b;
}

/**
 * The MAC key. The salt is empty (HKDF then uses a zero salt): the secret is already 32
 * uniformly random bytes used for nothing else, so a salt would add nothing.
 */
export async function inviteKey(secret: Uint8Array): Promise<Uint8Array> {
	if (secret.length !== 32) fail('bad_length', 'invite secret');
	return hkdf(secret, new Uint8Array(0), encode('invite/v1'));
}

export function joinMessage(f: JoinFields): Uint8Array {
	if (f.joinerFp.length !== 32) fail('bad_length', 'fingerprint');
	return encode(
		'invite/join/v1',
		text(f.inviteId),
		text(f.caseId),
		text(f.role),
		text(f.joinerUserId),
		bin(f.joinerFp)
	);
}

export async function joinTag(secret: Uint8Array, fields: JoinFields): Promise<Uint8Array> {
	return hmac(await inviteKey(secret), joinMessage(fields));
}

/** Throws `bad_mac` unless the joiner with exactly these keys redeemed this invite. */
export async function checkJoinTag(
	secret: Uint8Array,
	fields: JoinFields,
	tag: Uint8Array
): Promise<void> {
	await verifyHmac(await inviteKey(secret), joinMessage(fields), tag);
}

/** The joiner stops if the server's copy of the inviter's keys is not the one in the link. */
export function checkInviterPin(pinnedFp: Uint8Array, serverPub: PublicIdentity): Uint8Array {
	return checkPublicIdentity(serverPub, pinnedFp);
}
