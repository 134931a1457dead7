import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextTask } from './next-task';

describe('nextTask', () => {
	afterEach(() => {
		vi.unstubAllGlobals();
	});

	it('resolves in a later task, after what was already queued as microtasks', async () => {
		const order: string[] = [];
		void Promise.resolve().then(() => order.push('microtask'));
		await nextTask();
		order.push('next task');
		expect(order).toEqual(['microtask', 'next task']);
	});

	it('uses scheduler.yield where the browser has it', async () => {
		const yieldFn = vi.fn(() => Promise.resolve());
		vi.stubGlobal('scheduler', { yield: yieldFn });
		await nextTask();
		expect(yieldFn).toHaveBeenCalledOnce();
	});

	it('falls back to a message when scheduler has no yield', async () => {
		vi.stubGlobal('scheduler', {});
		await expect(nextTask()).resolves.toBeUndefined();
	});
});
