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

const sessionEndedHandlers: (() => void)[] = [];

/** Runs when the server says the session is over (expired, ended elsewhere). */
export function onSessionEnded(handler: () => void) {
	sessionEndedHandlers.push(handler);
}

function sessionEnded() {
	for (const handler of sessionEndedHandlers) handler();
	location.replace('/signin?expired');
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
	let res: Response;
	try {
		res = await fetch(url, {
			method,
			headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			credentials: 'same-origin'
		});
	} catch {
		throw new RequestProblem(0, 'offline', '');
	}
	const data = await res.json().catch(() => ({}));
	if (res.status === 401 && data.code === 'signin_required') sessionEnded();
	if (!res.ok) {
		throw new RequestProblem(res.status, String(data.code ?? 'error'), String(data.message ?? ''));
	}
	return data as T;
}

export const postJson = <T>(url: string, body: unknown = {}) => request<T>('POST', url, body);
export const putJson = <T>(url: string, body: unknown) => request<T>('PUT', url, body);
export const getJson = <T>(url: string) => request<T>('GET', url);
export const deleteJson = <T>(url: string) => request<T>('DELETE', url);
