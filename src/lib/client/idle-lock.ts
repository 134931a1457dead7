import { lock } from './lock';

/**
 * Wipes the keys in a tab left alone longer than the server keeps an idle session, and says
 * the session ended: an unattended screen should not hold open keys until its next request.
 */
export function lockWhenIdle(idleMs: number): () => void {
	let last = Date.now();
	const seen = () => (last = Date.now());
	const events = ['pointerdown', 'keydown', 'scroll', 'visibilitychange'] as const;
	for (const e of events) addEventListener(e, seen, { passive: true });
	const timer = setInterval(() => {
		if (Date.now() - last < idleMs) return;
		clearInterval(timer);
		void lock().finally(() => location.replace('/signin?expired'));
	}, 30_000);
	return () => {
		clearInterval(timer);
		for (const e of events) removeEventListener(e, seen);
	};
}
