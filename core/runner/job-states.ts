/**
 * The scheduler's book of a run's jobs: one JobState per stored job, grouped into chains (one side's turns of
 * one case and repeat) and pairs (both sides of one turn), loaded from the store, and the final counts.
 */
import { SIDES, pairKey as makePairKey, type Job, type JobResult, type JobStatus, type Side } from '../../shared/model.ts';
import type { RunStore } from '../store/types.ts';
import type { RunCounts } from './events.ts';

export interface JobState {
  job: Job;
  /** job.side and its pair, kept here so a JobState is a ProgressJob for shared/progress.ts as it is. */
  side: Side;
  pairKey: string;
  status: JobStatus;
  /** Cumulative over sessions, as stored. */
  attempts: number;
  /** Attempts in this session: the retry budget is per session (a crash or cancel does not eat it). */
  sessionAttempts: number;
  result: JobResult | undefined;
  /** When the job last entered its side's ready queue (performance.now()). */
  readyAt: number;
  /** This job's chain, ordered by turn (the job is in it). */
  chain: JobState[];
}

export type PairStates = Partial<Record<Side, JobState>>;

export interface JobBook {
  states: JobState[];
  pairs: Map<string, PairStates>;
  chains: JobState[][];
  /** Jobs found in flight (a crash or kill) and put back to pending in the store. */
  reset: number;
}

/** Read the store's jobs and results; a job left `running` (or `ok` without an image) goes back to pending. */
export function loadJobStates(store: RunStore, readyAt: number): JobBook {
  const results = new Map(store.results().map((r) => [r.jobId, r]));
  const states: JobState[] = [];
  const pairs = new Map<string, PairStates>();
  const chains = new Map<string, JobState[]>();
  let reset = 0;
  for (const job of store.jobs()) {
    let status = job.status;
    const result = results.get(job.id);
    // A crash mid-request leaves `running`; an ok without its result cannot happen with transactional saves,
    // but if it did the job must be sent again rather than chained from an image that does not exist.
    if (status === 'running' || (status === 'ok' && !result?.imageId)) {
      store.setJobStatus(job.id, 'pending');
      status = 'pending';
      reset++;
    }
    const chainKey = `${job.caseId}\u0000${job.side}\u0000${job.repeat}`;
    let chain = chains.get(chainKey);
    if (!chain) chains.set(chainKey, (chain = []));
    const key = makePairKey(job.caseId, job.turn, job.repeat);
    const state: JobState = { job, side: job.side, pairKey: key, status, attempts: job.attempts, sessionAttempts: 0, result, readyAt, chain };
    chain.push(state);
    states.push(state);
    const pair = pairs.get(key) ?? {};
    pair[job.side] = state;
    pairs.set(key, pair);
  }
  for (const chain of chains.values()) chain.sort((x, y) => x.job.turn - y.job.turn);
  return { states, pairs, chains: [...chains.values()], reset };
}

/** What a finished (or stopped) session reports: jobs per side and status, and the comparisons. */
export function countsOf(
  book: Pick<JobBook, 'states' | 'pairs'>,
  compared: ReadonlySet<string>,
  compareFailed: ReadonlySet<string>,
): RunCounts {
  const sides = {} as RunCounts['sides'];
  for (const side of SIDES) sides[side] = { total: 0, ok: 0, error: 0, skipped: 0, pending: 0 };
  for (const s of book.states) {
    const t = sides[s.side];
    t.total++;
    if (s.status === 'running') t.pending++; // only while stopping; it goes back to pending
    else t[s.status]++;
  }
  let missing = 0;
  for (const [key, pair] of book.pairs) {
    if (!compared.has(key) && pair.A?.status === 'ok' && pair.B?.status === 'ok') missing++;
  }
  return { sides, comparisons: { saved: compared.size, failed: compareFailed.size, missing } };
}
