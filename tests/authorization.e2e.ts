import { expect, test } from '@playwright/test';
import { startApp, type App } from './support/app';
import { endpointName, endpoints, matchRoute, pages, pageServerRoutes } from './support/endpoints';
import {
	applySeed,
	b64,
	describeChanges,
	fingerprint,
	makeSeed,
	PEOPLE,
	type Person,
	type Seed,
	type SeedCase
} from './support/seed';
import {
	type Role,
	ROLES,
	FACILITATORS,
	PARTICIPANTS,
	MEMBERS,
	AGREEMENT_MEMBERS,
	ORG,
	SIGNED_IN,
	type Path,
	type Row,
	page,
	api,
	c1,
	envelopes,
	files,
	relays,
	meetingsOf,
	meeting,
	rsvp,
	meetingsPage,
	meetingForm,
	meetingField,
	agreementApi,
	agreementPage,
	agreementForm,
	ROWS
} from './support/routes';

/**
 * The authorization matrix: every role against every case resource and action, the way a
 * browser or a script would send it (pages, SvelteKit's `__data.json`, form actions plain and
 * enhanced, JSON endpoints). Allowed requests succeed; every other one is refused
 * (401/403/404, or sent to sign in), changes nothing in the database, and carries nothing its
 * asker may not see. The rows are in tests/support/routes.ts.
 */

let app: App;
let seed: Seed;

test.beforeAll(async () => {
	app = await startApp();
	seed = makeSeed();
	await applySeed(app.db, seed);
});
test.afterAll(async () => {
	await app.stop();
});

type Answer = {
	status: number;
	location: string | null;
	text: string;
	/** For `__data.json`: each node's data, read back from devalue's flat form (null: none). */
	data?: unknown[];
	/** The path and the body as sent, when text. */
	sent: string;
};

/** devalue's flat form (SvelteKit's `__data.json`) as plain values: all a load here returns. */
function unflatten(values: unknown[]): unknown {
	const at = (i: number): unknown => {
		if (i === -1) return undefined;
		const value = values[i];
		if (i < 0 || (Array.isArray(value) && typeof value[0] === 'string')) {
			throw new Error(`devalue: ${JSON.stringify(value ?? i)} is not read here`);
		}
		if (value === null || typeof value !== 'object') return value;
		if (Array.isArray(value)) return value.map((j) => at(j as number));
		return Object.fromEntries(Object.entries(value).map(([k, j]) => [k, at(j as number)]));
	};
	return at(0);
}

/** What a leak is looked for in: the answer, and `__data.json` read back into JSON. */
const searched = (a: Answer) => (a.data ? `${a.text}\n${JSON.stringify(a.data)}` : a.text);

/** Sends one row as `role`, and reads SvelteKit's JSON wrappers down to the status they carry. */
async function send(row: Row, role: Role): Promise<Answer> {
	const me = role === 'signedOut' ? null : seed.people[role];
	// Signed out, the body is one the lead could send: only the missing session may stop it.
	const fields = row.body?.(seed, me ?? seed.people.lead);
	const headers: Record<string, string> = {};
	if (me) headers.cookie = me.cookie;
	if (row.method !== 'GET') headers.origin = app.origin;
	let body: string | Blob | undefined;
	if (row.kind === 'action') {
		headers['content-type'] = 'application/x-www-form-urlencoded';
		headers.accept = row.enhanced ? 'application/json' : 'text/html';
		if (row.enhanced) headers['x-sveltekit-action'] = 'true';
		// An object of fields, or name-value pairs where a name repeats.
		body = new URLSearchParams(fields as Record<string, string> | string[][]).toString();
	} else if (fields instanceof Blob) {
		headers['content-type'] = 'application/octet-stream';
		body = fields;
	} else if (fields !== undefined) {
		headers['content-type'] = 'application/json';
		body = JSON.stringify(fields);
	}
	if (row.kind === 'page') headers.accept = 'text/html';
	const res = await fetch(app.origin + row.path(seed), {
		method: row.method,
		headers,
		body,
		redirect: 'manual'
	});
	const text = await res.text();
	const sent = `${row.path(seed)} ${typeof body === 'string' ? body : ''}`;
	const answer = { status: res.status, location: res.headers.get('location'), text, sent };
	if (res.status !== 200 || (row.kind !== 'data' && !row.enhanced)) return answer;
	const json = JSON.parse(text);
	if (json.type === 'redirect') {
		return { ...answer, status: json.status ?? 303, location: json.location };
	}
	if (row.kind === 'data') {
		type Node = { type?: string; status?: number; data?: unknown[] } | null;
		const nodes: Node[] = json.nodes ?? [];
		const failed = nodes.find((n) => n?.type === 'error');
		if (failed) return { ...answer, status: failed.status ?? 500 };
		// Flat, `"rsvp":"need_to_talk"` is two entries apart: read back, it is one string.
		const data = nodes.map((n) => (n?.type === 'data' && n.data ? unflatten(n.data) : null));
		return { ...answer, data };
	}
	// Enhanced actions: `success` and `failure` carry their status; `error` is in the HTTP status.
	return { ...answer, status: json.status ?? res.status };
}

