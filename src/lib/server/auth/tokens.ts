import { sha256 } from '@oslojs/crypto/sha2';
import {
	encodeBase32LowerCaseNoPadding,
	encodeBase64urlNoPadding,
	encodeHexLowerCase
} from '@oslojs/encoding';

/** A random secret token for cookies and one-time links (base32, `bytes` of entropy). */
export function generateToken(bytes = 20): string {
	const random = new Uint8Array(bytes);
	crypto.getRandomValues(random);
	return encodeBase32LowerCaseNoPadding(random);
}

/** A random, non-secret id (base64url, 16 bytes). */
export function generateId(): string {
	const random = new Uint8Array(16);
	crypto.getRandomValues(random);
	return encodeBase64urlNoPadding(random);
}

/** Only this hash of a token is stored, so a leaked database cannot be replayed as links. */
export function hashToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}
