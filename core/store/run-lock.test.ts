import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LOCK_FILE, acquireRunLock, isProcessAlive } from './run-lock.ts';
import { tempDir } from './testing.ts';

/** The pid of a process that has exited (reuse within the test is practically impossible). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (!child.pid) throw new Error('could not spawn a child process');
  return child.pid;
}

describe('run lock', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('lock'));
  });
  afterEach(async () => cleanup());

  it('writes our pid and removes the file on release', async () => {
    const lock = acquireRunLock(dir);
    expect((await readFile(path.join(dir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
    lock.release();
    lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses while another live process holds it', async () => {
    const other = process.ppid;
    expect(isProcessAlive(other)).toBe(true);
    await writeFile(path.join(dir, LOCK_FILE), `${other}\n`);
    expect(() => acquireRunLock(dir)).toThrow(`the run folder is in use by process ${other}`);
    // The holder's lock is left as it was, and no temp files remain.
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
    expect((await readFile(path.join(dir, LOCK_FILE), 'utf8')).trim()).toBe(String(other));
  });

  it('takes over a stale lock whose process is gone', async () => {
    const dead = deadPid();
    expect(isProcessAlive(dead)).toBe(false);
    await writeFile(path.join(dir, LOCK_FILE), `${dead}\n`);
    const lock = acquireRunLock(dir);
    expect((await readFile(path.join(dir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
    lock.release();
  });

  it('treats a garbage lock file as stale', async () => {
    await writeFile(path.join(dir, LOCK_FILE), 'not a pid');
    acquireRunLock(dir).release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('does not remove a lock someone else took over', async () => {
    const lock = acquireRunLock(dir);
    await writeFile(path.join(dir, LOCK_FILE), `${process.ppid}\n`);
    lock.release();
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
  });
});
