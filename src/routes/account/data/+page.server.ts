import type { PageServerLoad } from './$types';
import { requireUser } from '$lib/server/auth/guards';
import { config } from '$lib/server/config';
import { isFileDb } from '$lib/server/db';
import { DEVICE_SHARE_IDLE_MS } from '$lib/server/keys';
import { keptAbout } from '$lib/server/my-data';
import { DAY } from '$lib/server/retention';
import { m } from '$lib/paraglide/messages.js';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { sessionIdleMs, sessionAbsoluteMs } = config();
	return {
		userId: user.id,
		kept: await keptAbout(user.id),
		idleMinutes: sessionIdleMs / 60_000,
		absoluteHours: sessionAbsoluteMs / 3_600_000,
		deviceDays: DEVICE_SHARE_IDLE_MS / DAY,
		// On a libsql server, backups are the server operator's, not this app's.
		fileDb: isFileDb(),
		pageTitle: m.kept_title()
	};
};
