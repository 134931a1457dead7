import { and, asc, desc, eq } from 'drizzle-orm';
import { getDb, write, type Db, type Tx } from './db';
import { formTemplates, users, type FormTemplateRow } from './db/schema';
import { auditIn } from './audit';
import { generateId } from './auth/tokens';
import { Problem } from './problem';
import { DEFAULT_TEMPLATES } from './default-templates';
import {
	formatTemplate,
	itemsFrom,
	LIMITS,
	parseTemplate,
	type ParseProblem,
	type TemplateItem
} from '../form-template';

/**
 * Form templates: the questions (never answers) a survivor or responsible party is asked.
 * Admins write them as plain text; one template per audience is the one new input uses.
 */

export type Audience = FormTemplateRow['audience'];
export const AUDIENCES = ['survivor', 'responsible'] as const satisfies readonly Audience[];

export type TemplateInput = {
	audience: Audience;
	name: string;
	contentNote: string;
	source: string;
};

/** A template whose text could not be read: which line, and why. */
export class TemplateProblem extends Problem {
	constructor(public parse: ParseProblem) {
		super(400, parse.code === 'no_questions' ? 'template_empty' : 'template_invalid');
	}
}

const ONE_LINE = /^[^\p{Cc}]*$/u;
// A content note may have line breaks, nothing else from the control range.
const NOTE = /^(?:[^\p{Cc}]|[\n\t])*$/u;

/** The checked, parsed input, or a refusal: the routes check the same with words per field. */
function readInput(input: TemplateInput) {
	const name = input.name.trim();
	const contentNote = input.contentNote.replace(/\r\n?/g, '\n').trim();
	const fits =
		AUDIENCES.includes(input.audience) &&
		name.length >= 1 &&
		name.length <= LIMITS.name &&
		ONE_LINE.test(name) &&
		contentNote.length >= 1 &&
		contentNote.length <= LIMITS.contentNote &&
		NOTE.test(contentNote);
	if (!fits) throw new Problem(400, 'bad_request');
	const parsed = parseTemplate(input.source);
	if (!parsed.ok) throw new TemplateProblem(parsed.problem);
	return { audience: input.audience, name, contentNote, questions: JSON.stringify(parsed.items) };
}

/** Only an active admin manages templates; anyone else is refused as the routes refuse them. */
async function requireAdmin(db: Db | Tx, actorId: string) {
	const [admin] = await db
		.select({ id: users.id })
		.from(users)
		.where(and(eq(users.id, actorId), eq(users.orgRole, 'admin'), eq(users.status, 'active')));
	if (!admin) throw new Problem(403, 'forbidden');
}

async function findIn(db: Db | Tx, id: string) {
	const [row] = await db.select().from(formTemplates).where(eq(formTemplates.id, id));
	if (!row) throw new Problem(404, 'template_not_found');
	return row;
}

async function hasInUse(tx: Tx, audience: Audience) {
	const [row] = await tx
		.select({ id: formTemplates.id })
		.from(formTemplates)
		.where(and(eq(formTemplates.audience, audience), eq(formTemplates.inUse, true)));
	return Boolean(row);
}

function itemsOf(row: FormTemplateRow): TemplateItem[] | null {
	try {
		return itemsFrom(JSON.parse(row.questions));
	} catch {
		return null;
	}
}

export async function listTemplates() {
	const rows = await getDb()
		.select()
		.from(formTemplates)
		.orderBy(asc(formTemplates.audience), desc(formTemplates.inUse), asc(formTemplates.name));
	return rows.map((row) => ({
		id: row.id,
		audience: row.audience,
		name: row.name,
		inUse: row.inUse,
		questions: itemsOf(row)?.filter((item) => item.type !== 'heading').length ?? 0,
		updatedAt: row.updatedAt
	}));
}

/** One template with its items and the text an admin edits. */
export async function getTemplate(id: string) {
	const row = await findIn(getDb(), id);
	const items = itemsOf(row) ?? [];
	return {
		id: row.id,
		audience: row.audience,
		name: row.name,
		contentNote: row.contentNote,
		items,
		source: formatTemplate(items),
		inUse: row.inUse,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt
	};
}

