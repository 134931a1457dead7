import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { toBase64url, toHex } from './bytes';
import { codeOf, people, subjectOf } from './case-log.fixtures';
import { publicOf } from './identity';
import {
	checkInviterPin,
	checkJoinTag,
	formatInviteFragment,
	inviteKey,
	joinTag,
	newInviteSecret,
	parseInviteFragment,
	type JoinFields
} from './invite';

const secret = new Uint8Array(32).fill(1);
const inviterFp = subjectOf(people.ana).fp;
const fields: JoinFields = {
	inviteId: 'inv-1',
	caseId: 'case-1',
	role: 'survivor',
	joinerUserId: 'sam',
	joinerFp: new Uint8Array(32).fill(7)
};

// The same derivation from DESIGN §4, written with Node's own HKDF and HMAC.
const frame = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
function nodeKey(s: Uint8Array): Buffer {
	const info = Buffer.from('circlekeeper/invite/v1\0');
	return Buffer.from(hkdfSync('sha256', s, Buffer.alloc(0), info, 32));
}
function nodeTag(s: Uint8Array, f: JoinFields): Buffer {
	const message = Buffer.concat([
		Buffer.from('circlekeeper/invite/join/v1\0'),
		...[f.inviteId, f.caseId, f.role, f.joinerUserId].map((x) => frame(Buffer.from(x))),
		frame(Buffer.from(f.joinerFp))
	]);
	return createHmac('sha256', nodeKey(s)).update(message).digest();
}

describe('invite fragment', () => {
	test('a new secret is 32 random bytes', () => {
		const a = newInviteSecret();
		expect(a).toHaveLength(32);
		expect(toHex(a)).not.toBe(toHex(newInviteSecret()));
	});

	test('round-trips, with or without the leading #', () => {
		const fragment = formatInviteFragment(secret, inviterFp);
		expect(fragment).toBe(`v1.${toBase64url(secret)}.${toBase64url(inviterFp)}`);
		expect(fragment).toMatch(/^v1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
		for (const f of [fragment, `#${fragment}`]) {
			const parsed = parseInviteFragment(f);
			expect(toHex(parsed.secret)).toBe(toHex(secret));
			expect(toHex(parsed.inviterFp)).toBe(toHex(inviterFp));
		}
	});

	const good = formatInviteFragment(secret, inviterFp);
	const [, s, fp] = good.split('.') as [string, string, string];
	const cases: [string, string, string][] = [
		['a newer version', `v2.${s}.${fp}`, 'unknown_version'],
		['a newer version with other parts', 'v10.abc', 'unknown_version'],
		['no version', `${s}.${fp}`, 'bad_invite'],
		['an odd version', `V1.${s}.${fp}`, 'bad_invite'],
		['a missing part', `v1.${s}`, 'bad_invite'],
		['an extra part', `${good}.x`, 'bad_invite'],
		['padding', `v1.${s}=.${fp}`, 'bad_invite'],
		['a short secret', `v1.${s.slice(0, 42)}.${fp}`, 'bad_invite'],
		['a long fingerprint', `v1.${s}.${fp}AA`, 'bad_invite'],
		['standard base64', `v1.${s.replace(/./, '+')}.${fp}`, 'bad_invite'],
		['a non-canonical last symbol', `v1.${s.slice(0, -1)}B.${fp}`, 'bad_invite'],
		['an empty string', '', 'bad_invite'],
		['whitespace', ` ${good}`, 'bad_invite']
	];
	test.each(cases)('refuses %s', async (_name, fragment, code) => {
		expect(await codeOf(() => parseInviteFragment(fragment))).toBe(code);
	});

	test('refuses to format the wrong lengths', async () => {
		expect(await codeOf(() => formatInviteFragment(secret.slice(1), inviterFp))).toBe('bad_length');
	});
});

describe('join tag (known answers)', () => {
	test('the key is HKDF-SHA-256(secret, empty salt, "invite/v1")', async () => {
		expect(toHex(await inviteKey(secret))).toBe(nodeKey(secret).toString('hex'));
		expect(toHex(await inviteKey(secret))).toBe(
			'31b5329572299db73d7347ef6292ed79db68f0937546a7a609e5be0b3a5ce6df'
		);
	});

	test('the tag is HMAC-SHA-256 over the encoded fields', async () => {
		const tag = await joinTag(secret, fields);
		expect(toHex(tag)).toBe(nodeTag(secret, fields).toString('hex'));
		expect(toHex(tag)).toBe('fb98fdfd11815f9149c87b77097f05f9711720fb45881a76362eee7f16d4e391');
	});

	test('checkJoinTag accepts the tag and refuses any other field, secret or tag', async () => {
		const tag = await joinTag(secret, fields);
		await expect(checkJoinTag(secret, fields, tag)).resolves.toBeUndefined();
		const changed: JoinFields[] = [
			{ ...fields, inviteId: 'inv-2' },
			{ ...fields, caseId: 'case-2' },
			{ ...fields, role: 'supporter' },
			{ ...fields, joinerUserId: 'mal' },
			{ ...fields, joinerFp: new Uint8Array(32).fill(8) }
		];
		for (const f of changed)
			expect(await codeOf(() => checkJoinTag(secret, f, tag))).toBe('bad_mac');
		const other = new Uint8Array(32).fill(2);
		expect(await codeOf(() => checkJoinTag(other, fields, tag))).toBe('bad_mac');
		for (let i = 0; i < 32; i++) {
			const flipped = tag.slice();
			flipped[i]! ^= 0x80;
			expect(await codeOf(() => checkJoinTag(secret, fields, flipped))).toBe('bad_mac');
		}
		expect(await codeOf(() => checkJoinTag(secret, fields, tag.slice(0, 16)))).toBe('bad_mac');
	});

	test('fields are framed, so shifting characters between them changes the tag', async () => {
		const a = await joinTag(secret, { ...fields, inviteId: 'ab', caseId: 'c' });
		const b = await joinTag(secret, { ...fields, inviteId: 'a', caseId: 'bc' });
		expect(toHex(a)).not.toBe(toHex(b));
	});

	test('refuses secrets and fingerprints of the wrong length', async () => {
		expect(await codeOf(() => inviteKey(new Uint8Array(16)))).toBe('bad_length');
		const short = { ...fields, joinerFp: new Uint8Array(31) };
		expect(await codeOf(() => joinTag(secret, short))).toBe('bad_length');
	});
});

describe('checkInviterPin', () => {
	test('passes the inviter the link names, and returns their fingerprint', () => {
		expect(toHex(checkInviterPin(inviterFp, publicOf(people.ana)))).toBe(toHex(inviterFp));
	});

	test('stops when the server shows other keys for the inviter', async () => {
		const swapped = { ...publicOf(people.mal), userId: 'ana' };
		expect(await codeOf(() => checkInviterPin(inviterFp, swapped))).toBe('fingerprint_mismatch');
		const halfSwapped = { ...publicOf(people.ana), boxPk: people.mal.boxPk };
		expect(await codeOf(() => checkInviterPin(inviterFp, halfSwapped))).toBe(
			'fingerprint_mismatch'
		);
	});
});