const memberOf = (c: SeedCase, role: Role) => role !== 'signedOut' && c.members.includes(role);
const isOrg = (role: Role) => (ORG as readonly Role[]).includes(role);

/** Why this answer is wrong for this role, if it is. */
function verdict(row: Row, role: Role, allowed: boolean, { status, location }: Answer) {
	const redirected = status >= 300 && status < 400;
	const toSignIn = redirected && new URL(location ?? '', app.origin).pathname === '/signin';
	// A successful action may send the browser on (e.g. to the case list after withdrawing).
	const succeeded = (status >= 200 && status < 300) || (redirected && !toSignIn);
	const answered = `${status}${location ? ` to ${location}` : ''}`;
	if (allowed) return succeeded ? null : `allowed, but answered ${answered}`;
	if (succeeded) return `should be refused, but answered ${answered}`;
	if (role === 'signedOut') {
		return toSignIn || status === 401 || status === 404
			? null
			: `signed out: answered ${answered}, not sign-in or 401/404`;
	}
	const outsider =
		(row.scope === 'case' && !memberOf(seed.case1, role)) ||
		(row.scope === 'other-case' && !memberOf(seed.case2, role));
	if (outsider) {
		return status === 404 ? null : `outside the case: answered ${status}, not 404 as for no case`;
	}
	return [401, 403, 404, ...(row.alsoRefused ?? [])].includes(status)
		? null
		: `refused with ${status}, not 401/403/404`;
}

/** Ciphertext the asker may not read, and other cases' people and references, never come back. */
function leaks(row: Row, role: Role, refused: boolean, answer: Answer): string[] {
	const me = role === 'signedOut' ? null : seed.people[role].id;
	const text = searched(answer);
	const found: string[] = [];
	// A refused plain post answers with the page again, which is theirs to see if it is.
	const shown = !refused || (row.kind === 'action' && !row.enhanced && row.pageFor?.includes(role));
	for (const secret of seed.secrets) {
		const mayRead = !!shown && me !== null && secret.readers.includes(me);
		// What they sent coming back (a failed form names its meeting or poll) is no news to them.
		if (mayRead || answer.sent.includes(secret.value)) continue;
		if (text.includes(secret.value)) found.push('ciphertext not wrapped for them');
	}
	// Participants' account names: the program's people see them, a participant only their own.
	if (!isOrg(role)) {
		for (const p of PEOPLE) {
			if (p === role || isOrg(p) || !text.includes(seed.people[p].name)) continue;
			if (row.linkShows?.includes(p)) continue;
			found.push(`the account name of the ${p}`);
		}
	}
	for (const c of [seed.case1, seed.case2]) {
		if (role !== 'signedOut' && c.facilitators.includes(role)) continue;
		for (const name of c.formerNames) {
			if (text.includes(name)) found.push(`the name of someone who left case ${c.ref}`);
		}
		// An invite page shows its case's reference and the inviter's name to whoever holds it.
		if (memberOf(c, role) || (row.scope === 'link' && c === seed.case1)) continue;
		// What is kept about someone who left a case says which case still holds their record.
		const left = seed.rows.caseMembers.some(
			(m) => m.caseId === c.id && m.userId === me && m.status === 'withdrawn'
		);
		for (const marker of [c.ref, ...c.names]) {
			if (marker === c.ref && left && row.ownRecord) continue;
			if (text.includes(marker)) found.push(`"${marker}" from a case they are not in`);
		}
	}
	return [...new Set(found)];
}

/**
 * Opening a case's meetings or agreement page marks the asker's own news of it seen, by design
 * (a plain form post answers with that page too). Undone, so that alone counts as no change;
 * anyone else's news marked seen still does.
 */
async function unseeOwnNews(role: Role) {
	if (role === 'signedOut') return;
	for (const table of ['meeting_notices', 'agreement_news']) {
		await app.db.execute({
			sql: `UPDATE ${table} SET seen_at = NULL WHERE user_id = ? AND seen_at IS NOT NULL`,
			args: [seed.people[role].id]
		});
	}
}

