/**
 * A run for `compare`: a run folder (its report is rebuilt from run.sqlite, so the latest verdicts count) or a
 * folder / file holding a report.json. Opened without the run lock: comparing must not stop a run in progress,
 * and nothing is written into either run.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Report } from '../../../shared/report.ts';
import { reportFromStore } from '../../engine/report-from-store.ts';
import { DB_FILE, openRunStore } from '../../store/run-store.ts';
import { loadReport } from '../write.ts';

export interface LoadedRun {
  report: Report;
  /** Absolute folder the report's relative image paths resolve against. */
  dir: string;
}

/** A problem with one of the runs given to compare: the message names the path and what to pass instead. */
export class CompareInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CompareInputError';
  }
}

export async function loadRunForCompare(path: string, label: string): Promise<LoadedRun> {
  const abs = resolve(path);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new CompareInputError(`${label} ${path}: not found; pass a run folder (made by \`omni-review run\`) or its report.json`);
  }
  if (isDir && existsSync(join(abs, DB_FILE))) {
    let store;
    try {
      store = await openRunStore(abs, { lock: false });
    } catch (err) {
      throw new CompareInputError(`${label} ${path}: cannot open the run: ${(err as Error).message}`, { cause: err });
    }
    try {
      return { report: reportFromStore(store), dir: abs };
    } finally {
      store.close();
    }
  }
  const file = isDir ? join(abs, 'report.json') : abs;
  if (isDir && !existsSync(file)) {
    throw new CompareInputError(`${label} ${path}: not a run folder (no ${DB_FILE} and no report.json inside); pass a folder made by \`omni-review run\``);
  }
  if (!isDir && basename(file) !== 'report.json' && !file.endsWith('.json')) {
    throw new CompareInputError(`${label} ${path}: not a run folder or a report.json`);
  }
  try {
    return { report: await loadReport(file), dir: dirname(file) };
  } catch (err) {
    throw new CompareInputError(`${label}: ${(err as Error).message}`, { cause: err });
  }
}
