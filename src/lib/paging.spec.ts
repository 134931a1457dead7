import { describe, expect, test } from 'vitest';
import { pageOf } from './paging';

describe('pageOf', () => {
	const list = Array.from({ length: 65 }, (_, i) => i + 1);

	test('pages of the size asked, in order, with where they are in the whole', () => {
		expect(pageOf(list, 1, 30)).toEqual({
			items: list.slice(0, 30),
			page: 1,
			pages: 3,
			from: 1,
			to: 30,
			total: 65
		});
		const last = pageOf(list, 3, 30);
		expect(last.items).toEqual([61, 62, 63, 64, 65]);
		expect([last.from, last.to]).toEqual([61, 65]);
	});

	test('every item exactly once across the pages', () => {
		const seen = [1, 2, 3].flatMap((p) => pageOf(list, p, 30).items);
		expect(seen).toEqual(list);
	});

	test('an empty list is one empty page; past the end gives nothing and the real count', () => {
		expect(pageOf([], 1, 30)).toEqual({ items: [], page: 1, pages: 1, from: 0, to: 0, total: 0 });
		const past = pageOf(list, 9, 30);
		expect(past.items).toEqual([]);
		expect(past.pages).toBe(3);
	});

	test('exactly full pages leave no empty page at the end', () => {
		expect(pageOf(list.slice(0, 60), 1, 30).pages).toBe(2);
	});
});
