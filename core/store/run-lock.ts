/**
 * `run.lock`: one process drives a run folder at a time. The file holds the owner's pid. A lock whose pid is
 * no longer alive (a killed run) is stale and is taken over, so a crash never needs a manual cleanup.
 *
 * The lock file is created complete and atomically: written under a unique temp name, then hard-linked to
 * `run.lock` (link fails with EEXIST when the lock exists), so no reader ever sees an empty or partial lock.
 */
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StoreError } from './store-error.ts';

export const LOCK_FILE = 'run.lock';

/** The lock of a store opened without one (`lock: false`: a read-only viewer); releasing it does nothing. */
export const NO_LOCK: RunLock = { file: '', release() {} };

/** True when a process with this pid exists (EPERM means it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in a lock file; null when unreadable, missing or garbage (garbage counts as stale). */
function readLockPid(file: string): number | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function inUseError(dir: string, pid: number): Error {
  const who = pid === process.pid ? 'this process (the run is already open)' : `process ${pid}`;
  return new StoreError(
    'in-use',
    `${path.join(dir, LOCK_FILE)}: the run folder is in use by ${who}. Nothing was changed, and what it saves is safe. ` +
      `Wait for it to finish or stop it, then continue with: npx omni-review run --resume ${dir} ` +
      '(if that process is not omni-review, delete the lock file, never the folder).',
  );
}

export interface RunLock {
  readonly file: string;
  /** Remove the lock if it is still ours. Idempotent. */
  release(): void;
}

/**
 * Take the lock of `dir` (which must exist). Throws when a live process holds it. Bounded: a few rounds of
 * stale takeover, then a clear error.
 */
export function acquireRunLock(dir: string): RunLock {
  const file = path.join(dir, LOCK_FILE);
  const unique = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const tmp = path.join(dir, `.${LOCK_FILE}.${unique}.tmp`);
  writeFileSync(tmp, `${process.pid}\n`, { flag: 'wx' });
  try {
    for (let round = 0; round < 5; round++) {
      try {
        linkSync(tmp, file);
        return makeLock(file);
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const holder = readLockPid(file);
      if (holder !== null && isProcessAlive(holder)) throw inUseError(dir, holder);
      // Stale. Move it aside atomically rather than unlinking it: if another process took it over between
      // our read and now, what we moved is that process's live lock, and we put it back.
      const aside = path.join(dir, `.${LOCK_FILE}.stale-${unique}-${round}`);
      try {
        renameSync(file, aside);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') continue;
        throw error;
      }
      const moved = readLockPid(aside);
      if (moved !== null && moved !== holder && isProcessAlive(moved)) {
        try {
          linkSync(aside, file);
        } catch {
          // Someone else holds it now; either way it is not ours.
        }
        rmSync(aside, { force: true });
        throw inUseError(dir, moved);
      }
      rmSync(aside, { force: true });
    }
    throw new Error(`${file}: could not take the lock (other processes keep taking it over); try again`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

function makeLock(file: string): RunLock {
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      // Only remove a lock that is still ours (never someone's who took over a lock we lost).
      if (readLockPid(file) === process.pid) rmSync(file, { force: true });
    },
  };
}