/**
 * Reading a party's own words is recorded for its author (`input.fetched`), by design, once a
 * day. Undone after an allowed read, so that alone counts as no change.
 */
async function forgetOwnReads(role: Role) {
	if (role === 'signedOut') return;
	await app.db.execute({
		sql: "DELETE FROM audit_events WHERE action = 'input.fetched' AND actor_id = ?",
		args: [seed.people[role].id]
	});
}

/** Runs every cell; returns one line per wrong cell, naming the row and the role. */
async function runMatrix(
	cells: { row: Row; role: Role; allowed: boolean }[],
	reset = () => applySeed(app.db, seed)
) {
	const failures: string[] = [];
	let before = await fingerprint(app.db);
	for (const { row, role, allowed } of cells) {
		const answer = await send(row, role);
		if (row.marksNewsSeen) await unseeOwnNews(role);
		if (allowed && row.method === 'GET') await forgetOwnReads(role);
		const after = await fingerprint(app.db);
		const changes = describeChanges(before, after);
		const problems = [verdict(row, role, allowed, answer)];
		problems.push(...leaks(row, role, !allowed, answer));
		if (allowed && row.mutates) {
			if (changes.length === 0) problems.push('allowed, but changed nothing');
		} else if (changes.length > 0) {
			problems.push(`changed the database: ${changes.join('; ')}`);
		}
		const wrong = problems.filter((p): p is string => p !== null);
		if (wrong.length > 0) failures.push(`${row.name} × ${role}: ${wrong.join('; ')}`);
		// Each cell starts from the seed: a change (allowed or not) is undone before the next.
		if (changes.length > 0) {
			await reset();
			before = await fingerprint(app.db);
		} else {
			before = after;
		}
	}
	return failures;
}

