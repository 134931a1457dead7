import { concat, expectLength } from './bytes';
import { int, text, tuple } from './encoding';
import { fail } from './errors';
import type { PublicIdentity } from './identity';
import type { Membership } from './members';
import { sha512 } from './primitives';

/**
 * Numbers people compare aloud. libsignal's numeric fingerprint (version 0, 5,200 rounds of
 * SHA-512): per person h = SHA-512(0x0000 ‖ K ‖ id ‖ K), then h = SHA-512(h ‖ K) 5,199 more
 * times; the first 30 bytes read as six 5-byte big-endian numbers mod 100000. The rounds make
 * grinding for a look-alike number 5,200 times dearer.
 */
const ROUNDS = 5200;
const VERSION = new Uint8Array([0, 0]);

export function iteratedHash(key: Uint8Array, id: Uint8Array): Uint8Array {
	let h = sha512(concat(VERSION, key, id, key));
	// One buffer for h ‖ K, refilled each round: this loop is the whole cost.
	const buf = new Uint8Array(64 + key.length);
	buf.set(key, 64);
	for (let i = 1; i < ROUNDS; i++) {
		buf.set(h, 0);
		h = sha512(buf);
	}
	return h;
}

/** `chunks` groups of five digits from the first 5·chunks bytes. */
export function hashDigits(h: Uint8Array, chunks: number): string {
	let out = '';
	for (let c = 0; c < chunks; c++) {
		let n = 0;
		// 40 bits stay exact in a double.
		for (let i = 0; i < 5; i++) n = n * 256 + h[c * 5 + i]!;
		out += String(n % 100000).padStart(5, '0');
	}
	return out;
}

/** One person's 30 digits: K = signPk ‖ boxPk, id = (deploymentId, userId), length-prefixed. */
export function personDigits(deploymentId: string, pub: PublicIdentity): string {
	const key = concat(
		expectLength(pub.signPk, 32, 'sign key'),
		expectLength(pub.boxPk, 32, 'box key')
	);
	return hashDigits(iteratedHash(key, tuple(text(deploymentId), text(pub.userId))), 6);
}

/** 60 digits, the same whichever of the two computes it. */
export function safetyNumber(deploymentId: string, a: PublicIdentity, b: PublicIdentity): string {
	const [first, second] = [personDigits(deploymentId, a), personDigits(deploymentId, b)].sort();
	return `${first}${second}`;
}

/**
 * 20 digits over the validated log head, so everyone in a circle can check aloud that they
 * see the same membership. 20 digits suffice: a server cannot grind for a look-alike, since
 * every head it could show needs a facilitator's signature.
 */
export function circleCode(deploymentId: string, membership: Membership): string {
	const id = tuple(text(deploymentId), text(membership.caseId), int(membership.headSeq));
	return hashDigits(iteratedHash(expectLength(membership.headHash, 32, 'log head'), id), 4);
}

/** "12345 67890 …" for display: groups of five. */
export function groupDigits(digits: string): string[] {
	if (!/^(?:[0-9]{5})+$/.test(digits)) fail('bad_encoding', 'digits');
	return digits.match(/[0-9]{5}/g)!;
}
