/**
 * The run folder (see ./types.ts): run.sqlite through the built-in node:sqlite, beside content-addressed
 * image files. Every write is one transaction that has committed when the method returns (WAL; synchronous=FULL
 * for verdicts, config and plan, NORMAL for the runner's records: see `durability`); every JSON column is validated with the shared zod schemas on the way in and on the way out.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import {
  ComparisonSchema,
  JobRequestSchema,
  JobResultSchema,
  JobSchema,
  JobStatusSchema,
  RunConfigSchema,
  ServerInfoSchema,
  SideSchema,
  VerdictSchema,
  type Comparison,
  type Dimensions,
  type ImageId,
  type Job,
  type JobResult,
  type JobStatus,
  parseSize,
  type RunConfig,
  type ServerInfo,
  type Side,
  type Verdict,
} from '../../shared/model.ts';
import { describeIssues } from '../../shared/issue-path.ts';
import { syncFileForRecord, writeFileForRecord, writeFileUnsynced } from '../fs/atomic-write.ts';
import { OcrReadSchema, ocrReadKey, type OcrRead } from '../../shared/ocr-read.ts';
import { containedFile } from '../paths/containment.ts';
import { checkImageDecodes, imageIdOf, imageRelPath, inspectImageHeader, InvalidImageError, sniffImageFormat, type ImageFormat } from './image-file.ts';
import { oversizeProblem } from './image-limits.ts';
import { checkDatabaseFileBeforeLock, checked, column, damagedError, isSqliteDatabaseFile, openDatabase, readConfig, type Row } from './database.ts';
import { migrate } from './migrations.ts';
import { NO_LOCK, acquireRunLock, isProcessAlive, type RunLock } from './run-lock.ts';
import { StoreError, isDamagedDatabaseMessage } from './store-error.ts';
import type { RunStore, StagedImage, StoredImage } from './types.ts';

export { InvalidImageError, imageIdOf } from './image-file.ts';

export const DB_FILE = 'run.sqlite';
/** Where putImage stores images (imageRelPath): images/<2 hex>/<sha256>.<ext>. Anything else in run.sqlite is refused. */
const STORED_IMAGE_PATH = /^images\/[0-9a-f]{2}\/[0-9a-f]{64}\.(png|jpg|webp)$/;
/** The largest staged image a resume reads back (the HTTP client's own cap on a response). */
const MAX_STAGED_BYTES = 256 * 1024 * 1024;

/** A run folder whose database points outside itself: refused before anything is read or sent. */
export class RunFolderTamperedError extends StoreError {
  constructor(detail: string) {
    super('tampered', `${detail}: refusing to read it. The run folder was altered outside omni-review; nothing was read or sent. Only resume run folders you made yourself`);
    this.name = 'RunFolderTamperedError';
  }
}

type Durability = 'full' | 'normal';

export interface OpenRunStoreOptions {
  /** Create a new run in `dir` (made if missing) with this configuration. `dir` must not already hold a run. */
  create?: RunConfig;
  /**
   * Take the run lock (default true). A viewer that only reads and adds verdicts (the UI showing a run a CLI
   * process is driving) opens without it: SQLite (WAL, busy timeout) keeps concurrent writes safe; the lock is
   * what keeps two *runners* from sending the same jobs.
   */
  lock?: boolean;
}

function now(): string {
  return new Date().toISOString();
}

/** A job's status after its result is saved: a chain that was skipped is recorded as an error of kind `skipped`. */
export function jobStatusForResult(result: JobResult): JobStatus {
  return result.error?.kind === 'skipped' ? 'skipped' : result.status;
}

class SqliteRunStore implements RunStore {
  readonly dir: string;
  readonly config: RunConfig;
  private readonly db: DatabaseSync;
  private readonly dbFile: string;
  private readonly lock: RunLock;
  private closed = false;
  private readonly stmt: Record<string, StatementSync>;

