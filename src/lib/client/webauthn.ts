import {
	browserSupportsWebAuthn,
	startAuthentication,
	startRegistration,
	type AuthenticationResponseJSON,
	type PublicKeyCredentialCreationOptionsJSON,
	type PublicKeyCredentialRequestOptionsJSON,
	type RegistrationResponseJSON
} from '@simplewebauthn/browser';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import type { BundleWrapJson } from '$lib/crypto/wrap';
import { postJson, RequestProblem } from './http';

export type PasskeyFailure =
	'unsupported' | 'cancelled' | 'already_registered' | 'wrong_site' | 'failed';

/** A passkey ceremony that did not finish, with a reason the page can explain. */
export class PasskeyError extends Error {
	constructor(public reason: PasskeyFailure) {
		super(reason);
	}
}

// The PRF input is the same constant everywhere, so one credential always yields the same
// secret; the encryption layer derives its key-encryption key from that output.
async function prfInput(): Promise<Uint8Array> {
	const data = new TextEncoder().encode('circlekeeper/prf/v1');
	return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

function toFailure(e: unknown): PasskeyError {
	const name = e instanceof Error ? e.name : '';
	if (name === 'NotAllowedError' || name === 'AbortError') return new PasskeyError('cancelled');
	if (name === 'InvalidStateError') return new PasskeyError('already_registered');
	if (name === 'SecurityError') return new PasskeyError('wrong_site');
	if (name === 'NotSupportedError') return new PasskeyError('unsupported');
	return new PasskeyError('failed');
}

type PrfResults = { results?: { first?: ArrayBuffer | Uint8Array } };

/** Takes the PRF output out of the response: it must never be sent to the server. */
function takePrf<T extends { clientExtensionResults: object }>(response: T): Uint8Array | null {
	const ext = response.clientExtensionResults as Record<string, unknown>;
	const prf = ext.prf as PrfResults | undefined;
	const first = prf?.results?.first;
	delete ext.prf;
	return first ? new Uint8Array(first) : null;
}

/** A get() with the PRF extension added (inputs must be bytes, so not sent as JSON). */
async function authenticateWithPrf(
	options: PublicKeyCredentialRequestOptionsJSON
): Promise<AuthenticationResponseJSON> {
	const withPrf = { ...options, extensions: { prf: { eval: { first: await prfInput() } } } };
	try {
		return await startAuthentication({
			optionsJSON: withPrf as unknown as PublicKeyCredentialRequestOptionsJSON
		});
	} catch (e) {
		throw toFailure(e);
	}
}

export type UnlockInfo = {
	userId: string;
	hasKeys: boolean;
	passkeyWrap: BundleWrapJson | null;
};

export type SignInResult = {
	next: string;
	credentialId: string;
	prfOutput: Uint8Array | null;
	unlock: UnlockInfo;
};

export async function signInWithPasskey(): Promise<SignInResult> {
	if (!browserSupportsWebAuthn()) throw new PasskeyError('unsupported');
	const { challengeId, options } = await postJson<{
		challengeId: string;
		options: PublicKeyCredentialRequestOptionsJSON;
	}>('/api/webauthn/signin/options', {});
	const response = await authenticateWithPrf(options);
	const prfOutput = takePrf(response);
	const { next, unlock } = await postJson<{ next: string; unlock: UnlockInfo }>(
		'/api/webauthn/signin/verify',
		{ challengeId, response }
	);
	return { next, credentialId: response.id, prfOutput, unlock };
}

export type RegisterInput = {
	kind: 'setup' | 'facilitator' | 'device' | 'case';
	token: string;
	displayName?: string;
	passkeyName: string;
};

export type RegisterResult = {
	next: string;
	userId: string;
	credentialId: string;
	prfOutput: Uint8Array | null;
	/** For a device link made by an unlocked device: the bundle sealed under the `#` secret. */
	handover: BundleWrapJson | null;
};

export async function registerPasskey(input: RegisterInput): Promise<RegisterResult> {
	if (!browserSupportsWebAuthn()) throw new PasskeyError('unsupported');
	const { challengeId, options } = await postJson<{
		challengeId: string;
		options: PublicKeyCredentialCreationOptionsJSON;
	}>('/api/webauthn/register/options', {
		kind: input.kind,
		token: input.token,
		displayName: input.displayName
	});
	const publicKey = { ...options, extensions: { prf: { eval: { first: await prfInput() } } } };
	let response: RegistrationResponseJSON;
	try {
		response = await startRegistration({
			optionsJSON: publicKey as unknown as PublicKeyCredentialCreationOptionsJSON
		});
	} catch (e) {
		throw toFailure(e);
	}
	// Some authenticators give no PRF output at creation; the encryption layer then asks
	// for it with a get() right after. Either way it stays in this page.
	const prfOutput = takePrf(response);
	const result = await postJson<Omit<RegisterResult, 'prfOutput'>>(
		'/api/webauthn/register/verify',
		{ kind: input.kind, challengeId, passkeyName: input.passkeyName, response }
	);
	return { ...result, prfOutput };
}

/**
 * Asks the person's passkey for its PRF output without signing in: a local ceremony with a
 * random challenge that no server checks, used only to make or open a key wrap. Returns null
 * when the authenticator has no PRF.
 */
export async function evaluatePrf(
	credentialIds: string[]
): Promise<{ credentialId: string; output: Uint8Array | null }> {
	if (!browserSupportsWebAuthn()) throw new PasskeyError('unsupported');
	const response = await authenticateWithPrf({
		challenge: encodeBase64urlNoPadding(crypto.getRandomValues(new Uint8Array(32))),
		allowCredentials: credentialIds.map((id) => ({ id, type: 'public-key' })),
		userVerification: 'required',
		timeout: 120_000
	});
	return { credentialId: response.id, output: takePrf(response) };
}

export { RequestProblem };
