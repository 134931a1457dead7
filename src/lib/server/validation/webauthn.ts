import * as v from 'valibot';

// Shapes only: the cryptography is checked by @simplewebauthn/server afterwards.
const b64url = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]*={0,2}$/), v.maxLength(16_384));

const extensions = v.optional(v.record(v.string(), v.unknown()), {});

export const registrationResponse = v.object({
	id: b64url,
	rawId: b64url,
	type: v.literal('public-key'),
	response: v.looseObject({
		clientDataJSON: b64url,
		attestationObject: b64url,
		transports: v.optional(v.array(v.pipe(v.string(), v.maxLength(32)))),
		authenticatorData: v.optional(b64url),
		publicKey: v.optional(b64url),
		publicKeyAlgorithm: v.optional(v.number())
	}),
	authenticatorAttachment: v.optional(v.picklist(['platform', 'cross-platform'])),
	clientExtensionResults: extensions
});

export const authenticationResponse = v.object({
	id: b64url,
	rawId: b64url,
	type: v.literal('public-key'),
	response: v.looseObject({
		clientDataJSON: b64url,
		authenticatorData: b64url,
		signature: b64url,
		userHandle: v.optional(b64url)
	}),
	authenticatorAttachment: v.optional(v.picklist(['platform', 'cross-platform'])),
	clientExtensionResults: extensions
});

export const displayName = v.pipe(
	v.string(),
	v.trim(),
	v.minLength(1),
	v.maxLength(60),
	// No control characters: names are shown to other people.
	v.regex(/^[^\p{Cc}]+$/u)
);

export const passkeyName = v.pipe(
	v.optional(v.string(), ''),
	v.trim(),
	v.maxLength(60),
	v.regex(/^[^\p{Cc}]*$/u),
	v.transform((s) => s || 'Passkey')
);

export const linkToken = v.pipe(v.string(), v.regex(/^[a-z2-7]{16,64}$/));
export const challengeId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,32}$/));
export const linkKind = v.picklist(['setup', 'facilitator', 'device', 'case']);
