/**
 * What the scheduler tells its caller while it works (the CLI draws progress bars from these; the UI pushes them)
 * and what it returns. Plain JSON-serialisable records; progress is the contract's RunProgress (shared/progress.ts).
 */
import type { RunProgress } from '../../shared/contract.ts';
import type { Comparison, JobError, JobResult, Side } from '../../shared/model.ts';

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
  /** An output's text was read by OCR and saved (issue 11). */
  | { type: 'ocr-done'; jobId: string; imageId: string }
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
