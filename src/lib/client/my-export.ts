import { wipe } from '$lib/crypto/bytes';
import type { Opened } from '$lib/crypto/envelope';
import type { CaseLogEntryJson } from '$lib/crypto/case-log-json';
import type { Identity } from '$lib/crypto/identity';
import type { Membership } from '$lib/crypto/members';
import { emptyPersonalState, markKey, type PersonalState } from '$lib/crypto/personal-state';
import { isQuestion, type Answers, type FormTemplate } from '$lib/form-template';
import type { AgreementView } from '$lib/agreement-types';
import type {
	ExportCase,
	ExportEnvelope,
	ExportPersonal,
	ExportResponse,
	KeptAbout
} from '$lib/kept-types';
import { m } from '$lib/paraglide/messages.js';
import { parseBody as parseAgreement } from './agreements';
import { directoryFrom, raiseHeads, validateEntries, type CaseContext } from './case-log';
import { fromJsonBody, readCaseObject, type StoredCaseObject } from './case-objects';
import { parseSummary } from './case-summary';
import { parse as parseMessage } from './conversation';
import { getJson } from './http';
import { parseFileBody } from './input-files';
import { textOf } from './interim';
import { detailsFrom, type Details } from './meetings';
import { decodePage } from './notebook';
import { draftFrom, parseInputBody } from './party-input';
import { openPersonal } from './personal';
import { loadPersonalState } from './personal-state';
import { restoreSession } from './keyring';

/**
 * "Download my data": the server sends everything this person can read, sealed as stored, and
 * this browser opens it with the same checks every page makes. Anything that fails a check is
 * listed as "could not be opened"; the rest of the copy is made all the same. Files are listed by
 * name, type and size only (they are saved from their own page).
 */

export const UNOPENED = 'could not be opened';
type Unopened = { opened: false; problem: typeof UNOPENED };
const unopened: Unopened = { opened: false, problem: UNOPENED };

export type QA = { question: string; answer: string | string[] | number | null };
export type FileEntry = { name: string; type: string; size: number };
export type WritingContent =
	| { type: 'input'; form: string; answers: QA[] }
	| { type: 'file'; file: FileEntry }
	| { type: 'message'; text: string; file: FileEntry | null; proposalTo: string | null }
	| { type: 'text'; text: string; for: string | null }
	| { type: 'case-summary'; title: string; summary: string }
	| { type: 'check-in'; itemId: string; text: string }
	| { type: 'other'; value: unknown };
export type Writing = {
	kind: string;
	objectId: string;
	version: number;
	author: string;
	createdAt: number;
	readers: string[];
} & ({ opened: true; content: WritingContent } | Unopened);

export type MeetingEntry = {
	kind: ExportCase['meetings'][number]['kind'];
	status: 'scheduled' | 'cancelled';
	startsAt: number;
	endsAt: number;
	timeZone: string;
	myAnswer: string | null;
	invitees: string[];
	details: ({ opened: true } & Details) | Unopened | null;
};

export type AgreementItem = {
	itemId: string;
	kind: string;
	owner: string;
	due: number | null;
	repeat: { every: 'week' | 'month'; count: number } | null;
	text: string | null;
	verification: string | null;
	status: string | null;
};
export type AgreementEntry = {
	inForce: number | null;
	versions: {
		version: number;
		createdAt: number;
		inForceAt: number | null;
		opened: boolean;
		intro: string | null;
		items: AgreementItem[];
	}[];
};

export type CaseEntry = {
	ref: string;
	role: ExportCase['role'];
	part: ExportCase['status'];
	stage: string;
	openedAt: number;
	closedAt: number | null;
	outcome: string | null;
	deleteAt: number | null;
	people: { name: string; role: ExportCase['role'] }[];
	meetings: MeetingEntry[];
	agreement: AgreementEntry | null;
	writing: Writing[];
};

