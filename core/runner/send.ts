/**
 * One request of one job: the adapter's send raced against the scheduler's stop signal and the side's timeout,
 * its failure turned into a JobError (retryable or not). The scheduler decides what happens next.
 */
import type { Job, JobError } from '../../shared/model.ts';
import { BackendError, type BackendAdapter, type ImageRequest, type ImageResponse } from '../backends/types.ts';

export type SendOutcome =
  | { kind: 'response'; response: ImageResponse }
  | { kind: 'failure'; error: JobError }
  /** Aborted by the stop signal (a cancel): not an error, the job goes back to pending. */
  | { kind: 'cancelled' };

export interface SendJobOptions {
  adapter: BackendAdapter;
  /** The side's per-request timeout, enforced here even if the adapter ignores its signal. */
  timeoutMs: number;
  /** Aborts on cancel or a fatal run error. */
  stopSignal: AbortSignal;
  /** How messages name the side, e.g. "A (vLLM-Omni @ http://…)". */
  sideLabel: string;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reject as soon as `signal` aborts, even if `promise` never settles (an adapter that ignores its signal). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => undefined); // a late rejection after we gave up must not be unhandled
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Only `job.id` is read (for messages): the load generator (core/load) sends requests that are not suite jobs. */
export async function sendJob(job: Pick<Job, 'id'>, request: ImageRequest, options: SendJobOptions): Promise<SendOutcome> {
  const { adapter, timeoutMs, stopSignal, sideLabel } = options;
  const timeout = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    timeout.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const signal = AbortSignal.any([stopSignal, timeout.signal]);
  try {
    const response = await raceAbort(
      Promise.resolve().then(() => adapter.send(request, { signal, timeoutMs })),
      signal,
    );
    return { kind: 'response', response };
  } catch (error) {
    if (stopSignal.aborted && !timedOut) return { kind: 'cancelled' };
    if (error instanceof BackendError && (!timedOut || error.kind === 'timeout')) {
      return { kind: 'failure', error: error.toJobError() };
    }
    if (timedOut) {
      return {
        kind: 'failure',
        error: {
          kind: 'timeout',
          message:
            `${sideLabel} did not answer job ${job.id} within ${timeoutMs} ms (the side's timeout): ` +
            'the server may be overloaded or stuck; raise the timeout or lower the concurrency',
          url: adapter.baseUrl,
          retryable: true,
        },
      };
    }
    return {
      kind: 'failure',
      error: {
        kind: 'protocol',
        message: `${sideLabel} adapter failed unexpectedly on job ${job.id}: ${errorMessage(error)}`,
        retryable: false,
      },
    };
  } finally {
    clearTimeout(timer);
  }
}
