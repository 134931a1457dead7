/** A file size in words people read (KB, MB), rounded the way file managers round. */
export function fileSize(bytes: number): string {
	if (bytes < 1000) return `${bytes} B`;
	if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
	const mb = bytes / 1_000_000;
	return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

/** Recordings and video play in the page once opened; anything else is saved. */
export function playable(type: string): 'audio' | 'video' | null {
	if (/^audio\//.test(type)) return 'audio';
	if (/^video\//.test(type)) return 'video';
	return null;
}