/** The template new input from this audience starts from (what the input pages call). */
export async function templateInUse(audience: Audience) {
	const [row] = await getDb()
		.select()
		.from(formTemplates)
		.where(and(eq(formTemplates.audience, audience), eq(formTemplates.inUse, true)))
		.limit(1);
	const items = row ? itemsOf(row) : null;
	if (!row || !items) return null;
	return { id: row.id, name: row.name, contentNote: row.contentNote, items };
}

/** A new template is the one in use only when its audience has none in use yet. */
export async function createTemplate(actorId: string, input: TemplateInput, now = Date.now()) {
	return write(async (tx) => {
		await requireAdmin(tx, actorId);
		const fields = readInput(input);
		const id = generateId();
		const inUse = !(await hasInUse(tx, fields.audience));
		await tx.insert(formTemplates).values({ id, ...fields, inUse, createdAt: now, updatedAt: now });
		await auditIn(
			tx,
			{ actorId, action: 'template.created', objectType: 'template', objectId: id },
			now
		);
		return id;
	});
}

/** Answers keep their own copy of the questions, so an edit changes no answer given. */
export async function updateTemplate(
	actorId: string,
	id: string,
	input: TemplateInput,
	now = Date.now()
) {
	await write(async (tx) => {
		await requireAdmin(tx, actorId);
		const row = await findIn(tx, id);
		const fields = readInput(input);
		const moved = row.audience !== fields.audience;
		// The audience it leaves would have no template in use.
		if (moved && row.inUse) throw new Problem(409, 'template_in_use');
		const inUse = row.inUse || (moved && !(await hasInUse(tx, fields.audience)));
		await tx
			.update(formTemplates)
			.set({ ...fields, inUse, updatedAt: now })
			.where(eq(formTemplates.id, id));
		await auditIn(
			tx,
			{ actorId, action: 'template.updated', objectType: 'template', objectId: id },
			now
		);
	});
}

/** Exactly one template per audience is in use: the switch is one transaction. */
export async function setTemplateInUse(actorId: string, id: string, now = Date.now()) {
	await write(async (tx) => {
		await requireAdmin(tx, actorId);
		const row = await findIn(tx, id);
		if (row.inUse) return;
		await tx
			.update(formTemplates)
			.set({ inUse: false })
			.where(and(eq(formTemplates.audience, row.audience), eq(formTemplates.inUse, true)));
		await tx.update(formTemplates).set({ inUse: true }).where(eq(formTemplates.id, id));
		await auditIn(
			tx,
			{ actorId, action: 'template.in_use', objectType: 'template', objectId: id },
			now
		);
	});
}

/** The template in use cannot go: new input would have nothing to start from. */
export async function deleteTemplate(actorId: string, id: string, now = Date.now()) {
	return write(async (tx) => {
		await requireAdmin(tx, actorId);
		const row = await findIn(tx, id);
		if (row.inUse) throw new Problem(409, 'template_in_use');
		await tx.delete(formTemplates).where(eq(formTemplates.id, id));
		await auditIn(
			tx,
			{ actorId, action: 'template.deleted', objectType: 'template', objectId: id },
			now
		);
		return row.name;
	});
}

/** At start: an audience with no template at all gets the default one, in use. */
export async function ensureDefaultTemplates(now = Date.now()) {
	await write(async (tx) => {
		for (const audience of AUDIENCES) {
			const [any] = await tx
				.select({ id: formTemplates.id })
				.from(formTemplates)
				.where(eq(formTemplates.audience, audience))
				.limit(1);
			if (any) continue;
			const { name, contentNote, source } = DEFAULT_TEMPLATES[audience];
			const parsed = parseTemplate(source);
			if (!parsed.ok) throw new Error(`The default ${audience} template does not parse.`);
			const id = generateId();
			await tx.insert(formTemplates).values({
				id,
				audience,
				name,
				contentNote,
				questions: JSON.stringify(parsed.items),
				inUse: true,
				createdAt: now,
				updatedAt: now
			});
			await auditIn(
				tx,
				{ actorId: null, action: 'template.created', objectType: 'template', objectId: id },
				now
			);
		}
	});
}
