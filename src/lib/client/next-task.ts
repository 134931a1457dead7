/**
 * Lets the browser paint and handle input before the next step of opening a page: each step
 * (keys, the case log, personal state, rendering) then runs as its own short task instead of
 * one long one. `scheduler.yield` where the browser has it (it keeps this task's priority),
 * else a message to ourselves (no 4 ms clamp, unlike setTimeout).
 */
export function nextTask(): Promise<void> {
	const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
	if (typeof scheduler?.yield === 'function') return scheduler.yield();
	return new Promise((resolve) => {
		const channel = new MessageChannel();
		channel.port1.onmessage = () => {
			channel.port1.close();
			resolve();
		};
		channel.port2.postMessage(null);
	});
}
