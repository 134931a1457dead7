import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, test } from 'vitest';
import { getDb } from './db';
import { auditEvents, formTemplates } from './db/schema';
import { expectProblem, insertUser, useTestDb } from './test-db';
import { DEFAULT_TEMPLATES } from './default-templates';
import { parseTemplate } from '../form-template';
import {
	createTemplate,
	deleteTemplate,
	ensureDefaultTemplates,
	getTemplate,
	listTemplates,
	setTemplateInUse,
	TemplateProblem,
	templateInUse,
	updateTemplate,
	type TemplateInput
} from './templates';

useTestDb();

const T = Date.UTC(2030, 0, 1, 9);

const input = (fields: Partial<TemplateInput> = {}): TemplateInput => ({
	audience: 'survivor',
	name: 'Short check-in',
	contentNote: 'A few questions about how you are. All optional.',
	source: '# Now\nscale: How are you today?\n- Low\n- Good\nlong: Anything else?\n',
	...fields
});

const rows = () => getDb().select().from(formTemplates);
const auditFor = (id: string) =>
	getDb().select().from(auditEvents).where(eq(auditEvents.objectId, id));

beforeEach(async () => {
	await getDb().delete(formTemplates);
});

describe('default templates', () => {
	test('a fresh database gets both, in use; a second start adds nothing', async () => {
		await ensureDefaultTemplates(T);
		await ensureDefaultTemplates(T + 1);
		const all = await listTemplates();
		expect(all).toMatchObject([
			{ audience: 'responsible', name: DEFAULT_TEMPLATES.responsible.name, inUse: true },
			{ audience: 'survivor', name: DEFAULT_TEMPLATES.survivor.name, inUse: true }
		]);
		const survivor = await templateInUse('survivor');
		const parsed = parseTemplate(DEFAULT_TEMPLATES.survivor.source);
		expect(survivor).toEqual({
			id: all[1]!.id,
			name: DEFAULT_TEMPLATES.survivor.name,
			contentNote: DEFAULT_TEMPLATES.survivor.contentNote,
			items: parsed.ok ? parsed.items : []
		});
		expect(await auditFor(all[0]!.id)).toMatchObject([
			{ actorId: null, action: 'template.created', objectType: 'template', at: T }
		]);
	});

	test('an audience that has any template of its own gets no default', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		await createTemplate(admin.id, input({ audience: 'responsible' }), T);
		await ensureDefaultTemplates(T);
		const all = await listTemplates();
		expect(all.map((t) => [t.audience, t.name])).toEqual([
			['responsible', 'Short check-in'],
			['survivor', DEFAULT_TEMPLATES.survivor.name]
		]);
	});
});