export type ExportFile = {
	format: 'circlekeeper-export/v1';
	madeAt: number;
	person: { name: string; orgRole: ExportResponse['me']['orgRole']; createdAt: number };
	notebook: ({ objectId: string; updatedAt: number } & (
		{ opened: true; text: string } | Unopened
	))[];
	drafts: ({ caseRef: string; updatedAt: number } & (
		{ opened: true; form: string | null; answers: QA[] } | Unopened
	))[];
	/** Keys this person checked, by the name they know the person by. */
	checkedKeys: { name: string; verified: boolean; decidedAt: number }[] | Unopened;
	cases: CaseEntry[];
	/** What the server keeps about them: structure, counts and dates (no words). */
	kept: KeptAbout;
	/** How many items could not be opened. */
	unopened: number;
};

const answersOf = (template: FormTemplate | null, answers: Answers): QA[] =>
	(template?.items ?? [])
		.filter(isQuestion)
		.map((q) => ({ question: q.text, answer: answers[q.id] ?? null }));

function fileOf(meta: { name: string; type: string } | null, opened: Opened): FileEntry | null {
	if (!meta) return null;
	return { name: meta.name, type: meta.type, size: opened.header.attachment?.size ?? 0 };
}

/** The words of one case object, as the module that writes its kind reads them. */
function contentOf(
	row: StoredCaseObject,
	body: Uint8Array | null,
	opened: Opened,
	nameOf: (id: string) => string
): WritingContent {
	if (!body) throw new Error('no body');
	switch (row.kind) {
		case 'input': {
			if (row.attachment) {
				const { meta } = parseFileBody(body);
				return { type: 'file', file: fileOf(meta, opened)! };
			}
			const input = parseInputBody(body);
			return {
				type: 'input',
				form: input.template.name,
				answers: answersOf(input.template, input.answers)
			};
		}
		case 'conversation':
		case 'relay': {
			const msg = parseMessage(row, body);
			const to = msg.proposal?.to;
			return {
				type: 'message',
				text: msg.text,
				file: fileOf(msg.file, opened),
				proposalTo: to ? nameOf(to) : null
			};
		}
		case 'interim-summary':
		case 'interim-comment':
		case 'facilitator-notes': {
			const v = textOf(body);
			const forId = typeof v.for === 'string' && v.for ? v.for : null;
			return { type: 'text', text: v.text as string, for: forId && nameOf(forId) };
		}
		case 'case-summary': {
			const s = parseSummary(body)!;
			return { type: 'case-summary', title: s.title, summary: s.summary };
		}
		case 'check-in': {
			const v = fromJsonBody(body) as { itemId?: unknown; text?: unknown };
			if (typeof v.text !== 'string' || typeof v.itemId !== 'string') throw new Error('check-in');
			return { type: 'check-in', itemId: v.itemId, text: v.text };
		}
		default:
			return { type: 'other', value: fromJsonBody(body) };
	}
}

/** Opens one version and reads it; null when any check fails (it is then listed as such). */
async function tryRead<T>(
	ctx: CaseContext | null,
	row: ExportEnvelope,
	read: (body: Uint8Array | null, opened: Opened) => T
): Promise<T | null> {
	if (!ctx) return null;
	try {
		return await readCaseObject(ctx, row as StoredCaseObject, read);
	} catch {
		return null;
	}
}

type Counter = { n: number };

