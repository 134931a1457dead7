/** A refusal from the server, with the words it chose for the person. */
export class RequestProblem extends Error {
	constructor(
		public status: number,
		public code: string,
		message: string
	) {
		super(message);
	}
}

export async function postJson<T>(url: string, body: unknown): Promise<T> {
	let res: Response;
	try {
		res = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(body),
			credentials: 'same-origin'
		});
	} catch {
		throw new RequestProblem(0, 'offline', '');
	}
	const data = await res.json().catch(() => ({}));
	if (!res.ok) {
		throw new RequestProblem(res.status, String(data.code ?? 'error'), String(data.message ?? ''));
	}
	return data as T;
}
