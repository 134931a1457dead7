import { createClient, type Client, type InStatement, type Transaction } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { createHash } from 'node:crypto';
import { refreshUnreadOf } from '../src/lib/server/unread';
import type { Db } from '../src/lib/server/db';

/**
 * A large organization written straight into a database file, in the shapes the app writes
 * (real rows, fake ciphertext of realistic sizes: the server never opens it). At scale 1:
 * 10,000 cases, 100 facilitators, about 50,000 participants, 100,000 agreement items and
 * 1,000,000 audit events, with members, logs, envelopes and their wraps, conversations,
 * meetings, polls, notices and news in proportion. Deterministic for a given seed.
 *
 * Facilitator 0 is the busy one: lead of 1.5% of all cases on top of an even share (about 350
 * cases at scale 1). Written with multi-row inserts inside large transactions.
 */

export type OrgOptions = { scale?: number; now?: number; seed?: number };
export type OrgInfo = {
	file: string;
	now: number;
	scale: number;
	seconds: number;
	rows: Record<string, number>;
	/** The busy facilitator, their cases (open / all), and a case of theirs to open. */
	facilitatorId: string;
	facilitatorCases: { open: number; all: number };
	caseId: string;
	caseItems: number;
	/** The survivor of that case, and the admin (in no case). */
	survivorId: string;
	adminId: string;
};

const DAY = 86_400_000;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const REF_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const STAGES = ['referral', 'preparation', 'circle', 'agreement', 'follow-up'] as const;
const ITEM_KINDS = [
	'apology',
	'restitution',
	'counselling',
	'education',
	'boundary',
	'community-service',
	'custom'
] as const;
const AUDIT_ACTIONS = [
	'session.created',
	'case.stage_changed',
	'envelope.stored',
	'input.fetched',
	'meeting.scheduled',
	'meeting.rsvp',
	'agreement.drafted',
	'agreement.item_status',
	'checkin.created',
	'case.member_joined'
];

/** mulberry32: small, fast, and the same org every time. */
function prng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Row = (string | number | null)[];

/** Buffers rows per table and writes them as multi-row INSERTs on the open transaction. */
class Writer {
	private buffers = new Map<string, { cols: string[]; rows: Row[] }>();
	private pending: InStatement[] = [];
	readonly counts: Record<string, number> = {};
	private tx: Transaction | null = null;

	constructor(private client: Client) {}

	async begin() {
		this.tx = await this.client.transaction('write');
	}

	add(table: string, cols: string[], row: Row) {
		let b = this.buffers.get(table);
		if (!b) {
			b = { cols, rows: [] };
			this.buffers.set(table, b);
		}
		b.rows.push(row);
		this.counts[table] = (this.counts[table] ?? 0) + 1;
		// SQLite takes up to 32,766 parameters per statement. Every table is flushed together, in
		// the order tables were first seen (parents first), so no reference waits for its row:
		// an outstanding deferred violation would make SQLite search child tables on each insert.
		if (b.rows.length * cols.length >= 30_000) this.flushAll();
	}

	private flushAll() {
		for (const t of this.buffers.keys()) this.flushTable(t);
	}

	private flushTable(table: string) {
		const b = this.buffers.get(table);
		if (!b || b.rows.length === 0) return;
		const one = `(${b.cols.map(() => '?').join(',')})`;
		this.pending.push({
			sql: `INSERT INTO ${table} (${b.cols.join(',')}) VALUES ${b.rows.map(() => one).join(',')}`,
			args: b.rows.flat()
		});
		b.rows = [];
	}

	/** Writes everything buffered, parents before children. */
	async drain() {
		this.flushAll();
		const tx = this.tx;
		if (!tx) throw new Error('no transaction');
		for (const s of this.pending.splice(0)) {
			await tx.execute(s);
			// libsql frees a statement's native memory in a finalizer that runs only once the
			// event loop turns: without this the seeder holds gigabytes it no longer needs.
			await new Promise((resolve) => setImmediate(resolve));
		}
	}

