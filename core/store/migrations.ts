/**
 * Versioned schema of run.sqlite. `PRAGMA user_version` holds the number of the last migration applied; each
 * migration runs in its own transaction together with the version bump, so a crash mid-upgrade leaves the
 * file at the previous version, never half-migrated. Append new migrations; never edit a shipped one.
 */
import type { DatabaseSync } from 'node:sqlite';

export interface Migration {
  /** 1, 2, 3 … in order, no gaps. */
  version: number;
  /** What it does, for error messages. */
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE run_config (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        run_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        config TEXT NOT NULL
      );
      CREATE TABLE images (
        id TEXT PRIMARY KEY,
        mime TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        rel_path TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE jobs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        case_id TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('A', 'B')),
        turn INTEGER NOT NULL,
        repeat INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'ok', 'error', 'skipped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        request TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE results (
        job_id TEXT PRIMARY KEY REFERENCES jobs(id),
        status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
        image_id TEXT REFERENCES images(id),
        result TEXT NOT NULL,
        saved_at TEXT NOT NULL
      );
      CREATE TABLE comparisons (
        pair_key TEXT PRIMARY KEY,
        comparison TEXT NOT NULL,
        saved_at TEXT NOT NULL
      );
      CREATE TABLE server_info (
        side TEXT PRIMARY KEY CHECK (side IN ('A', 'B')),
        info TEXT NOT NULL,
        saved_at TEXT NOT NULL
      );
      CREATE TABLE verdicts (
        id TEXT PRIMARY KEY,
        pair_key TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        verdict TEXT NOT NULL,
        data TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX verdicts_by_pair ON verdicts(pair_key);
    `,
  },
  {
    // Issue 11. Verdict tags become per side: every stored verdict gets empty `sideTags` and `dismissed` lists, and
    // its existing `tags` stay where they are, read from now on as tags about the pair as a whole: which side an
    // older tag meant was never recorded, and copying it to both sides would claim a failure on a side that may
    // not have it. OCR reads are stored like comparisons, one row per (image, expected text, engine version), so
    // a resumed run does not read again what it already read.
    version: 2,
    name: 'per-side verdict tags and OCR reads',
    sql: `
      UPDATE verdicts SET data = json_set(data, '$.sideTags', json('{"A":[],"B":[]}'))
        WHERE json_type(data, '$.sideTags') IS NULL;
      UPDATE verdicts SET data = json_set(data, '$.dismissed', json('{"A":[],"B":[]}'))
        WHERE json_type(data, '$.dismissed') IS NULL;
      CREATE TABLE ocr_reads (
        read_key TEXT PRIMARY KEY,
        image_id TEXT NOT NULL REFERENCES images(id),
        engine TEXT NOT NULL,
        read TEXT NOT NULL,
        saved_at TEXT NOT NULL
      );
      CREATE INDEX ocr_reads_by_image ON ocr_reads(image_id);
    `,
  },
  {
    // Issue 10. A backend's output is recorded the moment it is on disk (unsynced, not yet decoded) so the side's
    // next request can go out at once; the image is then fsynced and decoded off that path, and only then does the
    // job become ok (a row in results, the image in images) and this row go. A job still here when a run is
    // resumed is checked again from its file, never sent again unless the file is gone or not what was received.
    version: 3,
    name: 'staged results',
    sql: `
      CREATE TABLE staged_results (
        job_id TEXT PRIMARY KEY REFERENCES jobs(id),
        image_id TEXT NOT NULL,
        rel_path TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        result TEXT NOT NULL,
        saved_at TEXT NOT NULL
      );
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

/** Throws when the file was made by a newer omni-review (it cannot know what the newer tables mean). */
export function assertSchemaSupported(db: DatabaseSync, file: string, latest: number = SCHEMA_VERSION): void {
  const current = schemaVersion(db);
  if (current > latest) {
    throw new Error(`${file} has schema ${current}; this omni-review understands up to ${latest}: upgrade omni-review`);
  }
}

/**
 * Bring `db` up to the last of `migrations`. Refuses a file made by a newer omni-review (it cannot know what
 * the newer tables mean, and writing to them could corrupt the run).
 *
 * @param file the database path, for messages
 * @returns the versions applied (empty when already current)
 */
export function migrate(db: DatabaseSync, file: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is out of order: entry ${i} has version ${m.version}`);
  });
  assertSchemaSupported(db, file, migrations.length);
  const current = schemaVersion(db);
  const applied: number[] = [];
  for (const m of migrations.slice(current)) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(m.sql);
      // PRAGMA user_version is written inside the transaction: it commits or rolls back with the tables.
      db.exec(`PRAGMA user_version = ${m.version}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw new Error(`${file}: migration ${m.version} (${m.name}) failed: ${(error as Error).message}`, { cause: error });
    }
    applied.push(m.version);
  }
  return applied;
}
