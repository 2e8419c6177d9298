/** The pieces of a stored JobResult that the scheduler assembles: job reference, timings, endpoint, skips. */
import type { Job, JobResult } from '../../shared/model.ts';
import type { ImageResponse } from '../backends/types.ts';
import type { JobRef } from './events.ts';

export function refOf(job: Job): JobRef {
  return { jobId: job.id, caseId: job.caseId, side: job.side, turn: job.turn, repeat: job.repeat };
}

/** Finite numbers only: a server's NaN or a negative clock skew must not make a result unsaveable. */
function finiteRecord(record: Record<string, number> | undefined): Record<string, number> | undefined {
  if (!record) return undefined;
  return Object.fromEntries(Object.entries(record).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));
}

/** "POST /v1/…" for an error that names the URL it failed on; '' when there is none. */
export function endpointOf(url: string | undefined): string {
  if (!url) return '';
  try {
    return `POST ${new URL(url).pathname}`;
  } catch {
    return '';
  }
}

export function timingsOf(response: ImageResponse, queueMs: number): JobResult['timings'] {
  const stages = finiteRecord(response.stages) ?? {};
  // The wait for one of our own concurrency slots is a property of this harness, not of the backend: it is
  // kept apart (clientWaitMs) so `queue` stays what the server reported (the baseline's queue_wait).
  const serverStageDurations = finiteRecord(response.serverStageDurations);
  return {
    e2eMs: Number.isFinite(response.e2eMs) ? Math.max(0, response.e2eMs) : 0,
    stages,
    clientWaitMs: queueMs,
    ...(serverStageDurations ? { serverStageDurations } : {}),
    ...(response.serverTimings ? { serverTimings: response.serverTimings } : {}),
  };
}

/** The fields every sent job's result has. */
export function resultBase(job: Job, attempts: number, startedAt: string) {
  return {
    ...refOf(job),
    requestedSize: job.request.size,
    attempts: Math.max(1, attempts),
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}

/** A chain turn that is not sent because an earlier turn failed: an error of kind `skipped`. */
export function skippedResult(job: Job, attempts: number, message: string): JobResult {
  const now = new Date().toISOString();
  return {
    ...refOf(job),
    status: 'error',
    error: { kind: 'skipped', message, retryable: false },
    requestedSize: job.request.size,
    timings: { e2eMs: 0, stages: {} },
    peakMemoryMb: null,
    endpoint: '',
    attempts,
    startedAt: now,
    finishedAt: now,
  };
}
