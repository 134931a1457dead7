import type { SessionUser } from '$lib/server/auth/session';

declare global {
	namespace App {
		interface Error {
			message: string;
			code?: string;
		}
		interface Locals {
			user: SessionUser | null;
			sessionId: string | null;
			// A session cookie came in but its session had ended (expired or signed out elsewhere).
			sessionEnded: boolean;
			// Set by handleError when the database could not be reached, so the answer is a 503.
			databaseUnavailable?: boolean;
		}
	}
}

export {};