test('every role against every case resource: only the allowed succeed, the rest change nothing', async () => {
	// Every role against every row, guessed and other-case ids too, each checked for changes:
	// minutes on a slow or busy machine.
	test.setTimeout(300_000);
	// The markers are found where they are meant to be, so their absence elsewhere means something.
	const rule = { scope: 'case', allowed: MEMBERS } as const;
	const notesPath = (s: Seed) => `${envelopes(s)}?kind=facilitator-notes`;
	const listed = await send(api('GET', 'notes', notesPath, rule), 'coFacilitator');
	expect(listed.text).toContain(seed.objects.notes.body);
	expect(listed.text).toContain(seed.objects.notes.wraps[seed.people.coFacilitator.id]);
	const [casePageRow] = page('case page', (s) => `/cases/${c1(s)}`, rule);
	const casePage = await send(casePageRow as Row, 'lead');
	for (const marker of [seed.case1.ref, ...seed.case1.names, ...seed.case1.formerNames]) {
		expect(casePage.text).toContain(marker);
	}
	const found: [Role, Path, string[]][] = [
		[
			'survivor',
			(s) => `${envelopes(s)}?kind=conversation&subject=${s.people.survivor.id}`,
			[seed.objects.survivorMessage.body, seed.objects.relayProposal.body, seed.letter.id]
		],
		['lead', (s) => `${files(s)}/${s.letter.id}/chunks/0`, seed.letter.chunks],
		['survivor', relays, [seed.relay.id, seed.objects.relayProposal.objectId]],
		['responsible', relays, [seed.approvedRelay.id]],
		[
			'coFacilitator',
			meetingsOf,
			[
				...(['preparation', 'readiness', 'cancelled'] as const).map((m) => seed.meetings[m].id),
				...[seed.polls.open, seed.polls.closed].flatMap((p) => [p.id, String(p.answeredAt)]),
				'"rsvp":"need_to_talk"',
				seed.people.withdrawn.caseName ?? ''
			]
		],
		[
			'survivor',
			meetingsOf,
			[seed.meetings.preparation.id, seed.polls.open.id, String(seed.polls.open.answeredAt)]
		],
		['supporter', () => '/api/meetings', [seed.meetings.preparation.id]],
		['supporter', (s) => `${envelopes(s)}?kind=meeting`, [seed.objects.preparationDetails.body]],
		[
			'responsible',
			meetingsOf,
			[seed.meetings.cancelled.id, seed.polls.closed.id, String(seed.polls.closed.answeredAt)]
		],
		// The agreement: all of it to facilitators, each party its own answers and check-ins.
		[
			'lead',
			agreementApi,
			[
				seed.agreement.id,
				...Object.values(seed.agreement.items).map((i) => i.itemId),
				...seed.agreement.versions.map((v) => v.digest),
				...Object.values(seed.agreement.checkIns),
				`"userId":"${seed.people.survivor.id}","decision":"approve"`
			]
		],
		[
			'survivor',
			agreementApi,
			[
				seed.agreement.checkIns.passedOn,
				`"userId":"${seed.people.survivor.id}","decision":"approve"`
			]
		],
		['responsible', agreementApi, [seed.agreement.id, seed.agreement.checkIns.kept]],
		[
			'responsible',
			(s) => `${envelopes(s)}?kind=agreement,check-in`,
			[seed.objects.amendmentText.body, seed.objects.checkIn.body]
		]
	];
	for (const [role, path, markers] of found) {
		const { text } = await send(api('GET', 'markers', path, rule), role);
		for (const marker of markers) expect(text).toContain(marker);
	}
	// The pages carry the same: everyone's answer as script in the page, as JSON once read back.
	for (const [who, path] of [
		['coFacilitator', meetingsPage],
		['lead', () => '/meetings']
	] as const) {
		for (const row of page('markers', path, rule)) {
			const text = searched(await send(row, who));
			const rsvp = row.kind === 'page' ? 'rsvp:"need_to_talk"' : '"rsvp":"need_to_talk"';
			const meetings = (['preparation', 'readiness', 'cancelled'] as const).map(
				(m) => seed.meetings[m].id
			);
			for (const marker of [...meetings, rsvp])
				expect(text, `${who}: ${path(seed)}`).toContain(marker);
		}
	}
	for (const row of page('markers', agreementPage, rule)) {
		const text = searched(await send(row, 'coFacilitator'));
		const approval =
			row.kind === 'page' ? 'userId:"%s",decision:"approve"' : '"userId":"%s","decision":"approve"';
		for (const marker of [seed.agreement.id, approval.replace('%s', seed.people.survivor.id)])
			expect(text, `agreement ${row.kind}`).toContain(marker);
	}
	const pollPage = searched(await send(page('markers', meetingsPage, rule)[1] as Row, 'lead'));
	for (const p of [seed.polls.open, seed.polls.closed]) {
		for (const marker of [p.id, String(p.answeredAt)]) expect(pollPage).toContain(marker);
	}

	// Opening the pages above marked some news seen: every cell starts from the seed.
	await applySeed(app.db, seed);
	const cells = ROWS.flatMap((row) =>
		ROLES.map((role) => ({
			row,
			role,
			allowed: (row.bug?.allowedNow ?? row.allowed).includes(role)
		}))
	);
	const failures = await runMatrix(cells);
	expect(failures, failures.join('\n')).toEqual([]);
});

const BUGS = ROWS.filter((row) => row.bug);
if (BUGS.length > 0) {
	// Known bugs, as DESIGN says it should be: this fails until they are fixed, then the
	// `bug` entries go (Playwright reports a test.fail that passes as a failure).
	test.fail('known bugs, as DESIGN says it should be (expected to fail until fixed)', async () => {
		const cells = BUGS.flatMap((row) =>
			ROLES.filter((role) => row.allowed.includes(role) !== row.bug?.allowedNow.includes(role)).map(
				(role) => ({ row, role, allowed: row.allowed.includes(role) })
			)
		);
		const failures = await runMatrix(cells);
		expect(failures, failures.join('\n')).toEqual([]);
	});
}

test("a participant's conversation list names only their own conversation", async () => {
	const rows = page('my conversations', () => '/messages', { scope: 'app', allowed: SIGNED_IN });
	const others = (me: Person) => [...PARTICIPANTS, 'withdrawn' as const].filter((p) => p !== me);
	for (const row of rows) {
		for (const role of PARTICIPANTS) {
			const { status, text } = await send(row, role);
			expect(status).toBe(200);
			expect(text).toContain(seed.people[role].id);
			for (const p of others(role)) {
				expect(text, `${row.name} × ${role}: the ${p}`).not.toContain(seed.people[p].id);
				expect(text, `${row.name} × ${role}: the ${p}`).not.toContain(seed.people[p].caseName);
			}
		}
		// Facilitators have one with every participant present (none with someone who left).
		for (const role of FACILITATORS) {
			const { text } = await send(row, role);
			for (const p of PARTICIPANTS) expect(text).toContain(seed.people[p].id);
			expect(text).not.toContain(seed.people.withdrawn.id);
		}
	}
});