  constructor(dir: string, dbFile: string, db: DatabaseSync, config: RunConfig, lock: RunLock) {
    this.dir = dir;
    this.dbFile = dbFile;
    this.db = db;
    this.config = config;
    this.lock = lock;
    this.stmt = {
      getImage: db.prepare('SELECT id, mime, width, height, bytes, rel_path FROM images WHERE id = ?'),
      insertImage: db.prepare(
        `INSERT INTO images (id, mime, width, height, bytes, rel_path, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO NOTHING`,
      ),
      insertJob: db.prepare(
        `INSERT INTO jobs (id, case_id, side, turn, repeat, status, attempts, request, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
      ),
      jobs: db.prepare('SELECT id, case_id, side, turn, repeat, status, attempts, request FROM jobs ORDER BY seq'),
      getJob: db.prepare('SELECT id, case_id, side, turn, repeat FROM jobs WHERE id = ?'),
      setStatus: db.prepare('UPDATE jobs SET status = ?, updated_at = ? WHERE id = ?'),
      setStatusAttempts: db.prepare('UPDATE jobs SET status = ?, attempts = ?, updated_at = ? WHERE id = ?'),
      upsertResult: db.prepare(
        `INSERT INTO results (job_id, status, image_id, result, saved_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(job_id) DO UPDATE SET status = excluded.status, image_id = excluded.image_id,
           result = excluded.result, saved_at = excluded.saved_at`,
      ),
      results: db.prepare('SELECT r.job_id, r.result FROM results r JOIN jobs j ON j.id = r.job_id ORDER BY j.seq'),
      upsertComparison: db.prepare(
        `INSERT INTO comparisons (pair_key, comparison, saved_at) VALUES (?, ?, ?)
         ON CONFLICT(pair_key) DO UPDATE SET comparison = excluded.comparison, saved_at = excluded.saved_at`,
      ),
      comparisons: db.prepare('SELECT pair_key, comparison FROM comparisons ORDER BY rowid'),
      upsertOcrRead: db.prepare(
        `INSERT INTO ocr_reads (read_key, image_id, engine, read, saved_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(read_key) DO UPDATE SET image_id = excluded.image_id, engine = excluded.engine,
           read = excluded.read, saved_at = excluded.saved_at`,
      ),
      ocrReads: db.prepare('SELECT read_key, read FROM ocr_reads ORDER BY rowid'),
      upsertServerInfo: db.prepare(
        `INSERT INTO server_info (side, info, saved_at) VALUES (?, ?, ?)
         ON CONFLICT(side) DO UPDATE SET info = excluded.info, saved_at = excluded.saved_at`,
      ),
      serverInfo: db.prepare('SELECT info FROM server_info WHERE side = ?'),
      upsertVerdict: db.prepare(
        `INSERT INTO verdicts (id, pair_key, reviewer, verdict, data, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET pair_key = excluded.pair_key, reviewer = excluded.reviewer,
           verdict = excluded.verdict, data = excluded.data, created_at = excluded.created_at`,
      ),
      deleteVerdict: db.prepare('DELETE FROM verdicts WHERE id = ?'),
      verdicts: db.prepare('SELECT id, data FROM verdicts ORDER BY created_at, rowid'),
      upsertStaged: db.prepare(
        `INSERT INTO staged_results (job_id, image_id, rel_path, bytes, result, saved_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(job_id) DO UPDATE SET image_id = excluded.image_id, rel_path = excluded.rel_path,
           bytes = excluded.bytes, result = excluded.result, saved_at = excluded.saved_at`,
      ),
      getStaged: db.prepare('SELECT job_id, image_id, rel_path, bytes, result FROM staged_results WHERE job_id = ?'),
      deleteStaged: db.prepare('DELETE FROM staged_results WHERE job_id = ?'),
      staged: db.prepare(
        'SELECT s.job_id, s.image_id, s.rel_path, s.bytes, s.result FROM staged_results s JOIN jobs j ON j.id = s.job_id ORDER BY j.seq',
      ),
    };
  }

  private where(table: string, key: string): string {
    return `${this.dbFile}: ${table} ${key}`;
  }

  private s(name: string): StatementSync {
    if (this.closed) throw new Error(`run store ${this.dir} is closed`);
    const st = this.stmt[name];
    if (!st) throw new Error(`internal: no statement ${name}`);
    return st;
  }

  /** The connection's current `PRAGMA synchronous`; openDatabase sets FULL. */
  private syncMode: Durability = 'full';

  /**
   * `full`: the commit is on disk when the method returns, power loss included (verdicts, the run's config and
   * plan). `normal`: in WAL mode the commit is in the log when the method returns, so a crash of this process
   * (kill -9) loses nothing, and the database stays consistent; only a power loss or OS crash before the next
   * checkpoint can drop the last commits. The runner's records (results, comparisons, images) use it: such a
   * loss leaves those jobs pending, and a resume sends them again. docs/performance.md has the measurement.
   */
  private durability(mode: Durability): void {
    if (this.syncMode === mode) return;
    this.db.exec(`PRAGMA synchronous = ${mode === 'full' ? 'FULL' : 'NORMAL'}`);
    this.syncMode = mode;
  }

  /** One transaction: BEGIN IMMEDIATE takes the write lock up front, so it cannot deadlock on an upgrade. */
  private transaction<T>(fn: () => T, durability: Durability = 'full'): T {
    if (this.closed) throw new Error(`run store ${this.dir} is closed`);
    this.durability(durability);
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const value = fn();
      this.db.exec('COMMIT');
      return value;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  // -- images --------------------------------------------------------------------------------------------

  /** The stored image `id` when its row and file are there (held to `requested` like a new one). */
  private knownImage(id: ImageId, requested: Dimensions | undefined): StoredImage | undefined {
    const known = this.getImage(id);
    if (!known || !existsSync(path.join(this.dir, known.relPath))) return undefined;
    const oversize = oversizeProblem(known, requested);
    if (oversize) throw new InvalidImageError(`image rejected: ${oversize}`);
    return known;
  }

  async putImage(bytes: Uint8Array, requested?: Dimensions, options: { decodeCheck?: boolean } = {}): Promise<StoredImage> {
    const id = imageIdOf(bytes);
    const known = this.knownImage(id, requested);
    if (known) return known;
    // The header first: an image too large to decode, or not the size asked for, is refused before anything else.
    const info = await inspectImageHeader(bytes, requested);
    const relPath = imageRelPath(id, info.ext);
    const file = path.join(this.dir, relPath);
    // File first, row second: a crash in between leaves a harmless orphan file that the next put replaces. The
    // decode check and the durable write run at the same time (sharp's threads, the disk); the row is written
    // only when both have succeeded.
    const [decoded, written] = await Promise.allSettled([
      options.decodeCheck === false ? undefined : checkImageDecodes(bytes, info),
      writeFileForRecord(file, bytes),
    ]);
    if (decoded.status === 'rejected') {
      if (written.status === 'fulfilled') await rm(file, { force: true }).catch(() => undefined);
      throw decoded.reason;
    }
    if (written.status === 'rejected') throw written.reason;
    this.durability('normal');
    this.s('insertImage').run(id, info.mime, info.width, info.height, bytes.length, relPath, now());
    const stored = this.getImage(id);
    if (!stored) throw new Error(`internal: image ${id} missing right after it was saved`);
    return stored;
  }

  // -- staged results (issue 10: the runner's path) -------------------------------------------------------

  /**
   * Unsynced writes of staged images in this process, by id. A second output with the same bytes waits for the
   * first write instead of renaming a new copy over a file whose fsync may be under way (the row written after that
   * fsync must point at the copy that was synced).
   */
  private readonly stagedWrites = new Map<ImageId, Promise<void>>();
  /** Results this process staged and has not confirmed: their confirmation skips reading the row back. */
  private readonly stagedHere = new Map<string, { result: JobResult; image: StagedImage }>();
  /** The fsync and decode check of each staged image, once per image id in this process. */
  private readonly stagedChecks = new Map<ImageId, Promise<void>>();

  async stageImage(bytes: Uint8Array, requested?: Dimensions): Promise<StagedImage> {
    const id = imageIdOf(bytes);
    const known = this.knownImage(id, requested);
    if (known) return { ...known, stored: true };
    const info = await inspectImageHeader(bytes, requested);
    const relPath = imageRelPath(id, info.ext);
    await this.writeStaged(id, path.join(this.dir, relPath), bytes);
    return { id, mime: info.mime, width: info.width, height: info.height, bytes: bytes.length, relPath, stored: false };
  }

  private async writeStaged(id: ImageId, file: string, bytes: Uint8Array): Promise<void> {
    // Bounded: each turn waits for a write that has settled, and only a failed one leads to another turn.
    for (let turn = 0; turn < 4; turn++) {
      const pending = this.stagedWrites.get(id);
      if (!pending) break;
      if (await pending.then(() => true, () => false)) return;
      if (this.stagedWrites.get(id) === pending) this.stagedWrites.delete(id);
    }
    const write = writeFileUnsynced(file, bytes);
    this.stagedWrites.set(id, write);
    try {
      await write;
    } catch (error) {
      if (this.stagedWrites.get(id) === write) this.stagedWrites.delete(id);
      throw error;
    }
  }

  saveStagedResult(result: JobResult, image: StagedImage): void {
    const r = checked(JobResultSchema, result, `result of job ${result?.jobId}`);
    this.checkResultJob(r);
    if (r.status !== 'ok' || r.imageId !== image.id) {
      throw new Error(`cannot stage the result of job ${r.jobId}: a staged result is ok and refers to its staged image`);
    }
    if (!STORED_IMAGE_PATH.test(image.relPath) || !image.relPath.includes(image.id)) {
      throw new Error(`cannot stage the result of job ${r.jobId}: ${image.relPath} is not where images are stored`);
    }
    this.transaction(
      () => this.s('upsertStaged').run(r.jobId, image.id, image.relPath, image.bytes, JSON.stringify(r), now()),
      'normal',
    );
    this.stagedHere.set(r.jobId, { result: r, image });
  }

  /** A staged row, checked like any row read from an untrusted run.sqlite. */
  private stagedRow(row: Row): { result: JobResult; imageId: ImageId; relPath: string; bytes: number } {
    const jobId = String(row.job_id);
    const result = column(JobResultSchema, row.result, this.where('staged result of job', jobId));
    const imageId = String(row.image_id);
    const relPath = String(row.rel_path);
    const bytes = Number(row.bytes);
    if (result.jobId !== jobId || result.status !== 'ok' || result.imageId !== imageId) {
      throw new Error(`${this.where('staged result of job', jobId)} does not match its row: the run file is damaged`);
    }
    if (!STORED_IMAGE_PATH.test(relPath) || !relPath.includes(imageId)) {
      throw new RunFolderTamperedError(`${this.where('staged result of job', jobId)} has the path "${relPath}", which is not where omni-review stores images`);
    }
    if (!Number.isInteger(bytes) || bytes <= 0 || bytes > MAX_STAGED_BYTES) {
      throw new Error(`${this.where('staged result of job', jobId)} has a size of ${String(row.bytes)} bytes: the run file is damaged`);
    }
    return { result, imageId, relPath, bytes };
  }

  stagedResults(): JobResult[] {
    return (this.s('staged').all() as Row[]).map((row) => this.stagedRow(row).result);
  }

  /**
   * The bytes of a staged image read back from its file (a resume), or null when the file is missing, has another
   * size, or does not hash to its id: what a power loss before the fsync can leave.
   */
  private async readStaged(jobId: string, relPath: string, id: ImageId, size: number): Promise<Uint8Array | null> {
    const found = containedFile(this.dir, relPath);
    if (!found.ok) {
      if (found.reason === 'outside-root') {
        throw new RunFolderTamperedError(`${this.where('staged result of job', jobId)}: ${relPath} leads outside the run folder (a symbolic link)`);
      }
      return null;
    }
    let handle;
    try {
      handle = await open(found.path, 'r');
    } catch {
      return null;
    }
    try {
      if ((await handle.stat()).size !== size) return null;
      const bytes = new Uint8Array(size);
      const { bytesRead } = await handle.read(bytes, 0, size, 0);
      return bytesRead === size && imageIdOf(bytes) === id ? bytes : null;
    } finally {
      await handle.close();
    }
  }

  /** fsync the staged file and its folder, and decode its pixels at the same time; once per image. */
  private checkStaged(id: ImageId, file: string, bytes: Uint8Array, header: ImageFormat): Promise<void> {
    let check = this.stagedChecks.get(id);
    if (!check) {
      check = (async () => {
        const [decoded, synced] = await Promise.allSettled([checkImageDecodes(bytes, header), syncFileForRecord(file)]);
        if (decoded.status === 'rejected') {
          // Nothing refers to the file (its row would have come now): remove it.
          await rm(file, { force: true }).catch(() => undefined);
          throw decoded.reason;
        }
        if (synced.status === 'rejected') throw synced.reason;
      })();
      this.stagedChecks.set(id, check);
      // A failed fsync may succeed later (a resume); a failed decode fails the same way every time.
      check.catch((error: unknown) => {
        if (!(error instanceof InvalidImageError) && this.stagedChecks.get(id) === check) this.stagedChecks.delete(id);
      });
    }
    return check;
  }

  async confirmStagedResult(jobId: string, received?: Uint8Array): Promise<JobResult | null> {
    const here = this.stagedHere.get(jobId);
    let result: JobResult;
    let imageId: ImageId;
    let relPath: string;
    let bytes: Uint8Array;
    let info: ImageFormat & Dimensions;
    if (received && here) {
      // Staged by this process from these bytes: hashed, header-checked and validated a moment ago.
      ({ result } = here);
      ({ id: imageId, relPath } = here.image);
      const format = sniffImageFormat(received);
      if (!format || received.length !== here.image.bytes) throw new Error(`internal: the bytes confirmed for job ${jobId} are not the ones staged`);
      info = { ...format, width: here.image.width, height: here.image.height };
      bytes = received;
    } else {
      const row = this.s('getStaged').get(jobId) as Row | undefined;
      if (!row) throw new Error(`internal: job ${jobId} has no staged result in ${this.dir}`);
      const staged = this.stagedRow(row);
      ({ result, imageId, relPath } = staged);
      let read = received;
      if (!read) {
        // Read back from its file (a resume): a new output with the same bytes waits for this instead of renaming a
        // copy over the file while it is checked and fsynced (and writes its own if this one is lost).
        const reading = this.readStaged(jobId, relPath, imageId, staged.bytes);
        const settled = reading.then((found) => {
          if (!found) throw new Error('lost');
        });
        settled.catch(() => undefined);
        this.stagedWrites.set(imageId, settled);
        read = (await reading) ?? undefined;
      }
      if (!read) {
        // The request was sent: its attempt counts, as one that failed would.
        this.transaction(() => {
          this.s('deleteStaged').run(jobId);
          this.s('setStatusAttempts').run('pending', result.attempts, now(), jobId);
        }, 'normal');
        return null;
      }
      bytes = read;
      if (imageIdOf(bytes) !== imageId) throw new Error(`internal: the bytes confirmed for job ${jobId} are not image ${imageId}`);
      info = await inspectImageHeader(bytes, parseSize(result.requestedSize));
      if (info.width !== result.width || info.height !== result.height) {
        throw new Error(`${this.where('staged result of job', jobId)} says ${result.width}x${result.height}, its image is ${info.width}x${info.height}: the run file is damaged`);
      }
    }
    const file = path.join(this.dir, ...relPath.split('/'));
    await this.checkStaged(imageId, file, bytes, info);
    this.transaction(() => {
      const t = now();
      this.s('insertImage').run(imageId, info.mime, info.width, info.height, bytes.length, relPath, t);
      this.s('upsertResult').run(result.jobId, result.status, imageId, JSON.stringify(result), t);
      this.s('setStatusAttempts').run(jobStatusForResult(result), result.attempts, t, result.jobId);
      this.s('deleteStaged').run(jobId);
    }, 'normal');
    this.stagedWrites.delete(imageId);
    this.stagedHere.delete(jobId);
    return result;
  }

  getImage(id: ImageId): StoredImage | undefined {
    const row = this.s('getImage').get(id) as Row | undefined;
    if (!row) return undefined;
    return {
      id: String(row.id),
      mime: String(row.mime),
      width: Number(row.width),
      height: Number(row.height),
      bytes: Number(row.bytes),
      relPath: String(row.rel_path),
    };
  }

  /**
   * The real path of a stored image, checked before anything opens it: run.sqlite is untrusted input (a run
   * folder may come from anyone), so its rel_path must have our own shape and, after every symlink is
   * resolved, lead to a regular file inside the run folder. Otherwise a crafted folder could make `--resume`
   * read any local file and upload it.
   */
  imagePath(id: ImageId): string {
    const image = this.getImage(id);
    if (!image) throw new Error(`image ${id} is not in the run ${this.dir}`);
    if (!STORED_IMAGE_PATH.test(image.relPath) || !image.relPath.includes(id)) {
      throw new RunFolderTamperedError(`${this.where('image', id)} has the path "${image.relPath}", which is not where omni-review stores images`);
    }
    const found = containedFile(this.dir, image.relPath);
    if (!found.ok && found.reason === 'outside-root') {
      throw new RunFolderTamperedError(`${this.where('image', id)}: ${image.relPath} leads outside the run folder (a symbolic link)`);
    }
    // A missing file is reported by whoever reads it, with the path it expected.
    return found.ok ? found.path : path.join(this.dir, ...image.relPath.split('/'));
  }

  // -- jobs and results ----------------------------------------------------------------------------------

  addJobs(jobs: Job[]): void {
    const valid = jobs.map((j, i) => checked(JobSchema, j, `job ${j?.id ?? `#${i}`}`));
    this.transaction(() => {
      const t = now();
      for (const j of valid) {
        this.s('insertJob').run(j.id, j.caseId, j.side, j.turn, j.repeat, j.status, j.attempts, JSON.stringify(j.request), t);
      }
    });
  }

  jobs(): Job[] {
    return (this.s('jobs').all() as Row[]).map((row) => {
      const where = this.where('job', String(row.id));
      const job = {
        id: String(row.id),
        caseId: String(row.case_id),
        side: row.side,
        turn: Number(row.turn),
        repeat: Number(row.repeat),
        status: row.status,
        attempts: Number(row.attempts),
        request: column(JobRequestSchema, row.request, `${where} request`),
      };
      const r = JobSchema.safeParse(job);
      if (!r.success) throw new Error(`${where} is invalid (${describeIssues(r.error.issues, 3)}): the run file is damaged`);
      return r.data;
    });
  }

  setJobStatus(id: string, status: JobStatus, attempts?: number): void {
    const valid = checked(JobStatusSchema, status, `status of job ${id}`);
    if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 0)) {
      throw new Error(`cannot save job ${id}: attempts must be a whole number ≥ 0, got ${attempts}`);
    }
    this.durability('normal');
    const change =
      attempts === undefined
        ? this.s('setStatus').run(valid, now(), id)
        : this.s('setStatusAttempts').run(valid, attempts, now(), id);
    if (Number(change.changes) === 0) throw new Error(`cannot set the status of job ${id}: no such job in ${this.dir}`);
  }

  /** The job a result is for must exist and be the same case, side, turn and repeat. */
  private checkResultJob(r: JobResult): void {
    const job = this.s('getJob').get(r.jobId) as Row | undefined;
    if (!job) throw new Error(`cannot save result: no job ${r.jobId} in ${this.dir}`);
    if (job.case_id !== r.caseId || job.side !== r.side || Number(job.turn) !== r.turn || Number(job.repeat) !== r.repeat) {
      throw new Error(`cannot save result of job ${r.jobId}: its case/side/turn/repeat do not match the job`);
    }
  }

  saveResult(result: JobResult): void {
    const r = checked(JobResultSchema, result, `result of job ${result?.jobId}`);
    this.checkResultJob(r);
    if (r.status === 'ok' && !r.imageId) throw new Error(`cannot save result of job ${r.jobId}: status ok needs an imageId`);
    if (r.imageId && !this.getImage(r.imageId)) {
      throw new Error(`cannot save result of job ${r.jobId}: image ${r.imageId} was not stored first (putImage)`);
    }
    this.transaction(() => {
      const t = now();
      this.s('upsertResult').run(r.jobId, r.status, r.imageId ?? null, JSON.stringify(r), t);
      this.s('setStatusAttempts').run(jobStatusForResult(r), r.attempts, t, r.jobId);
      this.s('deleteStaged').run(r.jobId);
    }, 'normal');
    this.stagedHere.delete(r.jobId);
  }

  results(): JobResult[] {
    return (this.s('results').all() as Row[]).map((row) =>
      column(JobResultSchema, row.result, this.where('result of job', String(row.job_id))),
    );
  }

  // -- comparisons, server info, verdicts ----------------------------------------------------------------

  saveComparison(comparison: Comparison): void {
    const c = checked(ComparisonSchema, comparison, `comparison ${comparison?.pairKey}`);
    for (const id of [c.ab.heatmapId, c.vsSource.A?.heatmapId, c.vsSource.B?.heatmapId]) {
      if (id && !this.getImage(id)) {
        throw new Error(`cannot save comparison ${c.pairKey}: heatmap image ${id} was not stored first (putImage)`);
      }
    }
    this.transaction(() => this.s('upsertComparison').run(c.pairKey, JSON.stringify(c), now()), 'normal');
  }

  comparisons(): Comparison[] {
    return (this.s('comparisons').all() as Row[]).map((row) =>
      column(ComparisonSchema, row.comparison, this.where('comparison', String(row.pair_key))),
    );
  }

  saveOcrRead(read: OcrRead): void {
    const r = checked(OcrReadSchema, read, `OCR read of image ${read?.imageId}`);
    if (!this.getImage(r.imageId)) throw new Error(`cannot save the OCR read of image ${r.imageId}: the image is not in this run`);
    const key = ocrReadKey(r.imageId, r.expected, r.engine);
    this.transaction(() => this.s('upsertOcrRead').run(key, r.imageId, r.engine, JSON.stringify(r), now()), 'normal');
  }

  ocrReads(): OcrRead[] {
    return (this.s('ocrReads').all() as Row[]).map((row) =>
      column(OcrReadSchema, row.read, this.where('OCR read', String(row.read_key))),
    );
  }

  saveServerInfo(side: Side, info: ServerInfo): void {
    const s = checked(SideSchema, side, 'server info side');
    const i = checked(ServerInfoSchema, info, `server info of side ${side}`);
    this.transaction(() => this.s('upsertServerInfo').run(s, JSON.stringify(i), now()));
  }

  serverInfo(side: Side): ServerInfo | null {
    const row = this.s('serverInfo').get(side) as Row | undefined;
    return row ? column(ServerInfoSchema, row.info, this.where('server info of side', side)) : null;
  }

  /** Adds the verdict, or replaces the one with the same id (an edit). */
  addVerdict(verdict: Verdict): void {
    const v = checked(VerdictSchema, verdict, `verdict ${verdict?.id}`);
    this.transaction(() =>
      this.s('upsertVerdict').run(v.id, v.pairKey, v.reviewer, v.verdict, JSON.stringify(v), v.createdAt),
    );
  }

  deleteVerdict(id: string): boolean {
    return this.transaction(() => Number(this.s('deleteVerdict').run(id).changes) > 0);
  }

  verdicts(): Verdict[] {
    return (this.s('verdicts').all() as Row[]).map((row) =>
      column(VerdictSchema, row.data, this.where('verdict', String(row.id))),
    );
  }

  /**
   * Read and validate every row once (jobs, results, comparisons, verdicts, server info, image paths), so a
   * damaged or altered run.sqlite is refused before a runner connects to any server.
   */
  verifyRows(): void {
    try {
      this.jobs();
      this.results();
      this.comparisons();
      this.ocrReads();
      this.stagedResults();
      this.verdicts();
      for (const side of ['A', 'B'] as const) this.serverInfo(side);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw damagedError(this.dbFile, `has a row it cannot read (${(error as Error).message.replace(`${this.dbFile}: `, '')})`, error);
    }
    for (const row of this.db.prepare('SELECT id, rel_path FROM images').all() as Row[]) {
      const rel = String(row.rel_path);
      if (!STORED_IMAGE_PATH.test(rel) || !rel.includes(String(row.id))) {
        throw new RunFolderTamperedError(`${this.where('image', String(row.id))} has the path "${rel}", which is not where omni-review stores images`);
      }
      const found = containedFile(this.dir, rel);
      if (!found.ok && found.reason === 'outside-root') {
        throw new RunFolderTamperedError(`${this.where('image', String(row.id))}: ${rel} leads outside the run folder (a symbolic link)`);
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.close();
    } finally {
      this.lock.release();
    }
  }
}

/**
 * Open the run in `dir`, or create one with `options.create`. Takes the folder's lock (released by close()),
 * brings the schema up to date, and reads the configuration.
 */
export async function openRunStore(dir: string, options: OpenRunStoreOptions = {}): Promise<RunStore> {
  const absDir = path.resolve(dir);
  const dbFile = path.join(absDir, DB_FILE);
  const createConfig = options.create ? checked(RunConfigSchema, options.create, 'run configuration') : undefined;
  const alreadyRun = (): Error =>
    new StoreError(
      'in-use',
      `${absDir} already holds a run (${DB_FILE} exists, perhaps made a moment ago by another omni-review): nothing in it was changed. ` +
        `Choose a new folder, or continue that run with: npx omni-review run --resume ${absDir}`,
    );
  if (createConfig && options.lock === false) throw new Error('creating a run needs its lock');
  await checkDatabaseFileBeforeLock(dbFile, createConfig !== undefined, alreadyRun, `${dbFile} not found: not a run folder created by \`omni-review run\``);
  const lock = options.lock === false ? NO_LOCK : acquireRunLock(absDir);
  let db: DatabaseSync | undefined;
  try {
    // Re-check under the lock: another process may have created the run in between.
    if (createConfig && existsSync(dbFile)) throw alreadyRun();
    // A runner (it holds the lock) checks every page and every row before it writes or connects to a server.
    const runner = !createConfig && options.lock !== false;
    db = openDatabase(dbFile, runner);
    migrate(db, dbFile);
    if (createConfig) {
      const config = createConfig;
      db.prepare('INSERT INTO run_config (id, run_id, created_at, config) VALUES (1, ?, ?, ?)').run(
        config.id,
        config.createdAt,
        JSON.stringify(config),
      );
    }
    const config = readConfig(db, dbFile);
    const store = new SqliteRunStore(absDir, dbFile, db, config, lock);
    if (runner) {
      store.verifyRows();
      removeOrphanTempFiles(absDir);
    }
    return store;
  } catch (error) {
    db?.close();
    lock.release();
    if (!(error instanceof StoreError) && isDamagedDatabaseMessage((error as Error).message)) {
      throw damagedError(dbFile, `is damaged (${(error as Error).message})`, error);
    }
    throw error;
  }
}

/** Our temp files: core/fs/atomic-write.ts `.<name>.<pid>.<8 hex>.tmp` (images, reports, settings, previews), older builds' `<name>.<pid>.<8 hex>.tmp` and `<name>.<pid>.<base36>.tmp`, the lock's `.run.lock.<pid>-<12 hex>.tmp`. */
const LOCK_TEMP_NAME = /^\.run\.lock\.(\d+)-[0-9a-f]{12}\.tmp$/;
const TEMP_NAME = /^\.?[\w.-]+\.(\d+)\.[0-9a-z]{1,16}\.tmp$/;

/**
 * Remove the temp files a killed process left (kill -9 between write and rename): only names of our own
 * pattern, only in the run folder and its images/<xx>/ and previews/<size>/ sub-folders, and only when the
 * process that wrote them is gone. Best effort: a file that cannot be removed stays.
 */
export function removeOrphanTempFiles(dir: string): string[] {
  const removed: string[] = [];
  const folders = [dir];
  // images/<2 hex>/ and previews/<size>/ (core/app/previews.ts); symlinked sub-folders are not followed.
  for (const [sub, name] of [['images', /^[0-9a-f]{2}$/], ['previews', /^\d{1,5}$/]] as const) {
    try {
      for (const e of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
        if (e.isDirectory() && name.test(e.name)) folders.push(path.join(dir, sub, e.name));
      }
    } catch {
      // not there (yet)
    }
  }
  for (const folder of folders) {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const m = TEMP_NAME.exec(e.name) ?? LOCK_TEMP_NAME.exec(e.name);
      if (!m || !e.isFile() || isProcessAlive(Number(m[1]))) continue;
      try {
        rmSync(path.join(folder, e.name));
        removed.push(path.join(folder, e.name));
      } catch {
        // left for next time
      }
    }
  }
  return removed;
}

/** True when `dir` holds a run.sqlite that is an SQLite database (its 16-byte header). Never opens it for writing. */
export function isRunFolder(dir: string): Promise<boolean> {
  return isSqliteDatabaseFile(path.join(dir, DB_FILE));
}

/** Absolute paths of the direct sub-folders of `workspaceDir` that are runs, sorted by name. [] when it does not exist. */
export async function listRunFolders(workspaceDir: string): Promise<string[]> {
  const root = path.resolve(workspaceDir);
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const found: string[] = [];
  for (const name of dirs) {
    const candidate = path.join(root, name);
    if (await isRunFolder(candidate)) found.push(candidate);
  }
  return found;
}
