/**
 * What the runner tells its caller while it works (the CLI draws progress bars from these; the UI pushes them)
 * and what it returns. Plain JSON-serialisable records.
 */
import type { Comparison, JobError, JobResult, Side } from '../../shared/model.ts';

export interface SideProgress {
  /** Jobs of this side in the run (all sessions). */
  total: number;
  /** ok + error + skipped. */
  done: number;
  ok: number;
  /** Failed jobs, not counting skipped ones. */
  error: number;
  /** Chain turns not sent because an earlier turn failed (included in `done`). */
  skipped: number;
  /** Requests in flight now. */
  running: number;
}

export interface RunProgress {
  sides: Record<Side, SideProgress>;
  comparisons: {
    /** Pairs that have a comparison or may still get one (both sides not known to have failed). */
    total: number;
    /** Compared (saved) or given up on in this session. */
    done: number;
  };
  /** Since this runJobs call started. */
  elapsedMs: number;
  /** Estimated time to finish the jobs, from this session's completion rate; null until there is a rate. */
  etaMs: number | null;
}

export interface JobRef {
  jobId: string;
  caseId: string;
  side: Side;
  turn: number;
  repeat: number;
}

export type RunEvent =
  | ({ type: 'job-started'; attempt: number; queueMs: number } & JobRef)
  | { type: 'job-finished'; result: JobResult; status: 'ok' | 'error' | 'skipped' }
  | ({
      type: 'job-retry';
      /** The attempt that failed (cumulative over sessions). */
      attempt: number;
      delayMs: number;
      reason: string;
      errorKind: JobError['kind'];
    } & JobRef)
  | { type: 'comparison-done'; pairKey: string; comparison: Comparison }
  | { type: 'comparison-failed'; pairKey: string; message: string }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export interface RunCounts {
  sides: Record<Side, { total: number; ok: number; error: number; skipped: number; pending: number }>;
  comparisons: {
    /** Comparisons stored in the run (all sessions). */
    saved: number;
    /** Comparisons that failed in this session (recomputed on resume). */
    failed: number;
    /** Pairs with both sides ok but no stored comparison. */
    missing: number;
  };
}

export interface RunOutcome {
  /** complete: nothing left to send (some jobs may have failed: see counts). cancelled: stopped by the signal. */
  status: 'complete' | 'cancelled';
  counts: RunCounts;
  elapsedMs: number;
}
