/**
 * A run's progress in the contract's shape (`RunProgress`), from its jobs' statuses and its comparisons: the one
 * place that decides what counts as done, as an error and as compared. The scheduler (core/runner) calls it for
 * its live progress events; core/app calls it for a run that is not executing (statuses from the store). Pure.
 */
import type { RunProgress, SideProgress } from './contract.ts';
import type { JobStatus, Side } from './model.ts';

export interface ProgressJob {
  side: Side;
  status: JobStatus;
  /** The pair the job belongs to (shared/model.ts pairKey): one job of each side per pair. */
  pairKey: string;
}

export interface ProgressInput {
  jobs: Iterable<ProgressJob>;
  /** Pairs that have a saved comparison. */
  compared: ReadonlySet<string>;
  /** Pairs whose comparison failed and is not retried before a resume: they count as done. */
  compareFailed?: ReadonlySet<string>;
  /** Estimated ms to finish, null while unknown (the default). */
  etaMs?: number | null;
}

const blocked = (status: JobStatus | undefined): boolean => status === undefined || status === 'error' || status === 'skipped';

/**
 * Per side: `done` is ok + error + skipped, and `error` includes skipped chain turns (they produced no image
 * either). Comparisons: `total` counts the pairs that are compared or may still be (neither side failed or
 * skipped, pending ones included); `done` counts those compared or given up on.
 */
export function progressOf(input: ProgressInput): RunProgress {
  const sides: Record<Side, SideProgress> = {
    A: { total: 0, done: 0, ok: 0, error: 0, running: 0 },
    B: { total: 0, done: 0, ok: 0, error: 0, running: 0 },
  };
  const pairs = new Map<string, Partial<Record<Side, JobStatus>>>();
  for (const job of input.jobs) {
    const side = sides[job.side];
    side.total++;
    if (job.status === 'ok') side.ok++;
    else if (job.status === 'error' || job.status === 'skipped') side.error++;
    else if (job.status === 'running') side.running++;
    let pair = pairs.get(job.pairKey);
    if (!pair) pairs.set(job.pairKey, (pair = {}));
    pair[job.side] = job.status;
  }
  for (const side of Object.values(sides)) side.done = side.ok + side.error;

  let total = 0;
  let done = 0;
  for (const [key, pair] of pairs) {
    if (input.compared.has(key)) {
      total++;
      done++;
    } else if (!blocked(pair.A) && !blocked(pair.B)) {
      total++;
      if (input.compareFailed?.has(key)) done++;
    }
  }
  return { A: sides.A, B: sides.B, compare: { total, done }, etaMs: input.etaMs ?? null };
}
