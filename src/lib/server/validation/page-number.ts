import * as v from 'valibot';

// ?page=N, from 1; absent: the first page.
const PageNumber = v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,5}$/), v.transform(Number));

/** The page a list was asked for (`?page=`), or undefined when it is not a page number. */
export function pageAsked(url: URL): number | undefined {
	const parsed = v.safeParse(PageNumber, url.searchParams.get('page') ?? '1');
	return parsed.success ? parsed.output : undefined;
}
