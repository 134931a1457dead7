import { goto } from '$app/navigation';
import { wipe } from '$lib/crypto/bytes';
import { evaluatePrf, type RegisterResult, type SignInResult } from './webauthn';
import { holdPrf, lock, unlockWithDevice, unlockWithHandover, unlockWithPasskey } from './keyring';

/**
 * Where a passkey ceremony goes next. Pages that must keep a PRF output in memory (making
 * keys, typing the recovery code) are reached with `goto`, which keeps this tab's memory;
 * everything else leaves with a full load so no state lingers.
 */

async function inApp(path: string) {
	await goto(path, { invalidateAll: true, replaceState: true });
}

export async function afterSignIn(result: SignInResult) {
	const { unlock, credentialId, prfOutput } = result;
	// Another account's unlocked session may have been in this browser.
	await lock();
	if (!unlock.hasKeys) {
		holdPrf(credentialId, prfOutput);
		return inApp('/keys/new');
	}
	if (unlock.passkeyWrap && prfOutput) {
		const ok = await unlockWithPasskey(unlock.userId, unlock.passkeyWrap, prfOutput)
			.then(() => true)
			.catch(() => false);
		wipe(prfOutput);
		if (ok) return location.assign(result.next);
	}
	if (await unlockWithDevice(unlock.userId).catch(() => false)) {
		wipe(prfOutput);
		return location.assign(result.next);
	}
	// The passkey cannot unlock by itself here: ask for the recovery code, and keep the PRF
	// output (if any) to wrap the keys for this passkey once they are open.
	holdPrf(credentialId, prfOutput);
	return inApp('/unlock');
}

/**
 * A new passkey on a new or existing account; `secret` is an add-a-device link's fragment;
 * `keysPage` is where a new account makes its keys (a case invite adds where to go after).
 */
export async function afterRegistration(
	result: RegisterResult,
	secret: string | null,
	keysPage = '/keys/new'
) {
	let prf = result.prfOutput;
	if (!prf) {
		// Some authenticators give no PRF output at creation; a get() right after asks again.
		prf = (await evaluatePrf([result.credentialId]).catch(() => null))?.output ?? null;
	}
	holdPrf(result.credentialId, prf);
	if (result.next === '/keys/new') return inApp(keysPage);
	if (result.handover && secret) {
		const opened = await unlockWithHandover(result.userId, result.handover, secret)
			.then(() => true)
			.catch(() => false);
		// Without PRF this device needs the recovery code each time, unless the person says it
		// is theirs: the keys page offers that.
		if (opened) return location.assign(prf ? '/home' : '/account/keys?device=new');
	}
	return inApp('/unlock');
}
