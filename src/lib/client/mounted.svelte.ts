import { onMount } from 'svelte';

/**
 * True once the page's script runs. Buttons that work only by script stay disabled until
 * then, so an early click cannot fall through to a plain form submit that does nothing.
 */
export function mounted() {
	let ready = $state(false);
	onMount(() => {
		ready = true;
	});
	return {
		get current() {
			return ready;
		}
	};
}
