/** The pieces of a stored JobResult that the scheduler assembles: job reference, timings, endpoint, skips. */
import type { Job, JobError, JobResult } from '../../shared/model.ts';
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
function endpointOf(url: string | undefined): string {
  if (!url) return '';
  try {
    return `POST ${new URL(url).pathname}`;
  } catch {
    return '';
  }
}

function timingsOf(response: ImageResponse, queueMs: number): JobResult['timings'] {
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
function resultBase(job: Job, attempts: number, startedAt: string) {
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

/** A sent job that came back with a usable image (already stored under `image.id`). */
export function okResult(
  job: Job,
  attempts: number,
  startedAt: string,
  image: { id: string; width: number; height: number },
  response: ImageResponse,
  queueMs: number,
): JobResult {
  return {
    ...resultBase(job, attempts, startedAt),
    status: 'ok',
    imageId: image.id,
    width: image.width,
    height: image.height,
    timings: timingsOf(response, queueMs),
    peakMemoryMb: response.peakMemoryMb,
    endpoint: response.endpoint,
    ...(response.notes?.length ? { notes: response.notes } : {}),
  };
}

/** A sent job that failed for good; `response` when the server answered (with an unusable image). */
export function errorResult(
  job: Job,
  attempts: number,
  startedAt: string,
  failure: JobError,
  response: ImageResponse | undefined,
  elapsedMs: number,
  queueMs: number,
): JobResult {
  return {
    ...resultBase(job, attempts, startedAt),
    status: 'error',
    error: failure,
    timings: response ? timingsOf(response, queueMs) : { e2eMs: Math.max(0, Math.round(elapsedMs)), stages: {}, clientWaitMs: queueMs },
    peakMemoryMb: response?.peakMemoryMb ?? null,
    endpoint: response?.endpoint ?? endpointOf(failure.url),
    ...(response?.notes?.length ? { notes: response.notes } : {}),
  };
}

/**
 * A staged ok result whose image turned out not to decode: the same attempt, timings and endpoint, as the
 * `invalid-image` error it would have been had the pixels been decoded before it was recorded.
 */
export function invalidImageResult(staged: JobResult, failure: JobError): JobResult {
  const result: JobResult = { ...staged, status: 'error', error: failure, finishedAt: new Date().toISOString() };
  delete result.imageId;
  delete result.width;
  delete result.height;
  return result;
}
