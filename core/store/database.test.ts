import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDatabaseFileBeforeLock, isSqliteDatabaseFile } from './database.ts';

let dir: string;
let sqlite: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omni-database-'));
  sqlite = path.join(dir, 'real.sqlite');
  const db = new DatabaseSync(sqlite);
  db.exec('CREATE TABLE t (x INTEGER)');
  db.close();
  await writeFile(path.join(dir, 'empty.sqlite'), '');
  await writeFile(path.join(dir, 'text.sqlite'), 'SQLite format 2 but not really a database');
  await mkdir(path.join(dir, 'folder.sqlite'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('isSqliteDatabaseFile', () => {
  it('is true only for a regular file with the SQLite header', async () => {
    expect(await isSqliteDatabaseFile(sqlite)).toBe(true);
    expect(await isSqliteDatabaseFile(path.join(dir, 'empty.sqlite'))).toBe(false);
    expect(await isSqliteDatabaseFile(path.join(dir, 'text.sqlite'))).toBe(false);
    expect(await isSqliteDatabaseFile(path.join(dir, 'folder.sqlite'))).toBe(false);
    expect(await isSqliteDatabaseFile(path.join(dir, 'missing.sqlite'))).toBe(false);
  });
});

describe('checkDatabaseFileBeforeLock', () => {
  const already = (): Error => new Error('already there');

  it('to create: refuses an existing file, and makes the missing folder', async () => {
    await expect(checkDatabaseFileBeforeLock(sqlite, true, already, 'not found')).rejects.toThrow('already there');
    const fresh = path.join(dir, 'new', 'deeper', 'x.sqlite');
    await checkDatabaseFileBeforeLock(fresh, true, already, 'not found');
    expect(existsSync(path.dirname(fresh))).toBe(true);
    expect(existsSync(fresh)).toBe(false);
  });

  it('to open: refuses a missing, empty or foreign file, accepts a database', async () => {
    await expect(checkDatabaseFileBeforeLock(path.join(dir, 'missing.sqlite'), false, already, 'no such run')).rejects.toThrow('no such run');
    await expect(checkDatabaseFileBeforeLock(path.join(dir, 'empty.sqlite'), false, already, 'x')).rejects.toThrow(/is empty \(0 bytes\)/);
    await expect(checkDatabaseFileBeforeLock(path.join(dir, 'text.sqlite'), false, already, 'x')).rejects.toThrow(/is not an SQLite database/);
    await expect(checkDatabaseFileBeforeLock(sqlite, false, already, 'x')).resolves.toBeUndefined();
  });
});
