import type { PageServerLoad } from './$types';
import { m } from '$lib/paraglide/messages.js';

// Reached signed out, right after deleting an account: nothing here but the words.
export const load: PageServerLoad = async () => ({ pageTitle: m.account_deleted_title() });
