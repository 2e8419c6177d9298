/**
 * A sweep folder's database, `sweep.sqlite`, on core/store's plumbing (openDatabase: WAL, synchronous=FULL, busy
 * timeout; migrate; zod-checked JSON columns; the folder lock): no second database layer. It has its own list of
 * migrations because a sweep folder is not a run folder (no suite, no images to review), so the two files never
 * share a schema version.
 *
 * Every finished request is one INSERT that has committed when saveRecord returns, so `kill -9` loses only the
 * requests in flight, and a resumed sweep sends exactly those again (never a finished one: the primary key
 * (point, side, index) would refuse the second copy). The records are written with `synchronous = NORMAL`, as the
 * runner writes its results (core/store/run-store.ts): in WAL mode a commit survives the process being killed; only
 * a power loss before the next checkpoint could drop the last few, which a resume would then send again. A FULL
 * commit per request (an fsync while the event loop waits) cost ~10 ms per request at concurrency 8 (bench `load`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { z } from 'zod';
import { BackendKindSchema, SideSchema, type Side } from '../../shared/model.ts';
import {
  SweepRequestRecordSchema,
  SweepSpecSchema,
  SweepStateSchema,
  type SweepRequestRecord,
  type SweepState,
} from '../../shared/sweep.ts';
import { checkDatabaseFileBeforeLock, checked, column, isSqliteDatabaseFile, openDatabase, type Row } from '../store/database.ts';
import { migrate, type Migration } from '../store/migrations.ts';
import { NO_LOCK, acquireRunLock, type RunLock } from '../store/run-lock.ts';
import { StoreError } from '../store/store-error.ts';

export const SWEEP_DB_FILE = 'sweep.sqlite';

export const SWEEP_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sweep schema',
    sql: `
      CREATE TABLE sweep_config (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        sweep_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        config TEXT NOT NULL
      );
      CREATE TABLE sweep_status (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        state TEXT NOT NULL,
        message TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE sweep_requests (
        point_id TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('A', 'B')),
        idx INTEGER NOT NULL,
        warmup INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
        record TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (point_id, side, idx)
      );
    `,
  },
];

export const SweepBackendConfigSchema = z
  .object({
    kind: BackendKindSchema,
    /** What the user asked for: `sim` or a base URL. */
    target: z.string().min(1),
    simulated: z.boolean(),
    label: z.string(),
    /** Simulator fault profile; empty for real servers. */
    faults: z.string(),
  })
  .strict();
export type SweepBackendConfig = z.infer<typeof SweepBackendConfigSchema>;

export const SweepInputSchema = z
  .object({
    /** As the spec wrote it. */
    written: z.string(),
    /** The copy inside the sweep folder, relative to it (inputs/<sha256>.<ext>): a resume never reads outside. */
    file: z.string(),
    mime: z.string(),
  })
  .strict();

export const SweepConfigSchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    spec: SweepSpecSchema,
    /** Where the spec came from, as typed (for the report). */
    specSource: z.string(),
    inputs: z.array(SweepInputSchema),
    backends: z.object({ A: SweepBackendConfigSchema, B: SweepBackendConfigSchema }).strict(),
    /** Sides to run, in order. */
    sides: z.array(SideSchema).min(1).max(2),
    /** Run A and B of a point at the same time (only when asked: --both-at-once). */
    bothAtOnce: z.boolean(),
    /** The simulators' time scale (so a resume models the same durations); null when no side is simulated. */
    simTimeScale: z.number().positive().nullable(),
  })
  .strict();
export type SweepConfig = z.infer<typeof SweepConfigSchema>;

const now = (): string => new Date().toISOString();

export class SweepStore {
  readonly dir: string;
  readonly config: SweepConfig;
  private readonly db: DatabaseSync;
  private readonly lock: RunLock;
  private readonly insert: StatementSync;
  private closed = false;