describe('managing templates', () => {
	test('create, read back, edit and audit', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		const id = await createTemplate(admin.id, input({ name: '  Short check-in ' }), T);
		// The first of its audience is the one in use.
		const created = await getTemplate(id);
		expect(created).toMatchObject({
			audience: 'survivor',
			name: 'Short check-in',
			inUse: true,
			createdAt: T,
			updatedAt: T,
			source: '# Now\nscale: How are you today?\n- Low\n- Good\nlong: Anything else?\n'
		});
		expect(created.items).toHaveLength(3);

		await updateTemplate(
			admin.id,
			id,
			input({ name: 'Check-in', source: 'short: One word for today?' }),
			T + 1
		);
		expect(await getTemplate(id)).toMatchObject({
			name: 'Check-in',
			items: [{ type: 'short', id: 'q1', text: 'One word for today?' }],
			inUse: true,
			createdAt: T,
			updatedAt: T + 1
		});
		expect((await templateInUse('survivor'))?.name).toBe('Check-in');
		expect((await auditFor(id)).map((e) => [e.action, e.actorId, e.objectType])).toEqual([
			['template.created', admin.id, 'template'],
			['template.updated', admin.id, 'template']
		]);
	});

	test('bad text is refused with its line, and nothing is written', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		const id = await createTemplate(admin.id, input(), T);
		const before = await rows();

		const refused = await createTemplate(
			admin.id,
			input({ source: 'long: A\nlong: B\n\nWhat now?' })
		).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(TemplateProblem);
		expect(refused).toMatchObject({
			status: 400,
			code: 'template_invalid',
			parse: { code: 'unknown_line', line: 4 }
		});
		await expectProblem(
			createTemplate(admin.id, input({ source: '# Only a heading' })),
			400,
			'template_empty'
		);
		await expectProblem(
			updateTemplate(admin.id, id, input({ source: ' \n ' })),
			400,
			'template_empty'
		);
		await expectProblem(updateTemplate(admin.id, id, input({ name: ' ' })), 400, 'bad_request');
		await expectProblem(
			createTemplate(admin.id, input({ contentNote: 'a'.repeat(601) })),
			400,
			'bad_request'
		);
		await expectProblem(
			createTemplate(admin.id, input({ audience: 'supporter' as 'survivor' })),
			400,
			'bad_request'
		);

		expect(await rows()).toEqual(before);
		expect(await auditFor(id)).toHaveLength(1);
	});

	test('exactly one in use per audience; the one in use cannot be deleted', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		const first = await createTemplate(admin.id, input({ name: 'First' }), T);
		const second = await createTemplate(admin.id, input({ name: 'Second' }), T);
		const other = await createTemplate(admin.id, input({ audience: 'responsible' }), T);
		const inUse = async () =>
			(await listTemplates())
				.filter((t) => t.inUse)
				.map((t) => t.id)
				.sort();

		expect(await inUse()).toEqual([first, other].sort());
		await setTemplateInUse(admin.id, second, T + 1);
		expect(await inUse()).toEqual([second, other].sort());
		expect((await templateInUse('survivor'))?.id).toBe(second);
		// Again: nothing changes, nothing more is recorded.
		await setTemplateInUse(admin.id, second, T + 2);
		expect(await auditFor(second)).toMatchObject([
			{ action: 'template.created' },
			{ action: 'template.in_use', at: T + 1 }
		]);

		await expectProblem(deleteTemplate(admin.id, second), 409, 'template_in_use');
		// Moving the one in use to the other audience would leave its own with none.
		await expectProblem(
			updateTemplate(admin.id, second, input({ audience: 'responsible' })),
			409,
			'template_in_use'
		);
		expect(await inUse()).toEqual([second, other].sort());

		expect(await deleteTemplate(admin.id, first, T + 3)).toBe('First');
		expect((await listTemplates()).map((t) => t.id)).not.toContain(first);
		expect(await auditFor(first)).toMatchObject([
			{ action: 'template.created' },
			{ action: 'template.deleted', actorId: admin.id, at: T + 3 }
		]);
		await expectProblem(deleteTemplate(admin.id, first), 404, 'template_not_found');
		await expectProblem(getTemplate(first), 404, 'template_not_found');
		await expectProblem(setTemplateInUse(admin.id, first), 404, 'template_not_found');
		await expectProblem(updateTemplate(admin.id, first, input()), 404, 'template_not_found');
	});

	test('switches at the same moment still leave exactly one in use', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		const ids = [];
		for (const name of ['A', 'B', 'C', 'D'])
			ids.push(await createTemplate(admin.id, input({ name }), T));
		await Promise.all(ids.map((id) => setTemplateInUse(admin.id, id, T + 1)));
		const inUse = (await listTemplates()).filter((t) => t.inUse);
		expect(inUse).toHaveLength(1);
		expect((await templateInUse('survivor'))?.id).toBe(inUse[0]!.id);
	});

	test('a template not in use may move to the other audience', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		await createTemplate(admin.id, input({ name: 'In use' }), T);
		const spare = await createTemplate(admin.id, input({ name: 'Spare' }), T);
		await updateTemplate(admin.id, spare, input({ name: 'Spare', audience: 'responsible' }), T);
		// Its new audience had none in use, so now it is.
		expect(await getTemplate(spare)).toMatchObject({ audience: 'responsible', inUse: true });
		expect((await templateInUse('survivor'))?.name).toBe('In use');
	});

	test('only an active admin may change anything', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		const id = await createTemplate(admin.id, input(), T);
		const spare = await createTemplate(admin.id, input({ name: 'Spare' }), T);
		const before = await rows();
		const facilitator = await insertUser({ orgRole: 'facilitator' });
		const participant = await insertUser({ orgRole: null });
		const former = await insertUser({ orgRole: 'admin', status: 'deactivated' });
		for (const actor of [facilitator.id, participant.id, former.id, 'nobody']) {
			await expectProblem(createTemplate(actor, input()), 403, 'forbidden');
			await expectProblem(updateTemplate(actor, id, input({ name: 'Mine' })), 403, 'forbidden');
			await expectProblem(setTemplateInUse(actor, spare), 403, 'forbidden');
			await expectProblem(deleteTemplate(actor, spare), 403, 'forbidden');
		}
		expect(await rows()).toEqual(before);
	});

	test('no template in use reads as none', async () => {
		expect(await templateInUse('responsible')).toBeNull();
	});
});
