import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { closeDb, getDb, openDb } from './db';
import { auditEvents, cases, users } from './db/schema';
import { BackupRefused, backupName, backupTime, makeBackup } from './backup';
import { setRetentionPolicy, RETENTION_DEFAULTS } from './retention';
import { caseWith, T } from './case-fixtures';
import { insertUser, useTestDb } from './test-db';

// A copy can be made to fail its integrity check: the client that opens it answers otherwise.
const corrupt = vi.hoisted(() => ({ on: false }));
vi.mock('@libsql/client', async (importOriginal) => {
	const real = await importOriginal<typeof import('@libsql/client')>();
	const createClient: typeof real.createClient = (options) => {
		const client = real.createClient(options);
		if (!corrupt.on || !options.url.includes('circlekeeper-')) return client;
		const execute = (async () => ({ rows: [['*** in database main ***']] })) as never;
		return Object.assign(client, { execute });
	};
	return { ...real, createClient };
});

useTestDb();

const DAY = 86_400_000;
const dirs: string[] = [];
const tempDir = () => {
	const dir = mkdtempSync(join(tmpdir(), 'ck-backup-'));
	dirs.push(dir);
	return dir;
};
afterAll(() => {
	for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function countIn(path: string, table: string) {
	const client = createClient({ url: `file:${path}` });
	try {
		const result = await client.execute(`SELECT count(*) AS n FROM ${table}`);
		return Number(result.rows[0]?.n);
	} finally {
		client.close();
	}
}

describe('backup names', () => {
	test('carry the UTC time to the second, and only such names are read back', () => {
		expect(backupName(Date.UTC(2030, 0, 2, 3, 4, 5, 678))).toBe('circlekeeper-20300102T030405Z.db');
		expect(backupTime('circlekeeper-20300102T030405Z.db')).toBe(Date.UTC(2030, 0, 2, 3, 4, 5));
		for (const other of [
			'circlekeeper-20300102T030405Z.db-wal',
			'circlekeeper.db',
			'other-20300102T030405Z.db',
			'circlekeeper-2030-01-02.db'
		]) {
			expect(backupTime(other)).toBeNull();
		}
	});
});

describe('makeBackup', () => {
	test('writes a copy that passes the integrity check and holds the data, and audits it', async () => {
		const { caseId } = await caseWith();
		const dir = join(tempDir(), 'nested', 'backups');
		const made = await makeBackup(T, dir);

		expect(made.file).toBe(backupName(T));
		expect(readdirSync(dir)).toEqual([made.file]);
		expect(made.deleted).toEqual([]);
		const check = createClient({ url: `file:${made.path}` });
		expect((await check.execute('PRAGMA integrity_check')).rows[0]?.[0]).toBe('ok');
		const found = await check.execute({ sql: 'SELECT id FROM cases WHERE id = ?', args: [caseId] });
		check.close();
		expect(found.rows.length).toBe(1);
		expect(await countIn(made.path, 'users')).toBe((await getDb().select().from(users)).length);
		expect(await countIn(made.path, 'case_members')).toBeGreaterThan(0);

		const events = await getDb()
			.select()
			.from(auditEvents)
			.where(eq(auditEvents.action, 'backup.made'));
		expect(events).toHaveLength(1);
		// Who made it is the operator's shell, and where it went is not the audit's business.
		expect(events[0]).toMatchObject({ actorId: null, objectType: null, objectId: null, at: T });
	});

	test('a path with a quote in it is a value, not SQL', async () => {
		const dir = join(tempDir(), "it's here; DROP TABLE users; --");
		const made = await makeBackup(T, dir);
		expect(existsSync(made.path)).toBe(true);
		expect(await countIn(made.path, 'users')).toBeGreaterThan(0);
	});

	test('deletes backups older than the closed-case window and keeps newer ones and other files', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		await setRetentionPolicy(admin.id, { ...RETENTION_DEFAULTS, closedCaseDays: 10 }, T);
		const dir = tempDir();
		const now = T + 100 * DAY;
		const old = [backupName(now - 11 * DAY), backupName(now - 10 * DAY - 1000)];
		const kept = [backupName(now - 10 * DAY), backupName(now - DAY)];
		for (const name of [...old, ...kept]) writeFileSync(join(dir, name), 'x');
		writeFileSync(join(dir, `${old[0]}-wal`), 'x');
		writeFileSync(join(dir, 'notes.txt'), 'x');
		writeFileSync(join(dir, 'circlekeeper.db'), 'x');

		const made = await makeBackup(now, dir);

		expect(made.deleted.sort()).toEqual([...old].sort());
		expect(readdirSync(dir).sort()).toEqual(
			[...kept, made.file, 'notes.txt', 'circlekeeper.db'].sort()
		);
	});

	test('a window of 0 days keeps only the backup just made', async () => {
		const admin = await insertUser({ orgRole: 'admin' });
		await setRetentionPolicy(admin.id, { ...RETENTION_DEFAULTS, closedCaseDays: 0 }, T);
		const dir = tempDir();
		const now = T + 200 * DAY;
		writeFileSync(join(dir, backupName(now - 1000)), 'x');
		const made = await makeBackup(now, dir);
		expect(readdirSync(dir)).toEqual([made.file]);
		await setRetentionPolicy(admin.id, RETENTION_DEFAULTS, T);
	});

	test('a copy that fails its integrity check is deleted, and nothing else is', async () => {
		const dir = tempDir();
		const now = T + 250 * DAY;
		const older = backupName(now - DAY);
		writeFileSync(join(dir, older), 'x');
		const before = await getDb().select().from(auditEvents);
		corrupt.on = true;
		try {
			const error = await makeBackup(now, dir).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(BackupRefused);
			expect((error as Error).message).toContain('failed its integrity check');
		} finally {
			corrupt.on = false;
		}
		expect(readdirSync(dir)).toEqual([older]);
		expect(await getDb().select().from(auditEvents)).toEqual(before);
	});

	test('refuses a name that exists already, leaving it as it was', async () => {
		const dir = tempDir();
		const now = T + 300 * DAY;
		writeFileSync(join(dir, backupName(now)), 'older');
		await expect(makeBackup(now, dir)).rejects.toBeInstanceOf(BackupRefused);
		expect(readdirSync(dir)).toEqual([backupName(now)]);
	});

	test('is refused on a libsql server, before anything is written', async () => {
		const dir = join(tempDir(), 'server');
		const before = process.env.DATABASE_URL;
		process.env.DATABASE_URL = 'libsql://db.example.invalid';
		try {
			const error = await makeBackup(T, dir).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(BackupRefused);
			expect((error as Error).message).toContain("libsql server's own backup tooling");
		} finally {
			process.env.DATABASE_URL = before;
		}
		expect(existsSync(dir)).toBe(false);
	});

	test('restore: the app opens a copy of a backup as its database and finds the data', async () => {
		const { caseId } = await caseWith();
		const made = await makeBackup(T + 400 * DAY, tempDir());
		const restored = join(tempDir(), 'restored.db');
		copyFileSync(made.path, restored);

		const before = process.env.DATABASE_URL;
		await closeDb();
		process.env.DATABASE_URL = `file:${restored}`;
		try {
			// The app's own open: pragmas, then migrations (none left to apply).
			await openDb();
			const [row] = await getDb().select().from(cases).where(eq(cases.id, caseId));
			expect(row?.id).toBe(caseId);
			const backups = await getDb()
				.select()
				.from(auditEvents)
				.where(eq(auditEvents.action, 'backup.made'));
			// The copy was made before its own audit event was written.
			expect(backups.length).toBeGreaterThan(0);
		} finally {
			await closeDb();
			process.env.DATABASE_URL = before;
			await openDb();
		}
	});
});
