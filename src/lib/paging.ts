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

/** 1-based positions of the first and last of `shown` items on page `page` (0, 0 for none). */
export function positions(page: number, size: number, shown: number) {
	const from = shown ? (page - 1) * size + 1 : 0;
	return { from, to: shown ? from + shown - 1 : 0 };
}

export function pageOf<T>(all: readonly T[], page: number, size: number): Paged<T> {
	const total = all.length;
	const pages = Math.max(1, Math.ceil(total / size));
	const items = all.slice((page - 1) * size, page * size);
	return { items, page, pages, ...positions(page, size, items.length), total };
}