test("each person's meetings and polls: only their invitations, and only their own answers (API and pages)", async () => {
	const { preparation, readiness, cancelled } = seed.meetings;
	const { open, closed } = seed.polls;
	// What each is invited to, in time order (polls in the order they were opened).
	const theirs: Partial<Record<Person, [string[], string[]]>> = {
		survivor: [[preparation.id], [open.id]],
		supporter: [[preparation.id], [open.id]],
		responsible: [[cancelled.id], [closed.id]],
		community: [[], []]
	};
	const all: [string[], string[]] = [
		[readiness.id, preparation.id, cancelled.id],
		[closed.id, open.id]
	];
	const rule = { scope: 'case', allowed: MEMBERS } as const;
	const get = async (role: Role, path: Path) => {
		const { status, text } = await send(api('GET', 'meetings', path, rule), role);
		expect(status, `${role}: ${path(seed)}`).toBe(200);
		return JSON.parse(text);
	};
	/** A page's own data, as its `__data.json` carries it. */
	const pageData = async (role: Role, path: Path) => {
		const { status, data } = await send(page('meetings', path, rule)[1] as Row, role);
		expect(status, `${role}: ${path(seed)}`).toBe(200);
		return data?.at(-1) as { meetings: Seen[]; polls: Seen[] };
	};
	type Invitee = { userId: string; rsvp?: string; answers?: unknown; answeredAt?: unknown };
	type Seen = { id: string; myRsvp: string | null; invitees: Invitee[] };
	for (const role of [...PARTICIPANTS, ...FACILITATORS]) {
		const me = seed.people[role].id;
		const facilitator = (FACILITATORS as readonly Role[]).includes(role);
		const [meetingIds, pollIds] = theirs[role] ?? all;
		const inCase = await get(role, meetingsOf);
		const mine = await get(role, () => '/api/meetings');
		const casePage = await pageData(role, meetingsPage);
		const myPage = await pageData(role, () => '/meetings');
		for (const [where, list] of [
			['case', inCase.meetings],
			['app', mine.meetings],
			['case page', casePage.meetings],
			['meetings page', myPage.meetings]
		] as const) {
			const seen = list as Seen[];
			expect(
				seen.map((m) => m.id),
				`${role}: meetings (${where})`
			).toEqual(meetingIds);
			for (const m of seen) {
				const invitees = m.invitees.map((i) => i.userId);
				// Someone who left is named to the facilitators only.
				expect(invitees.includes(seed.people.withdrawn.id), `${role}: ${m.id}`).toBe(
					facilitator && m.id === cancelled.id
				);
				// Everyone's answer to the facilitators; to anyone else, only their own.
				for (const i of m.invitees) expect(i.rsvp === undefined).toBe(!facilitator);
				const own = seed.rows.meetingInvitees.find((i) => i.meetingId === m.id && i.userId === me);
				expect(m.myRsvp).toBe(own?.rsvp ?? null);
			}
		}
		for (const [where, list] of [
			['case', inCase.polls],
			['case page', casePage.polls]
		] as const) {
			const polls = list as Seen[];
			expect(
				polls.map((p) => p.id),
				`${role}: polls (${where})`
			).toEqual(pollIds);
			for (const p of polls) {
				for (const i of p.invitees) {
					const shown = i.answers !== undefined || i.answeredAt !== undefined;
					expect(shown, `${role}: answers of ${i.userId} in ${p.id} (${where})`).toBe(
						facilitator || i.userId === me
					);
					if (!facilitator) expect(i.userId).not.toBe(seed.people.withdrawn.id);
				}
			}
		}
	}
	// Not invited, a member cannot tell a cancelled meeting from none; its invitees are told.
	const answer = api('POST', 'answer', (s) => meeting(s, 'cancelled'), {
		body: rsvp,
		scope: 'case',
		allowed: []
	});
	for (const role of ['responsible', 'coFacilitator', 'survivor', 'lead'] as const) {
		const invitee = seed.rows.meetingInvitees.some(
			(i) => i.meetingId === cancelled.id && i.userId === seed.people[role].id
		);
		expect((await send(answer, role)).status, role).toBe(invitee ? 409 : 404);
	}
	// People in no case of theirs with meetings hear of none.
	for (const role of ['admin', 'otherFacilitator', 'withdrawn'] as const) {
		expect((await get(role, () => '/api/meetings')).meetings).toEqual([]);
		expect((await pageData(role, () => '/meetings')).meetings).toEqual([]);
	}
	// Not invited, the meetings page's forms say no more than the API (404 as for none).
	const [rsvpForm] = meetingForm('rsvp', 'rsvp', meetingField('cancelled', { rsvp: 'attending' }), {
		scope: 'case',
		allowed: []
	}).filter((r) => r.enhanced);
	for (const role of ['responsible', 'coFacilitator', 'survivor', 'lead'] as const) {
		const invitee = ['responsible', 'coFacilitator'].includes(role);
		expect((await send(rsvpForm as Row, role)).status, role).toBe(invitee ? 409 : 404);
	}
});

