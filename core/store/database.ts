/**
 * The plumbing of the run and sweep databases: opening run.sqlite with the settings every connection needs (busy timeout, WAL,
 * synchronous=FULL, foreign keys; a newer schema refused before anything is written) and the JSON columns,
 * validated with the shared zod schemas on the way in (`checked`) and on the way out (`column`).
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { z } from 'zod';
import { RunConfigSchema, type RunConfig } from '../../shared/model.ts';
import { describeIssues } from '../../shared/issue-path.ts';
import { assertSchemaSupported } from './migrations.ts';
import { StoreError, isDamagedDatabaseMessage } from './store-error.ts';

/** How long a write waits for another connection's write lock (a reader such as the UI in another process). */
const BUSY_TIMEOUT_MS = 5000;
/** The first 16 bytes of every SQLite database file. */
export const SQLITE_HEADER = 'SQLite format 3\0';

/** A row as node:sqlite returns it. */
export type Row = Record<string, unknown>;

/** Validate before writing, so nothing malformed reaches the file. */
export function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`cannot save ${what}: ${describeIssues(r.error.issues, 3)}`);
  return r.data;
}

/** Parse and validate a JSON column read back from the file. */
export function column<T>(schema: z.ZodType<T>, text: unknown, where: string): T {
  let value: unknown;
  try {
    value = JSON.parse(String(text));
  } catch (error) {
    throw new Error(`${where} is not valid JSON (${(error as Error).message}): the run file is damaged`, {
      cause: error,
    });
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new Error(
      `${where} does not match this omni-review's model (${describeIssues(r.error.issues, 3)}): the run file is damaged ` +
        'or was written by another version',
    );
  }
  return r.data;
}

/** One line for a run.sqlite that cannot be used as it is: never advice that would lose the saved images. */
export function damagedError(dbFile: string, what: string, cause?: unknown): StoreError {
  return new StoreError(
    'damaged',
    `${dbFile} ${what}. Nothing was sent and nothing in the folder was changed (the saved images stay in its images/ folder). ` +
      'Keep the folder as it is (copy it to restore run.sqlite from a backup) and start a new run with --out NEW_FOLDER',
    cause === undefined ? undefined : { cause },
  );
}

/**
 * True when `file` is a regular file that starts with SQLite's 16-byte header (a run's or a sweep's database).
 * Reads those bytes only; never opens the database, so a folder can be classified without writing to it.
 */
export async function isSqliteDatabaseFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    const handle = await open(file, 'r');
    try {
      const header = Buffer.alloc(SQLITE_HEADER.length);
      const { bytesRead } = await handle.read(header, 0, header.length, 0);
      return bytesRead === header.length && header.toString('latin1') === SQLITE_HEADER;
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/**
 * Before SQLite touches an existing run.sqlite: an empty (0-byte) or foreign file would otherwise be taken for
 * a new database and get a fresh schema written into it. Never writes.
 */
export function checkExistingDatabaseFile(dbFile: string): void {
  let header: Buffer;
  let read: number;
  try {
    const fd = openSync(dbFile, 'r');
    try {
      header = Buffer.alloc(SQLITE_HEADER.length);
      read = readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new StoreError('damaged', `${dbFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Nothing was changed. Check the file's permissions`, { cause: error });
  }
  if (read === 0) throw damagedError(dbFile, 'is empty (0 bytes): the run was cut off while it was being created, or the file was truncated');
  if (read < header.length || header.toString('latin1') !== SQLITE_HEADER) {
    throw damagedError(dbFile, 'is not an SQLite database (its first bytes are wrong): not an omni-review run database, or it is damaged');
  }
}

/**
 * The read-only checks before a store takes its folder's lock (a run's or a sweep's): to create, `dbFile` must not
 * exist yet (`alreadyThere`) and its folder is made; to open, it must exist (`notFound`) and be an SQLite file.
 * Nothing is written into an existing folder, not even the lock file, before these pass.
 */
export async function checkDatabaseFileBeforeLock(dbFile: string, create: boolean, alreadyThere: () => Error, notFound: string): Promise<void> {
  if (create) {
    if (existsSync(dbFile)) throw alreadyThere();
    await mkdir(path.dirname(dbFile), { recursive: true });
  } else if (!existsSync(dbFile)) {
    throw new Error(notFound);
  } else {
    checkExistingDatabaseFile(dbFile);
  }
}

/** SQLite's own page-level check, read-only; run before a runner writes anything or connects to a server. */
function assertDatabaseIntact(db: DatabaseSync, dbFile: string): void {
  let rows: Row[];
  try {
    rows = db.prepare('PRAGMA quick_check(5)').all() as Row[];
  } catch (error) {
    throw damagedError(dbFile, `is damaged (${(error as Error).message})`, error);
  }
  const problems = rows.map((r) => String(Object.values(r)[0])).filter((m) => m !== 'ok');
  if (problems.length > 0) throw damagedError(dbFile, `is damaged (SQLite's check: ${problems.slice(0, 2).join('; ')})`);
}

/** @param latest the newest schema version this file may have (a sweep database has its own list of migrations). */
export function openDatabase(dbFile: string, verify = false, latest?: number): DatabaseSync {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(dbFile);
  } catch (error) {
    const message = (error as Error).message;
    if (isDamagedDatabaseMessage(message)) throw damagedError(dbFile, `cannot be opened (${message})`, error);
    throw error;
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Refuse a newer schema before writing anything to the file (switching the journal mode is a write).
    assertSchemaSupported(db, dbFile, latest);
    if (verify) assertDatabaseIntact(db, dbFile);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    const message = (error as Error).message;
    if (isDamagedDatabaseMessage(message)) {
      throw damagedError(dbFile, `cannot be opened (${message}): not an omni-review run database, or it is damaged`, error);
    }
    throw error;
  }
}

export function readConfig(db: DatabaseSync, dbFile: string): RunConfig {
  const row = db.prepare('SELECT config FROM run_config WHERE id = 1').get() as Row | undefined;
  if (!row) {
    throw damagedError(dbFile, 'holds no run configuration: the run was cut off while it was being created');
  }
  return column(RunConfigSchema, row.config, `${dbFile}: run configuration`);
}
