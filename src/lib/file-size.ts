/**
 * A file size in the units file managers show (KB and MB of 1024), so "200 MB" here is the
 * same limit a person's own computer reports.
 */
export function fileSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
	const mb = bytes / (1024 * 1024);
	return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

/** Recordings and video play in the page once opened; anything else is saved. */
export function playable(type: string): 'audio' | 'video' | null {
	if (/^audio\//.test(type)) return 'audio';
	if (/^video\//.test(type)) return 'video';
	return null;
}