test("each person's view of the agreement: a survivor's answers and the check-ins only to whom they are for (API and page)", async () => {
	await applySeed(app.db, seed);
	const { agreement } = seed;
	const { survivor } = seed.people;
	type View = {
		id: string | null;
		versions: { version: number; approvals: { userId: string }[]; consents: unknown[] }[];
		inForce: number | null;
		followUp: { itemId: string; progress: unknown }[];
		checkIns: { id: string; passedOn: string[] }[];
		me: { mayRead: boolean };
	};
	const rule = { scope: 'case', allowed: AGREEMENT_MEMBERS } as const;
	const views = async (role: Role): Promise<View[]> => {
		const fromApi = await send(api('GET', 'agreement', agreementApi, rule), role);
		expect(fromApi.status, role).toBe(200);
		const data = await send(page('agreement', agreementPage, rule)[1] as Row, role);
		expect(data.status, role).toBe(200);
		const fromPage = (data.data?.at(-1) as { agreement: View }).agreement;
		return [JSON.parse(fromApi.text).agreement as View, fromPage];
	};
	const approvalsBy = (v: View) => v.versions.map((x) => x.approvals.map((a) => a.userId));
	const items = agreement.versions.map((v) => v.items.map(() => survivor.id));
	const { kept, passedOn } = agreement.checkIns;
	for (const view of [...(await views('lead')), ...(await views('coFacilitator'))]) {
		expect(view.id).toBe(agreement.id);
		expect(view.inForce).toBe(1);
		expect(approvalsBy(view)).toEqual(items);
		expect(view.checkIns.map((c) => [c.id, c.passedOn])).toEqual([
			[passedOn, [survivor.id]],
			[kept, []]
		]);
	}
	// The survivor: her own answers; of the check-ins, only the one passed on to her.
	for (const view of await views('survivor')) {
		expect(approvalsBy(view)).toEqual(items);
		expect(view.checkIns.map((c) => [c.id, c.passedOn])).toEqual([[passedOn, []]]);
		expect(view.followUp.map((f) => f.itemId).sort()).toEqual(
			[agreement.items.boundary.itemId, agreement.items.apology.itemId].sort()
		);
	}
	// The responsible party: none of her answers (only that every item is approved), and their
	// own check-ins without who else has them.
	for (const view of await views('responsible')) {
		expect(view.id).toBe(agreement.id);
		expect(approvalsBy(view)).toEqual([[], []]);
		expect(view.checkIns.map((c) => [c.id, c.passedOn])).toEqual([
			[passedOn, []],
			[kept, []]
		]);
		for (const f of view.followUp) expect(f.progress).not.toBeNull();
	}
	// The supporter: the survivor has not let her supporter read it, so there is nothing to see.
	for (const view of await views('supporter')) {
		expect(view).toMatchObject({
			id: null,
			versions: [],
			inForce: null,
			followUp: [],
			checkIns: [],
			me: { mayRead: false }
		});
	}
	// Once she chooses less than every update, the check-in passed on to her is taken back.
	const [lower] = agreementForm('choices', 'lower', () => ({ followUp: 'milestones' }), {
		scope: 'case',
		allowed: ['survivor']
	}).filter((r) => r.enhanced);
	expect((await send(lower as Row, 'survivor')).status).toBe(200);
	for (const view of await views('survivor')) expect(view.checkIns).toEqual([]);
	await applySeed(app.db, seed);
});