	async commit() {
		await this.drain();
		await this.tx?.commit();
		this.tx = null;
	}
}

export async function seedOrg(file: string, options: OrgOptions = {}): Promise<OrgInfo> {
	const started = performance.now();
	const scale = options.scale ?? 1;
	const now = options.now ?? Date.now();
	const main = prng(options.seed ?? 20_240_601);
	// Each case draws from its own generator seeded from the main one: details that depend on
	// the clock (is this meeting past yet?) then cannot change the cases that follow.
	let rnd = main;
	const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
	const chance = (p: number) => rnd() < p;
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
	const id = () => {
		let s = '';
		for (let i = 0; i < 22; i++) s += ALPHABET[Math.floor(rnd() * 64)];
		return s;
	};
	// Ciphertext: slices of one random string (the server stores it and never looks inside).
	let pool = '';
	for (let i = 0; i < 65_536; i++) pool += ALPHABET[Math.floor(rnd() * 64)];
	const b64 = (n: number) => {
		const at = Math.floor(rnd() * (pool.length - n));
		return pool.slice(at, at + n);
	};
	const fp = () => b64(43);
	const usedRefs = new Set<string>();
	const ref = () => {
		for (;;) {
			let s = 'C-';
			for (let i = 0; i < 6; i++) s += REF_ALPHABET[Math.floor(rnd() * REF_ALPHABET.length)];
			if (!usedRefs.has(s)) {
				usedRefs.add(s);
				return s;
			}
		}
	};
	const ago = (days: number) => now - Math.round(days * DAY);
	const dayOf = (t: number) => t - (t % DAY);

	const client = createClient({ url: `file:${file}` });
	await client.execute('PRAGMA journal_mode=WAL');
	await migrate(drizzle(client), { migrationsFolder: 'drizzle' });
	await client.execute('PRAGMA synchronous=OFF');
	const w = new Writer(client);
	await w.begin();

	const cols = {
		users: ['id', 'display_name', 'org_role', 'status', 'created_at'],
		identities: ['user_id', 'key_version', 'box_pk', 'sign_pk', 'created_at'],
		passkeys: ['id', 'user_id', 'public_key', 'counter', 'transports', 'name', 'created_at'],
		key_wraps: ['id', 'user_id', 'kind', 'wrap_id', 'salt', 'box', 'created_at'],
		personal_envelopes: [
			'user_id',
			'object_id',
			'kind',
			'version',
			'deleted',
			'header',
			'body',
			'wrap',
			'size',
			'updated_at'
		],
		cases: ['id', 'ref', 'lead_id', 'created_by', 'created_at', 'outcome', 'closed_at'],
		case_members: [
			'case_id',
			'user_id',
			'role',
			'supports',
			'display_name',
			'fp',
			'status',
			'joined_at',
			'status_at',
			'mode',
			'joint_consent',
			'mode_shown',
			'choices_at',
			'approve_by',
			'follow_up'
		],
		case_events: ['case_id', 'at', 'actor_id', 'kind', 'value'],
		case_log: ['case_id', 'seq', 'entry', 'created_at'],
		case_pending: ['id', 'case_id', 'user_id', 'change', 'created_at'],
		links: [
			'id',
			'token_hash',
			'kind',
			'created_by',
			'user_id',
			'created_at',
			'expires_at',
			'used_at'
		],
		case_invites: ['link_id', 'case_id', 'role', 'supports'],
		case_envelopes: [
			'case_id',
			'object_id',
			'version',
			'kind',
			'author_id',
			'subject',
			'deleted',
			'header',
			'body',
			'size',
			'created_at'
		],
		case_wraps: ['case_id', 'object_id', 'version', 'reader_id', 'wrapper_id', 'box'],
		case_seen: ['user_id', 'case_id', 'object_id', 'version', 'seen_at'],
		case_notices: ['case_id', 'user_id', 'kind', 'created_at', 'seen_by', 'seen_at'],
		meetings: [
			'id',
			'case_id',
			'kind',
			'starts_at',
			'duration_min',
			'time_zone',
			'status',
			'created_by',
			'created_at',
			'changed_at'
		],
		meeting_invitees: ['meeting_id', 'user_id', 'rsvp', 'rsvp_at'],
		meeting_notices: [
			'case_id',
			'meeting_id',
			'user_id',
			'kind',
			'about_id',
			'created_at',
			'seen_at'
		],
		meeting_polls: [
			'id',
			'case_id',
			'kind',
			'duration_min',
			'time_zone',
			'status',
			'created_by',
			'created_at'
		],
		poll_slots: ['poll_id', 'idx', 'starts_at'],
		poll_invitees: ['poll_id', 'user_id', 'answered_at'],
		poll_answers: ['poll_id', 'user_id', 'idx', 'answer'],
		agreements: ['id', 'case_id', 'created_by', 'created_at'],
		agreement_versions: [
			'agreement_id',
			'version',
			'digest',
			'prev_digest',
			'log_seq',
			'log_hash',
			'created_by',
			'created_at',
			'in_force_at'
		],
		agreement_items: [
			'agreement_id',
			'version',
			'item_id',
			'kind',
			'owner_id',
			'due',
			'repeat_every',
			'repeat_count'
		],
		agreement_signers: ['agreement_id', 'version', 'user_id', 'role', 'fp'],
		agreement_consents: [
			'agreement_id',
			'version',
			'user_id',
			'role',
			'method',
			'decision',
			'signature',
			'at'
		],
		item_approvals: ['agreement_id', 'version', 'item_id', 'user_id', 'decision', 'at'],
		item_statuses: ['agreement_id', 'item_id', 'status', 'actor_id', 'at'],
		check_ins: ['id', 'case_id', 'agreement_id', 'item_id', 'author_id', 'created_at'],
		agreement_news: ['case_id', 'user_id', 'kind', 'level', 'item_id', 'created_at', 'seen_at'],
		audit_events: ['at', 'actor_id', 'action', 'object_type', 'object_id', 'case_id', 'subject_id'],
		sessions: ['id', 'user_id', 'created_at', 'last_active_at', 'expires_at'],
		settings: ['key', 'value']
	};

	/** A person with an account, keys, a passkey and their personal state. */
	const fps = new Map<string, string>();
	function addUser(name: string, orgRole: string | null, createdAt: number) {
		const userId = id();
		fps.set(userId, fp());
		w.add('users', cols.users, [userId, name, orgRole, 'active', createdAt]);
		w.add('identities', cols.identities, [userId, 1, b64(43), b64(43), createdAt]);
		const credential = id();
		w.add('passkeys', cols.passkeys, [
			credential,
			userId,
			b64(77),
			3,
			'["internal"]',
			'Phone',
			createdAt
		]);
		w.add('key_wraps', cols.key_wraps, [
			id(),
			userId,
			'prf',
			credential,
			b64(43),
			b64(200),
			createdAt
		]);
		w.add('key_wraps', cols.key_wraps, [
			id(),
			userId,
			'recovery',
			id(),
			b64(43),
			b64(200),
			createdAt
		]);
		w.add('personal_envelopes', cols.personal_envelopes, [
			userId,
			'personal-state',
			'personal-state',
			int(1, 40),
			0,
			b64(240),
			b64(600),
			b64(150),
			450,
			createdAt
		]);
		return userId;
	}

	w.add('settings', cols.settings, ['deployment.id', id()]);
	w.add('settings', cols.settings, ['org.name', 'Bench Circle Program']);
	const adminId = addUser('Admin', 'admin', ago(800));
	const facilitatorCount = Math.max(4, Math.round(100 * Math.min(1, scale * 10)));
	const facilitators = Array.from({ length: facilitatorCount }, (_, i) =>
		addUser(`Facilitator ${i}`, 'facilitator', ago(790 - i))
	);
	const busy = facilitators[0]!;
	let busyOpen = 0;
	let busyAll = 0;
	let sample: { caseId: string; items: number; survivorId: string } | null = null;

	const caseCount = Math.round(10_000 * scale);
	const caseIds: string[] = [];
	const caseSeeds = new Set<number>();
	const caseActors: string[][] = [];

	type Member = {
		userId: string;
		role: string;
		name: string;
		status: string;
		supports: string | null;
	};

	for (let c = 0; c < caseCount; c++) {
		// Two cases drawing the same seed would repeat each other's ids (about a 1% chance for
		// 10,000 cases, and the draw depends on the clock): the next free seed instead.
		let seed = Math.floor(main() * 2 ** 32);
		while (caseSeeds.has(seed)) seed = (seed + 1) >>> 0;
		caseSeeds.add(seed);
		rnd = prng(seed);
		const caseId = id();
		caseIds.push(caseId);
		const createdAt = ago(rnd() * 540 + 1);
		// Stage mix: most cases are moving; some paused, some recently closed or withdrawn.
		const r = rnd();
		const stageIndex = r < 0.1 ? 0 : r < 0.32 ? 1 : r < 0.42 ? 2 : r < 0.55 ? 3 : 4;
		const end = rnd();
		const closed = stageIndex >= 3 && end < 0.14;
		const withdrawn = !closed && end < 0.16;
		const paused = !closed && !withdrawn && end < 0.21;
		const closedAt = closed || withdrawn ? ago(rnd() * 29) : null;
		const lead = chance(0.015) ? busy : pick(facilitators);
		let co = pick(facilitators);
		while (co === lead) co = pick(facilitators);
		if (lead === busy || co === busy) {
			busyAll++;
			if (closedAt === null) busyOpen++;
		}
		const span = Math.max(DAY, (closedAt ?? now) - createdAt);
		const at = (f: number) => Math.round(createdAt + f * span);

		w.add('cases', cols.cases, [
			caseId,
			ref(),
			lead,
			lead,
			createdAt,
			closed ? pick(['completed', 'partial', 'ended']) : withdrawn ? 'withdrawn' : null,
			closedAt
		]);

		// People: two facilitators, a survivor, usually a responsible party, supporters, community.
		const members: Member[] = [
			{ userId: lead, role: 'facilitator', name: 'Lead', status: 'active', supports: null },
			{ userId: co, role: 'facilitator', name: 'Co', status: 'active', supports: null }
		];
		const newPerson = (role: string, supports: string | null = null) => {
			const userId = addUser(`Person ${c}-${members.length}`, null, at(0.02 * members.length));
			const status =
				role === 'community' && chance(0.08) ? 'withdrawn' : chance(0.03) ? 'paused' : 'active';
			const m = { userId, role, name: `${role} ${c}`, status, supports };
			members.push(m);
			return m;
		};
		const survivor = newPerson('survivor');
		const responsible = stageIndex > 0 || chance(0.6) ? newPerson('responsible') : null;
		for (let i = int(0, 2); i > 0; i--)
			newPerson('supporter', chance(0.7) || !responsible ? survivor.userId : responsible.userId);
		if (stageIndex >= 2) for (let i = int(0, 3); i > 0; i--) newPerson('community');
		const present = members.filter((m) => m.status !== 'withdrawn');
		const facilitatorsHere = [lead, co];
		caseActors.push(members.map((m) => m.userId));

		members.forEach((m, i) => {
			const joinedAt = at(0.02 * i);
			const party = m.role === 'survivor' || m.role === 'responsible';
			const chose = party && stageIndex > 0 && chance(0.85);
			w.add('case_members', cols.case_members, [
				caseId,
				m.userId,
				m.role,
				m.supports,
				m.name,
				fps.get(m.userId) ?? fp(),
				m.status,
				joinedAt,
				m.status === 'active' ? joinedAt : at(0.5),
				chose ? pick(['direct', 'letter', 'relay', 'surrogate', 'recorded']) : null,
				chose ? pick(['yes', 'no', 'undecided']) : null,
				chose && chance(0.5) ? 1 : 0,
				chose ? at(0.1) : null,
				m.role === 'survivor' && stageIndex >= 3 ? pick(['note', 'sign']) : null,
				m.role === 'survivor' && stageIndex >= 3
					? pick(['all', 'milestones', 'completion', 'none'])
					: null
			]);
			// The signed log: one entry per person added (and one per person who left).
			const entry = {
				v: 1,
				seq: i,
				prev: i === 0 ? 'A'.repeat(43) : b64(43),
				op: i === 0 ? 'create' : 'add',
				subject: { userId: m.userId, fp: fps.get(m.userId) },
				role: m.role,
				supports: m.supports,
				signer: lead,
				createdAt: joinedAt,
				sig: b64(86)
			};
			w.add('case_log', cols.case_log, [caseId, i, JSON.stringify(entry), joinedAt]);
			if (i > 0) {
				// Everyone after the lead came through an invitation link.
				const linkId = id();
				w.add('links', cols.links, [
					linkId,
					createHash('sha256').update(linkId).digest('hex'),
					'case',
					lead,
					m.userId,
					joinedAt - DAY,
					joinedAt + 6 * DAY,
					joinedAt
				]);
				w.add('case_invites', cols.case_invites, [linkId, caseId, m.role, m.supports]);
			}
			if (m.status !== 'active') {
				w.add('case_events', cols.case_events, [
					caseId,
					at(0.5),
					m.userId,
					'member',
					`${m.userId} ${m.status}`
				]);
			}
		});
		if (closedAt === null && chance(0.05)) {
			// An invitation not used yet.
			const linkId = id();
			w.add('links', cols.links, [
				linkId,
				createHash('sha256').update(linkId).digest('hex'),
				'case',
				lead,
				null,
				ago(1),
				ago(1) + 7 * DAY,
				null
			]);
			w.add('case_invites', cols.case_invites, [linkId, caseId, 'community', null]);
		}
		if (closedAt === null && chance(0.03)) {
			const m = pick(present);
			w.add('case_pending', cols.case_pending, [
				id(),
				caseId,
				m.userId,
				JSON.stringify({
					op: 'add',
					subject: { userId: m.userId, fp: fps.get(m.userId) },
					role: m.role,
					supports: null,
					invite: null
				}),
				ago(rnd() * 3)
			]);
		}

		// Stages as events, then a pause, a close or a withdrawal.
		for (let s = 0; s <= stageIndex; s++) {
			w.add('case_events', cols.case_events, [
				caseId,
				at((s / 6) * 0.9),
				lead,
				'stage',
				STAGES[s]!
			]);
		}
		if (paused) w.add('case_events', cols.case_events, [caseId, at(0.95), lead, 'stage', 'paused']);
		if (closed)
			w.add('case_events', cols.case_events, [caseId, closedAt!, lead, 'stage', 'closed']);
		if (withdrawn)
			w.add('case_events', cols.case_events, [caseId, closedAt!, lead, 'stage', 'withdrawn']);

		// Envelopes: versions with one wrap per reader; most of them seen by their readers.
		const envelope = (
			kind: string,
			author: string,
			readers: string[],
			opts: {
				versions?: number;
				version?: number;
				subject?: string | null;
				body?: number;
				when?: number;
				objectId?: string;
			} = {}
		) => {
			const objectId = opts.objectId ?? id();
			// `version`: only that version of an object whose others are written elsewhere.
			const versions = opts.version ?? opts.versions ?? 1;
			let createdAtV = opts.when ?? at(rnd());
			for (let v = opts.version ?? 1; v <= versions; v++) {
				const size = opts.body ?? 400;
				w.add('case_envelopes', cols.case_envelopes, [
					caseId,
					objectId,
					v,
					kind,
					author,
					opts.subject ?? null,
					0,
					b64(320),
					b64(Math.ceil((size * 4) / 3) + 32),
					size,
					createdAtV
				]);
				for (const reader of new Set([author, ...readers])) {
					w.add('case_wraps', cols.case_wraps, [caseId, objectId, v, reader, author, b64(150)]);
				}
				if (v < versions) createdAtV = Math.min(now, createdAtV + int(1, 10) * DAY);
			}
			// One mark per object: later versions written one by one stay unseen (an amendment).
			for (const reader of opts.version && opts.version > 1 ? [] : new Set(readers)) {
				if (reader !== author && chance(0.9)) {
					w.add('case_seen', cols.case_seen, [
						reader,
						caseId,
						objectId,
						chance(0.9) ? versions : 1,
						Math.min(now, createdAtV + DAY)
					]);
				}
			}
			return objectId;
		};
		envelope('case-summary', lead, facilitatorsHere, {
			versions: int(1, 3),
			body: 800,
			when: createdAt
		});
		for (let i = int(0, 3); i > 0; i--)
			envelope('facilitator-notes', pick(facilitatorsHere), facilitatorsHere, {
				versions: int(1, 2),
				body: 1000
			});
		for (const party of [survivor, responsible]) {
			if (!party || stageIndex === 0 || !chance(0.8)) continue;
			const supporters = members.filter((m) => m.supports === party.userId).map((m) => m.userId);
			envelope('input', party.userId, [...facilitatorsHere, ...supporters], {
				versions: int(1, 2),
				body: 3000
			});
		}
		if (stageIndex >= 1 && chance(0.5)) {
			envelope('interim-summary', lead, [...facilitatorsHere, survivor.userId], { body: 1000 });
			if (chance(0.5))
				envelope('interim-comment', survivor.userId, [...facilitatorsHere, survivor.userId], {
					body: 400
				});
		}
		// Conversations: each participant with the facilitators.
		for (const m of members.slice(2)) {
			const messages = int(0, m.role === 'survivor' || m.role === 'responsible' ? 10 : 3);
			for (let i = 0; i < messages; i++) {
				const author = chance(0.5) ? m.userId : pick(facilitatorsHere);
				envelope('conversation', author, [...facilitatorsHere, m.userId], {
					subject: m.userId,
					body: 300
				});
			}
		}
		// Notices to the facilitators: choices, pauses, safety signals; most already seen.
		for (let i = int(0, 3); i > 0; i--) {
			const m = pick(members.slice(2));
			const seen = chance(0.85);
			const when = at(rnd());
			w.add('case_notices', cols.case_notices, [
				caseId,
				m.userId,
				pick(['choices', 'paused', 'resumed', 'talk', 'unsafe']),
				when,
				seen ? lead : null,
				seen ? when + DAY : null
			]);
		}

		// Meetings (with their sealed details), invitees and news.
		if (stageIndex >= 1) {
			for (let i = int(1, 5); i > 0; i--) {
				const meetingId = id();
				const startsAt =
					dayOf(at(rnd())) +
					int(8, 18) * 3_600_000 +
					(chance(0.3) && closedAt === null ? int(1, 30) * DAY : 0);
				const cancelled = chance(0.1);
				const kind = pick(['preparation', 'circle', 'check-in', 'readiness']);
				const invited = [
					...facilitatorsHere,
					...present
						.slice(2)
						.filter(() => chance(0.5))
						.map((m) => m.userId)
				];
				const createdAtM = Math.min(startsAt - DAY, now);
				w.add('meetings', cols.meetings, [
					meetingId,
					caseId,
					kind,
					startsAt,
					pick([60, 90, 120]),
					'Europe/Berlin',
					cancelled ? 'cancelled' : 'scheduled',
					lead,
					createdAtM,
					createdAtM
				]);
				envelope('meeting', lead, invited, { objectId: meetingId, body: 300, when: createdAtM });
				for (const u of invited) {
					const answered = startsAt < now || chance(0.6);
					w.add('meeting_invitees', cols.meeting_invitees, [
						meetingId,
						u,
						answered
							? pick(['attending', 'attending', 'not_attending', 'need_to_talk'])
							: 'pending',
						answered ? createdAtM + DAY : null
					]);
					if (u !== lead) {
						const unseen = startsAt > now && chance(0.4);
						w.add('meeting_notices', cols.meeting_notices, [
							caseId,
							meetingId,
							u,
							cancelled ? 'cancelled' : 'scheduled',
							null,
							createdAtM,
							unseen ? null : createdAtM + DAY
						]);
					}
				}
			}
			if (chance(0.5)) {
				const pollId = id();
				const open = closedAt === null && chance(0.4);
				w.add('meeting_polls', cols.meeting_polls, [
					pollId,
					caseId,
					'circle',
					120,
					'Europe/Berlin',
					open ? 'open' : 'closed',
					lead,
					at(rnd())
				]);
				for (let s = 0; s < 3; s++)
					w.add('poll_slots', cols.poll_slots, [pollId, s, now + (s + 3) * DAY]);
				for (const m of present.slice(2, 5)) {
					const answered = !open || chance(0.5);
					w.add('poll_invitees', cols.poll_invitees, [pollId, m.userId, answered ? ago(1) : null]);
					if (answered)
						for (let s = 0; s < 3; s++)
							w.add('poll_answers', cols.poll_answers, [
								pollId,
								m.userId,
								s,
								pick(['yes', 'if_need_be', 'no'])
							]);
				}
			}
		}

		// The agreement: versions of 6–16 items (about 100,000 in all), statuses and check-ins.
		let itemsHere = 0;
		if (stageIndex >= 3 && responsible) {
			const agreementId = id();
			const drafted = at(0.6);
			w.add('agreements', cols.agreements, [agreementId, caseId, lead, drafted]);
			const versions = int(1, 3);
			const inForceVersion = stageIndex === 4 || closed ? versions : versions - 1;
			let items = Array.from({ length: int(5, 12) }, () => ({
				itemId: id(),
				kind: pick(ITEM_KINDS),
				owner: chance(0.9) ? responsible.userId : survivor.userId,
				due: chance(0.85) ? dayOf(drafted + int(7, 180) * DAY) : null,
				repeat: chance(0.2) ? (chance(0.5) ? 'week' : 'month') : null
			}));
			let prevDigest: string | null = null;
			for (let v = 1; v <= versions; v++) {
				if (v > 1)
					items = [
						...items,
						...Array.from({ length: int(1, 3) }, () => ({ ...items[0]!, itemId: id() }))
					];
				const createdAtV = drafted + (v - 1) * 7 * DAY;
				const digest = b64(43);
				w.add('agreement_versions', cols.agreement_versions, [
					agreementId,
					v,
					digest,
					prevDigest,
					members.length - 1,
					b64(43),
					lead,
					createdAtV,
					v <= inForceVersion ? createdAtV + 3 * DAY : null
				]);
				prevDigest = digest;
				for (const it of items) {
					w.add('agreement_items', cols.agreement_items, [
						agreementId,
						v,
						it.itemId,
						it.kind,
						it.owner,
						it.due,
						it.repeat,
						it.repeat ? int(4, 12) : null
					]);
					w.add('item_approvals', cols.item_approvals, [
						agreementId,
						v,
						it.itemId,
						survivor.userId,
						chance(0.9) ? 'approve' : 'change',
						createdAtV + DAY
					]);
					itemsHere++;
				}
				for (const [p, role] of [
					[survivor, 'survivor'],
					[responsible, 'responsible']
				] as const) {
					w.add('agreement_signers', cols.agreement_signers, [
						agreementId,
						v,
						p.userId,
						role,
						fps.get(p.userId)!
					]);
					if (v <= inForceVersion) {
						const note = role === 'survivor' && chance(0.6);
						w.add('agreement_consents', cols.agreement_consents, [
							agreementId,
							v,
							p.userId,
							role,
							note ? 'note' : 'signature',
							'approve',
							note ? null : b64(86),
							createdAtV + 2 * DAY
						]);
					}
				}
				envelope('agreement', lead, [...facilitatorsHere, survivor.userId, responsible.userId], {
					objectId: agreementId,
					body: 1500,
					when: createdAtV,
					version: v
				});
			}
			if (inForceVersion > 0) {
				for (const it of items) {
					if (it.due === null || it.due > now) continue;
					const events = int(0, 2);
					for (let e = 0; e < events; e++) {
						w.add('item_statuses', cols.item_statuses, [
							agreementId,
							it.itemId,
							pick(['done', 'verified', 'missed', 'open']),
							lead,
							Math.min(now, it.due + e * DAY)
						]);
					}
					for (let k = int(0, 3); k > 0; k--) {
						const checkInId = id();
						const when = Math.min(now, it.due - int(0, 5) * DAY);
						w.add('check_ins', cols.check_ins, [
							checkInId,
							caseId,
							agreementId,
							it.itemId,
							responsible.userId,
							when
						]);
						envelope('check-in', responsible.userId, [...facilitatorsHere], {
							objectId: checkInId,
							body: 300,
							when
						});
						for (const u of facilitatorsHere) {
							w.add('agreement_news', cols.agreement_news, [
								caseId,
								u,
								'check_in',
								'update',
								it.itemId,
								when,
								chance(0.9) ? when + DAY : null
							]);
						}
					}
				}
			}
		}
		const busyHere = lead === busy || co === busy;
		const moving = closedAt === null && !paused && stageIndex === 4;
		if (busyHere && moving && itemsHere > (sample?.items ?? 0)) {
			sample = { caseId, items: itemsHere, survivorId: survivor.userId };
		}
		if (c % 200 === 199) await w.drain();
		if (c % 2000 === 1999) {
			await w.commit();
			await w.begin();
		}
	}

	// The audit trail: a million events over the last 170 days, most tied to a case.
	rnd = main;
	const auditCount = Math.round(1_000_000 * scale);
	for (let i = 0; i < auditCount; i++) {
		const inCase = caseIds.length > 0 && chance(0.9);
		const ci = Math.floor(rnd() * caseIds.length);
		const actor = inCase ? pick(caseActors[ci]!) : pick(facilitators);
		const action = inCase ? pick(AUDIT_ACTIONS) : 'session.created';
		w.add('audit_events', cols.audit_events, [
			ago(rnd() * 170),
			actor,
			action,
			inCase ? 'case' : 'session',
			inCase ? caseIds[ci]! : null,
			inCase ? caseIds[ci]! : null,
			inCase && chance(0.3) ? actor : null
		]);
		if (i % 100_000 === 99_999) await w.drain();
	}
	await w.commit();
	// The unread counters the app keeps on write, counted here by the app's own function from
	// the envelopes, wraps and "seen" marks written above (500 cases per statement).
	const db = drizzle(client) as unknown as Db;
	for (let i = 0; i < caseIds.length; i += 500) {
		await refreshUnreadOf(db, caseIds.slice(i, i + 500));
		await new Promise((resolve) => setImmediate(resolve));
	}
	const [counters] = (await client.execute('SELECT count(*) AS n FROM case_unread')).rows;
	w.counts['case_unread'] = Number(counters?.n ?? 0);
	// No ANALYZE: the app never runs it, so the planner works without statistics here too.
	await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
	client.close();

	if (!sample) throw new Error('the seeded org has no busy case in follow-up: use a larger scale');
	return {
		file,
		now,
		scale,
		seconds: (performance.now() - started) / 1000,
		rows: w.counts,
		facilitatorId: busy,
		facilitatorCases: { open: busyOpen, all: busyAll },
		caseId: sample.caseId,
		caseItems: sample.items,
		survivorId: sample.survivorId,
		adminId
	};
}
