/**
 * The run database's plumbing: opening run.sqlite with the settings every connection needs (busy timeout, WAL,
 * synchronous=FULL, foreign keys; a newer schema refused before anything is written) and the JSON columns,
 * validated with the shared zod schemas on the way in (`checked`) and on the way out (`column`).
 */
import { DatabaseSync } from 'node:sqlite';
import type { z } from 'zod';
import { RunConfigSchema, type RunConfig } from '../../shared/model.ts';
import { describeIssues } from '../../shared/issue-path.ts';
import { assertSchemaSupported } from './migrations.ts';

/** How long a write waits for another connection's write lock (a reader such as the UI in another process). */
const BUSY_TIMEOUT_MS = 5000;

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

export function openDatabase(dbFile: string): DatabaseSync {
  const db = new DatabaseSync(dbFile);
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Refuse a newer schema before writing anything to the file (switching the journal mode is a write).
    assertSchemaSupported(db, dbFile);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    const message = (error as Error).message;
    if (/not a database|malformed|file is encrypted/i.test(message)) {
      throw new Error(`${dbFile}: cannot open (${message}): not an omni-review run database, or it is damaged`, {
        cause: error,
      });
    }
    throw error;
  }
}

export function readConfig(db: DatabaseSync, dbFile: string): RunConfig {
  const row = db.prepare('SELECT config FROM run_config WHERE id = 1').get() as Row | undefined;
  if (!row) {
    throw new Error(`${dbFile} holds no run configuration: the run was never fully created; delete the folder and start again`);
  }
  return column(RunConfigSchema, row.config, `${dbFile}: run configuration`);
}