test("the home page's meeting news and polls to answer: each person's own", async () => {
	// From the seed again: opening a case's meetings page marks its news seen.
	await applySeed(app.db, seed);
	const at = `/cases/${seed.case1.id}/meetings`;
	// Unseen notices (scheduled, cancelled) and open polls not yet answered, per person. The
	// lead is in the poll as its planner: facilitators are never asked to answer for times.
	const expected: Record<Person, string[]> = {
		admin: [],
		lead: [],
		coFacilitator: [],
		otherFacilitator: [],
		survivor: ['meeting scheduled 1'],
		supporter: ['meeting scheduled 1', 'poll 1'],
		responsible: ['meeting cancelled 1'],
		community: [],
		withdrawn: []
	};
	type Item = { kind: string; change?: string; count?: number; href: string };
	const home = page('home', () => '/home', { scope: 'app', allowed: SIGNED_IN })[1] as Row;
	for (const role of PEOPLE) {
		const { status, data } = await send(home, role);
		expect(status, role).toBe(200);
		const { items } = (data?.at(-1) as { waiting: { items: Item[] } }).waiting;
		const about = items.filter((i) => i.kind === 'meeting' || i.kind === 'poll');
		for (const i of about) expect(i.href, role).toBe(at);
		const told = about.map((i) => [i.kind, i.change, i.count].filter((x) => x !== undefined));
		expect(told.map((t) => t.join(' ')).sort(), role).toEqual(expected[role]);
	}
});

/**
 * Routes with an id in the path that the matrix leaves to a test of their own, and why. Every
 * other one (endpoint, form action or page) must be a row: a new one fails the test below.
 */
const NOT_IN_MATRIX: Record<string, string> = {
	'DELETE /api/keys/devices/[id]':
		"forgetting a device that is not one's own changes nothing and answers as if it did (see below)"
};

/** Which endpoint, form action or page each row is, by its route. */
function coveredRoutes(): Set<string> {
	const all = endpoints();
	const apiRoutes = all.filter((e) => e.kind === 'api').map((e) => e.route);
	const actionRoutes = all.filter((e) => e.kind === 'action').map((e) => e.route);
	const pageRoutes = [...new Set([...pages(), ...pageServerRoutes()])];
	const covered = new Set<string>();
	for (const row of ROWS) {
		const path = row.path(seed);
		if (row.kind === 'api') {
			const m = matchRoute(path, apiRoutes);
			if (m) covered.add(`${row.method} ${m.route}`);
		} else if (row.kind === 'action') {
			const m = matchRoute(path, actionRoutes);
			const query = path.split('?')[1] ?? '';
			if (m) covered.add(`${m.route}?/${query.startsWith('/') ? query.slice(1) : 'default'}`);
		} else {
			const m = matchRoute(path, pageRoutes);
			if (m) covered.add(`page ${m.route}`);
		}
	}
	return covered;
}

test('every route with an id in its path is in the matrix', () => {
	const covered = coveredRoutes();
	const withIds = [
		...endpoints().map(endpointName),
		...[...new Set([...pages(), ...pageServerRoutes()])].map((r) => `page ${r}`)
	].filter((name) => name.includes('['));
	const missing = withIds.filter((name) => !covered.has(name) && !NOT_IN_MATRIX[name]);
	expect(missing, 'add rows to tests/support/routes.ts for').toEqual([]);
	for (const name of Object.keys(NOT_IN_MATRIX)) expect(withIds).toContain(name);
});

test("a remembered device is forgotten only by its owner; anyone else's try changes nothing", async () => {
	await applySeed(app.db, seed);
	const forget = api('DELETE', 'forget', (s) => `/api/keys/devices/${s.device.id}`, {
		scope: 'app',
		allowed: ['survivor']
	});
	const before = await fingerprint(app.db);
	for (const role of ROLES.filter((r) => r !== 'survivor')) {
		const { status, text } = await send(forget, role);
		expect([200, 401], role).toContain(status);
		expect(text).not.toContain(seed.device.share);
	}
	expect(describeChanges(before, await fingerprint(app.db))).toEqual([]);
	expect((await send(forget, 'survivor')).status).toBe(200);
	const gone = describeChanges(before, await fingerprint(app.db));
	expect(gone.some((c) => c.startsWith('device_shares:'))).toBe(true);
	await applySeed(app.db, seed);
});

/** Ids of things in case 1 (not the case's own id, nor names every case has: summary, notes). */
function caseOneIds(s: Seed): string[] {
	const ids = [
		...Object.values(s.meetings).flatMap((m) => (typeof m === 'object' ? [m.id] : [])),
		...[s.polls.open, s.polls.closed, s.relay, s.approvedRelay, s.invite, s.facilitatorInvite].map(
			(x) => x.id
		),
		s.agreement.id,
		...Object.values(s.agreement.items).map((i) => i.itemId),
		...Object.values(s.agreement.checkIns),
		s.letter.id,
		s.upload.id,
		s.pendingAdd.id,
		...Object.values(s.objects)
			.filter((o) => o.caseId === s.case1.id && !['summary', 'notes'].includes(o.objectId))
			.map((o) => o.objectId)
	];
	return [...new Set(ids)];
}

