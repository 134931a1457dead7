import { describe, expect, test } from 'vitest';
import { caseSummariesFor, SUMMARIES_MAX } from './case-summaries';
import { putCaseEnvelope } from './case-envelopes';
import { openCase } from './cases';
import { generateId } from './auth/tokens';
import { addMember, b64, caseWith, entry, fakeEnvelope, session, T } from './case-fixtures';
import { countQueries, expectProblem, useTestDb } from './test-db';

useTestDb();

describe("caseSummariesFor (a dashboard page's titles, in a fixed number of queries)", () => {
	test('each case I facilitate with its log and the newest summary wrapped for me', async () => {
		const one = await caseWith(['survivor']);
		const co = await addMember(one.lead, one.caseId, 'facilitator', null, 'Ivy');
		// The lead revises the summary for both facilitators, then opens a second case.
		await putCaseEnvelope(
			one.lead.id,
			one.caseId,
			fakeEnvelope('case-summary', 'summary', one.lead, [co], { version: 2, body: b64(120, 9) }),
			T + 1000
		);
		const second = generateId();
		await openCase(
			session(one.lead),
			{
				caseId: second,
				entry: entry(one.lead),
				summary: fakeEnvelope('case-summary', 'summary', one.lead, [], { body: b64(90, 8) })
			},
			T + 2000
		);

		const mine = await caseSummariesFor(one.lead.id, [one.caseId, second]);
		expect(mine.cases.map((c) => c.caseId).sort()).toEqual([one.caseId, second].sort());
		const first = mine.cases.find((c) => c.caseId === one.caseId);
		expect(first?.entries.map((e) => e.seq)).toEqual([0, 1, 2]);
		expect(first?.summary).toMatchObject({
			kind: 'case-summary',
			objectId: 'summary',
			version: 2,
			body: b64(120, 9),
			wrap: { reader: one.lead.id },
			readers: [one.lead.id, co.id].sort()
		});
		const other = mine.cases.find((c) => c.caseId === second);
		expect(other?.summary).toMatchObject({ version: 1, body: b64(90, 8) });
		// Everyone ever in either case is in the directory, to check the logs' signatures.
		expect(mine.directory.map((d) => d.userId).sort()).toEqual(
			[one.lead.id, one.survivor!.id, co.id].sort()
		);

		// The co-facilitator gets the same version with their own wrap, and only that case.
		const theirs = await caseSummariesFor(co.id, [one.caseId, second]);
		expect(theirs.cases.map((c) => c.caseId)).toEqual([one.caseId]);
		expect(theirs.cases[0]?.summary).toMatchObject({ version: 2, wrap: { reader: co.id } });
	});

	test('the same number of queries for one case as for five', async () => {
		const { lead, caseId } = await caseWith([]);
		const ids = [caseId];
		const forOne = await countQueries(() => caseSummariesFor(lead.id, ids));
		for (let i = 0; i < 4; i++) {
			const summary = fakeEnvelope('case-summary', 'summary', lead, []);
			ids.push(generateId());
			await openCase(session(lead), { caseId: ids.at(-1)!, entry: entry(lead), summary }, T);
		}
		expect((await caseSummariesFor(lead.id, ids)).cases).toHaveLength(5);
		expect(await countQueries(() => caseSummariesFor(lead.id, ids))).toBe(forOne);
	});

	test("only the cases asked for, and only those I facilitate; a page's worth at most", async () => {
		const one = await caseWith(['survivor']);
		const two = await caseWith([]);
		const mine = await caseSummariesFor(one.lead.id, [one.caseId, two.caseId, generateId()]);
		expect(mine.cases.map((c) => c.caseId)).toEqual([one.caseId]);
		expect(mine.directory.map((d) => d.userId).sort()).toEqual(
			[one.lead.id, one.survivor!.id].sort()
		);
		const many = Array.from({ length: SUMMARIES_MAX + 1 }, () => generateId());
		await expectProblem(caseSummariesFor(one.lead.id, many), 400, 'bad_request');
	});

	test('a participant gets nothing: only facilitators can read a summary', async () => {
		const { survivor, caseId } = await caseWith(['survivor']);
		expect(await caseSummariesFor(survivor!.id, [caseId])).toEqual({ cases: [], directory: [] });
	});
});
