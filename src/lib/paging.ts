/**
 * One page of a list already in its order (1-based pages). `pages` is at least 1; a page past
 * the end gives no items, so the route can send the person to the last page instead.
 */
export type Paged<T> = {
	items: T[];
	page: number;
	pages: number;
	/** 1-based positions of the first and last item shown (0 and 0 when there are none). */
	from: number;
	to: number;
	total: number;
};

export function pageOf<T>(all: readonly T[], page: number, size: number): Paged<T> {
	const total = all.length;
	const pages = Math.max(1, Math.ceil(total / size));
	const items = all.slice((page - 1) * size, page * size);
	const from = items.length ? (page - 1) * size + 1 : 0;
	return { items, page, pages, from, to: items.length ? from + items.length - 1 : 0, total };
}