/** A row with `from` replaced by `to` wherever it appears: path, fields and JSON. */
function swapped(row: Row, from: string, to: string, name: string, rule: Partial<Row>): Row {
	const swap = (text: string) => text.split(from).join(to);
	const body = row.body;
	return {
		...row,
		...rule,
		name: `${row.name} ${name}`,
		path: (s) => swap(row.path(s)),
		body: body
			? (s, me) => {
					const b = body(s, me);
					return b instanceof Blob ? b : JSON.parse(swap(JSON.stringify(b)));
				}
			: undefined
	};
}

/** Whether a row names `id` in its path or body (as the lead would send it). */
const mentions = (row: Row, id: string) => {
	const body = row.body?.(seed, seed.people.lead);
	return (
		row.path(seed).includes(id) ||
		(!(body instanceof Blob) && JSON.stringify(body ?? '').includes(id))
	);
};

function swapCase(id: string) {
	return [...id].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}

test('a guessed id, or a real one in other letter case, is refused where the real one is allowed, and changes nothing', async () => {
	test.setTimeout(180_000);
	await applySeed(app.db, seed);
	const ids = caseOneIds(seed);
	const guessed = b64(22);
	const cells = ROWS.filter((row) => row.scope === 'case').flatMap((row) => {
		const id = ids.find((x) => mentions(row, x));
		if (!id) return [];
		const rule = { allowed: [], alsoRefused: [400, 409, ...(row.alsoRefused ?? [])] } as const;
		const variants = [
			swapped(row, id, guessed, '[a guessed id]', rule),
			swapped(row, id, swapCase(id), '[an id in other letter case]', rule)
		];
		// Those the real id lets in, a facilitator and a party: the rest meet the real one refused.
		const roles = [...new Set<Role>([...row.allowed, 'lead', 'survivor'])];
		return variants.flatMap((variant) =>
			roles.map((role) => ({ row: variant, role, allowed: false }))
		);
	});
	expect(cells.length).toBeGreaterThan(200);
	const failures = await runMatrix(cells);
	expect(failures, failures.join('\n')).toEqual([]);
});

test("another case's ids, asked through a case the asker is also in, are refused and change nothing", async () => {
	test.setTimeout(180_000);
	// The lead facilitates case 2 too, and the survivor is a survivor there as well.
	const both = ['lead', 'survivor'] as const;
	const joinCaseTwo = async () => {
		await applySeed(app.db, seed);
		for (const p of both) {
			const person = seed.people[p];
			await app.db.execute({
				sql: `INSERT INTO case_members (case_id, user_id, role, display_name, fp, joined_at, status_at)
					VALUES (?, ?, ?, ?, ?, ?, ?)`,
				args: [
					seed.case2.id,
					person.id,
					p === 'lead' ? 'facilitator' : 'survivor',
					person.caseName ?? '',
					person.fp,
					seed.now,
					seed.now
				]
			});
		}
	};
	const case2 = seed.case2;
	seed.case2 = {
		...case2,
		members: [...case2.members, ...both],
		facilitators: [...case2.facilitators, 'lead'],
		names: [...case2.names, ...both.map((p) => seed.people[p].caseName ?? '')]
	};
	try {
		await joinCaseTwo();
		const ids = caseOneIds(seed);
		const c1Id = seed.case1.id;
		const rule = (row: Row) =>
			({
				scope: 'other-case',
				allowed: [],
				alsoRefused: [400, 409, ...(row.alsoRefused ?? [])],
				pageFor: row.pageFor ? both : undefined
			}) as const;
		const rows = [
			// Case 1's things through case 2: the rows that do so already (not those about case 1's
			// people, whom case 2 now has too)...
			...ROWS.filter(
				(row) =>
					row.scope === 'other-case' &&
					row.allowed.length === 0 &&
					ids.some((id) => mentions(row, id))
			).map((row) => ({ ...row, ...rule(row) })),
			// ...and every row about one of case 1's things, sent to case 2's address instead.
			...ROWS.filter(
				(row) =>
					row.scope === 'case' &&
					row.path(seed).includes(c1Id) &&
					ids.some((id) => mentions(row, id))
			).map((row) => swapped(row, c1Id, seed.case2.id, '[through case 2]', rule(row)))
		];
		expect(rows.length).toBeGreaterThan(100);
		const cells = rows.flatMap((row) => both.map((role) => ({ row, role, allowed: false })));
		const failures = await runMatrix(cells, joinCaseTwo);
		expect(failures, failures.join('\n')).toEqual([]);
	} finally {
		seed.case2 = case2;
		await applySeed(app.db, seed);
	}
});
