/**
 * Describes an unexpected error for the log without its message: database errors carry
 * query parameters (names, token hashes), which must not reach logs. Name, code and stack
 * frames are enough to find the fault.
 */
export function describeError(error: unknown): string {
	if (!(error instanceof Error)) return 'non-error thrown';
	const cause = error.cause as { code?: unknown } | undefined;
	const code = (error as { code?: unknown }).code ?? cause?.code;
	const frames = (error.stack ?? '')
		.split('\n')
		.filter((line) => line.trimStart().startsWith('at '))
		.slice(0, 8)
		.join('\n');
	return `${error.name}${code ? ` (${String(code)})` : ''}\n${frames}`;
}