async function caseEntry(
	c: ExportCase,
	ctx: CaseContext | null,
	failed: Counter
): Promise<CaseEntry> {
	const names = new Map(c.people.map((p) => [p.userId, p.name]));
	const nameOf = (id: string) => names.get(id) ?? m.kept_who_former();
	const writing: Writing[] = [];
	const details = new Map<string, { version: number; value: MeetingEntry['details'] }>();
	const words = new Map<number, ReturnType<typeof parseAgreement> | null>();
	for (const row of c.envelopes) {
		if (row.kind === 'meeting') {
			const read = await tryRead(ctx, row, (body) => detailsFrom(body));
			if (!read) failed.n++;
			const newer = (details.get(row.objectId)?.version ?? 0) < row.version;
			if (newer) {
				const value = read ? { opened: true as const, ...read } : unopened;
				details.set(row.objectId, { version: row.version, value });
			}
			continue;
		}
		if (row.kind === 'agreement') {
			const read = await tryRead(ctx, row, (body) => parseAgreement(body));
			if (!read) failed.n++;
			words.set(row.version, read);
			continue;
		}
		const base = {
			kind: row.kind,
			objectId: row.objectId,
			version: row.version,
			author: nameOf(row.authorId),
			createdAt: row.createdAt,
			readers: row.readers.map(nameOf)
		};
		const content = await tryRead(ctx, row, (body, opened) =>
			contentOf(row as StoredCaseObject, body, opened, nameOf)
		);
		if (!content) failed.n++;
		writing.push(content ? { ...base, opened: true, content } : { ...base, ...unopened });
	}
	return {
		ref: c.ref,
		role: c.role,
		part: c.status,
		stage: c.stage,
		openedAt: c.createdAt,
		closedAt: c.closedAt,
		outcome: c.outcome,
		deleteAt: c.deleteAt,
		people: c.people.map((p) => ({ name: p.name, role: p.role })),
		meetings: c.meetings.map((mt) => ({
			kind: mt.kind,
			status: mt.status,
			startsAt: mt.startsAt,
			endsAt: mt.endsAt,
			timeZone: mt.timeZone,
			myAnswer: mt.myRsvp,
			invitees: mt.invitees.map((i) => i.name),
			details: details.get(mt.id)?.value ?? null
		})),
		agreement: c.agreement && agreementEntry(c.agreement, words, nameOf),
		writing
	};
}

/** The agreement's structure from the server, each version with the words sealed for it. */
function agreementEntry(
	view: AgreementView,
	words: Map<number, ReturnType<typeof parseAgreement> | null>,
	nameOf: (id: string) => string
): AgreementEntry {
	const statuses = new Map(view.followUp.map((f) => [f.itemId, f.status]));
	return {
		inForce: view.inForce,
		versions: view.versions.map((v) => {
			const body = words.get(v.version) ?? null;
			const sealed = new Map((body?.items ?? []).map((i) => [i.itemId, i]));
			return {
				version: v.version,
				createdAt: v.createdAt,
				inForceAt: v.inForceAt,
				opened: body !== null,
				intro: body ? String(body.intro ?? '') : null,
				items: v.items.map((i) => ({
					itemId: i.itemId,
					kind: i.kind,
					owner: nameOf(i.ownerId),
					due: i.due,
					repeat: i.repeat,
					text: sealed.get(i.itemId)?.text ?? null,
					verification: sealed.get(i.itemId)?.verification ?? null,
					status: v.version === view.inForce ? (statuses.get(i.itemId) ?? null) : null
				}))
			};
		})
	};
}

/** This person's own envelopes: notebook pages and drafts, checked like their own pages do. */
async function personalEntries(
	me: Identity,
	rows: ExportPersonal[],
	state: PersonalState,
	refOf: (caseId: string | null) => string,
	failed: Counter
) {
	const notebook: ExportFile['notebook'] = [];
	const drafts: ExportFile['drafts'] = [];
	for (const row of rows) {
		if (row.deleted || row.kind === 'personal-state') continue;
		const mark =
			row.kind === 'notebook'
				? state.marks.get(markKey(null, 'notebook', row.objectId))
				: undefined;
		let read: { text: string } | { form: string | null; answers: QA[] } | null = null;
		try {
			const opened = await openPersonal(row, me, mark);
			wipe(opened.contentKey);
			if (opened.body && row.kind === 'notebook') read = { text: decodePage(opened.body) };
			if (opened.body && row.kind === 'draft') {
				const d = draftFrom(fromJsonBody(opened.body), row.caseId ?? '');
				if (d) read = { form: d.template?.name ?? null, answers: answersOf(d.template, d.answers) };
			}
		} catch {
			read = null;
		}
		if (!read) failed.n++;
		const opened = read ? { opened: true as const, ...read } : unopened;
		if (row.kind === 'notebook') {
			notebook.push({
				objectId: row.objectId,
				updatedAt: row.updatedAt,
				...opened
			} as ExportFile['notebook'][number]);
		} else {
			drafts.push({
				caseRef: refOf(row.caseId),
				updatedAt: row.updatedAt,
				...opened
			} as ExportFile['drafts'][number]);
		}
	}
	return { notebook, drafts };
}

