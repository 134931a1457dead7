import { describe, expect, it } from 'vitest';
import { fileSize, playable } from './file-size';

describe('fileSize', () => {
	it('uses the units a computer shows, so the 200 MB limit reads as 200 MB', () => {
		expect(fileSize(0)).toBe('0 B');
		expect(fileSize(1023)).toBe('1023 B');
		expect(fileSize(1024)).toBe('1 KB');
		expect(fileSize(600 * 1024)).toBe('600 KB');
		expect(fileSize(1.5 * 1024 * 1024)).toBe('1.5 MB');
		expect(fileSize(200 * 1024 * 1024)).toBe('200 MB');
		expect(fileSize(200 * 1024 * 1024 + 1)).toBe('200 MB');
	});
});

describe('playable', () => {
	it('plays audio and video in the page, saves everything else', () => {
		expect(playable('audio/webm')).toBe('audio');
		expect(playable('video/mp4')).toBe('video');
		expect(playable('application/pdf')).toBeNull();
		expect(playable('')).toBeNull();
	});
});
