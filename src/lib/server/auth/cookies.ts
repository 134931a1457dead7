import type { Cookies } from '@sveltejs/kit';
import { config } from '../config';
import { sessionCookieName } from './session';

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: number) {
	cookies.set(sessionCookieName(), token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: config().secure,
		expires: new Date(expiresAt)
	});
}

export function deleteSessionCookie(cookies: Cookies) {
	cookies.delete(sessionCookieName(), { path: '/', secure: config().secure });
}