function checkedKeys(state: PersonalState, nameOf: (id: string) => string) {
	const out: { name: string; verified: boolean; decidedAt: number }[] = [];
	for (const [userId, pins] of state.pins) {
		for (const d of pins.values()) {
			out.push({ name: nameOf(userId), verified: d.verified, decidedAt: d.decidedAt });
		}
	}
	return out;
}

/** Fetches everything this person can read and opens it here. */
export async function buildExport(me: Identity): Promise<ExportFile> {
	const res = await getJson<ExportResponse>('/api/me/export');
	let state: PersonalState | null = null;
	try {
		state = await loadPersonalState(me);
	} catch {
		state = null;
	}
	const directory = directoryFrom(res.directory);
	const failed: Counter = { n: 0 };
	const heads = new Map<string, Membership>();
	const cases: CaseEntry[] = [];
	for (const c of res.cases) {
		let ctx: CaseContext | null = null;
		try {
			const known = state?.logHeads.get(c.caseId);
			const log = await validateEntries(
				c.caseId,
				res.deploymentId,
				c.entries as CaseLogEntryJson[],
				directory,
				known
			);
			heads.set(c.caseId, log.membership);
			ctx = {
				caseId: c.caseId,
				deploymentId: res.deploymentId,
				me,
				directory,
				pending: [],
				...log
			};
		} catch {
			ctx = null;
		}
		cases.push(await caseEntry(c, ctx, failed));
	}
	// Newer heads this copy saw are remembered, as every page does; a failure changes nothing here.
	if (state) await raiseHeads(me, heads).catch(() => undefined);
	const names = new Map(res.cases.flatMap((c) => c.people.map((p) => [p.userId, p.name] as const)));
	const refs = new Map(res.cases.map((c) => [c.caseId, c.ref]));
	const refOf = (id: string | null) => (id && refs.get(id)) || '';
	const personal = await personalEntries(
		me,
		res.personal,
		state ?? emptyPersonalState(),
		refOf,
		failed
	);
	return {
		format: 'circlekeeper-export/v1',
		madeAt: Date.now(),
		person: { name: res.me.displayName, orgRole: res.me.orgRole, createdAt: res.me.createdAt },
		...personal,
		checkedKeys: state
			? checkedKeys(state, (id) => names.get(id) ?? m.kept_who_former())
			: unopened,
		cases,
		kept: res.kept,
		unopened: failed.n + (state ? 0 : 1)
	};
}

/** Times are kept as milliseconds in the page and written as ISO dates in the file. */
const TIME_KEY = /(At|^at|^due)$/;

export function exportJson(file: ExportFile): string {
	return JSON.stringify(
		file,
		(key, value) =>
			typeof value === 'number' && TIME_KEY.test(key) ? new Date(value).toISOString() : value,
		2
	);
}

/**
 * Makes the copy and saves it from the page (nothing goes back to the server). Null when this
 * tab does not hold the keys: the page sends the person to unlock first.
 */
export async function downloadMyData(userId: string): Promise<{ unopened: number } | null> {
	const keys = await restoreSession(userId).catch(() => null);
	if (!keys) return null;
	const file = await buildExport(keys);
	const url = URL.createObjectURL(new Blob([exportJson(file)], { type: 'application/json' }));
	const a = document.createElement('a');
	a.href = url;
	// A neutral name: a list of downloads should not say what this is.
	a.download = `my-data-${new Date(file.madeAt).toISOString().slice(0, 10)}.json`;
	a.click();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
	return { unopened: file.unopened };
}
