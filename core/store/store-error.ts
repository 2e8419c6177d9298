/**
 * Store and file-system failures as one line: what happened, what is safe, what to do, with the exit code the
 * CLI documents (2: the run folder is unusable as it is; 4: the run folder could not be written). Never advice
 * to delete a run folder: its saved images would be lost with it.
 */

/**
 * - `in-use`: another process holds the folder's run lock.
 * - `damaged`: run.sqlite is not a readable run database (bad page, bad row, empty file, foreign file).
 * - `tampered`: run.sqlite points outside its own folder.
 * - `write-failed`: the disk is full, the quota is reached, or the folder is read-only / unwritable.
 */
export type StoreFailure = 'in-use' | 'damaged' | 'tampered' | 'write-failed';

export const STORE_EXIT_CODE: Record<StoreFailure, number> = { 'in-use': 2, damaged: 2, tampered: 2, 'write-failed': 4 };

export class StoreError extends Error {
  readonly failure: StoreFailure;
  readonly exitCode: number;
  constructor(failure: StoreFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.failure = failure;
    this.exitCode = STORE_EXIT_CODE[failure];
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);
const UNWRITABLE_CODES = new Set(['EROFS', 'EACCES', 'EPERM', 'EIO']);

/** The plain reason of a write failure, or null when `error` is not one (ENOSPC, SQLITE_FULL, EROFS, …). */
export function writeFailureReason(error: unknown): string | null {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  // SQLITE_FULL is 13; node:sqlite reports "database or disk is full".
  if ((code && DISK_FULL_CODES.has(code)) || errcode === 13 || /database or disk is full|no space left on device/i.test(message)) {
    return code === 'EDQUOT' ? 'the disk quota is exhausted' : 'the disk is full';
  }
  if (code && UNWRITABLE_CODES.has(code)) return `the folder cannot be written (${code})`;
  if (/attempt to write a readonly database|disk I\/O error/i.test(message)) return `the folder cannot be written (${message})`;
  return null;
}

/** True for SQLite's own words for a damaged file. */
export function isDamagedDatabaseMessage(message: string): boolean {
  return /malformed|not a database|file is encrypted|database corruption|SQLITE_CORRUPT|SQLITE_NOTADB/i.test(message);
}

/**
 * A write failure during a run as a StoreError (one line), or null when `error` is something else.
 * `partialReport` says whether a partial report could still be written.
 */
export function storeWriteError(error: unknown, runDir: string, resumeHint: string, partialReport: 'written' | 'not-written'): StoreError | null {
  if (error instanceof StoreError) return error;
  const reason = writeFailureReason(error);
  if (reason === null) return null;
  const report = partialReport === 'written' ? 'a partial report is written' : 'no partial report could be written';
  return new StoreError(
    'write-failed',
    `cannot save to ${runDir}: ${reason}. Every result saved before this is safe (${report}). ` +
      `Free some space (or fix the folder's permissions), then continue with: ${resumeHint}`,
    { cause: error },
  );
}