  constructor(dir: string, db: DatabaseSync, config: SweepConfig, lock: RunLock) {
    this.dir = dir;
    this.db = db;
    this.config = config;
    this.lock = lock;
    // The configuration was committed with FULL (openDatabase's default) before this; records use NORMAL (above).
    db.exec('PRAGMA synchronous = NORMAL');
    this.insert = db.prepare(
      'INSERT INTO sweep_requests (point_id, side, idx, warmup, status, record, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Durable when it returns (one autocommit INSERT, synchronous=FULL). A second copy of a request is refused. */
  saveRecord(record: SweepRequestRecord): void {
    const r = checked(SweepRequestRecordSchema, record, `request ${record.index} of ${record.pointId} ${record.side}`);
    this.insert.run(r.pointId, r.side, r.index, r.warmup ? 1 : 0, r.status, JSON.stringify(r), now());
  }

  records(): SweepRequestRecord[] {
    const rows = this.db.prepare('SELECT record FROM sweep_requests ORDER BY point_id, side, idx').all() as Row[];
    return rows.map((row) => column(SweepRequestRecordSchema, row.record, `${SWEEP_DB_FILE}: request record`));
  }

  /** Indexes of the finished requests of one point and side. */
  finished(pointId: string, side: Side): Set<number> {
    const rows = this.db.prepare('SELECT idx FROM sweep_requests WHERE point_id = ? AND side = ?').all(pointId, side) as Row[];
    return new Set(rows.map((r) => Number(r.idx)));
  }

  count(): number {
    const row = this.db.prepare('SELECT COUNT(*) AS n FROM sweep_requests').get() as Row;
    return Number(row.n);
  }

  /** The sitting number for requests sent now: one more than the last saved (0 for a new sweep). */
  nextSession(): number {
    const row = this.db.prepare("SELECT MAX(json_extract(record, '$.session')) AS s FROM sweep_requests").get() as Row;
    return row.s === null || row.s === undefined ? 0 : Number(row.s) + 1;
  }

  setState(state: SweepState, message: string | null): void {
    this.db
      .prepare(
        'INSERT INTO sweep_status (id, state, message, updated_at) VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state, message = excluded.message, updated_at = excluded.updated_at',
      )
      .run(state, message, now());
  }

  state(): { state: SweepState; message: string | null } {
    const row = this.db.prepare('SELECT state, message FROM sweep_status WHERE id = 1').get() as Row | undefined;
    const parsed = SweepStateSchema.safeParse(row?.state);
    return { state: parsed.success ? parsed.data : 'partial', message: typeof row?.message === 'string' ? row.message : null };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    this.lock.release();
  }
}

export interface OpenSweepOptions {
  /** Create a new sweep with this configuration (the folder must not hold one). */
  create?: SweepConfig;
  /** Take the folder's lock (default true). false: read-only use such as listing in the app. */
  lock?: boolean;
}

export async function openSweepStore(dir: string, options: OpenSweepOptions = {}): Promise<SweepStore> {
  const absDir = path.resolve(dir);
  const dbFile = path.join(absDir, SWEEP_DB_FILE);
  const create = options.create ? checked(SweepConfigSchema, options.create, 'sweep configuration') : undefined;
  const already = (): StoreError =>
    new StoreError(
      'in-use',
      `${absDir} already holds a sweep (${SWEEP_DB_FILE} exists): nothing in it was changed. Choose a new folder, or continue it with: npx omni-review sweep --resume ${absDir}`,
    );
  await checkDatabaseFileBeforeLock(dbFile, create !== undefined, already, `${dbFile} not found: not a sweep folder created by \`omni-review sweep\``);
  const lock = options.lock === false ? NO_LOCK : acquireRunLock(absDir);
  let db: DatabaseSync | undefined;
  try {
    if (create && existsSync(dbFile)) throw already();
    db = openDatabase(dbFile, !create && options.lock !== false, SWEEP_MIGRATIONS.length);
    if (options.lock !== false) migrate(db, dbFile, SWEEP_MIGRATIONS);
    if (create) {
      db.prepare('INSERT INTO sweep_config (id, sweep_id, created_at, config) VALUES (1, ?, ?, ?)').run(create.id, create.createdAt, JSON.stringify(create));
    }
    const row = db.prepare('SELECT config FROM sweep_config WHERE id = 1').get() as Row | undefined;
    if (!row) throw new StoreError('damaged', `${dbFile} holds no sweep configuration: the sweep was cut off while it was being created. Start it again in a new folder`);
    const config = column(SweepConfigSchema, row.config, `${dbFile}: sweep configuration`);
    return new SweepStore(absDir, db, config, lock);
  } catch (error) {
    db?.close();
    lock.release();
    throw error;
  }
}

/** True when `dir` holds a sweep.sqlite that is an SQLite database (its 16-byte header). Never opens it for writing. */
export function isSweepFolder(dir: string): Promise<boolean> {
  return isSqliteDatabaseFile(path.join(dir, SWEEP_DB_FILE));
}
