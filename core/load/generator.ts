/**
 * The load generator (issue 12): open-loop arrivals at a rate (core/load/arrivals.ts, as `vllm bench serve`), at
 * most `concurrency` requests in flight, each request sent through the runner's own path (core/runner/send.ts: the
 * adapter's client clock, the side's timeout, the stop signal), so a sweep's e2e and stage figures are the same
 * measurements as `run`'s.
 *
 * - Open loop: a request is *released* at its arrival time whether or not earlier ones finished; it then waits for a
 *   free slot (that wait is `clientWaitMs`, the client-queue bucket, never part of e2e).
 * - Failures are records with status `error`, never dropped. A request stopped by the signal (cancel, Ctrl-C) gives
 *   no record: it did not finish, and a resumed sweep sends it again.
 * - Warm-up requests go first (at the same concurrency, all released at once) and are marked; the measured phase and
 *   its clock start when the last warm-up has finished.
 * - Requests already finished (`skip`) are not sent: a resumed point continues where it stopped.
 */
import { performance } from 'node:perf_hooks';
import type { JobError } from '../../shared/model.ts';
import type { RequestRate } from '../../shared/sweep.ts';
import type { BackendAdapter, ImageRequest, ImageResponse } from '../backends/types.ts';
import { errorMessage, sendJob } from '../runner/send.ts';
import { arrivalOffsetsMs } from './arrivals.ts';

export interface LoadItem {
  /** 0-based within the point and side; warm-ups first. */
  index: number;
  warmup: boolean;
}

export type LoadOutcome =
  | { status: 'ok'; response: ImageResponse }
  | { status: 'error'; error: JobError; e2eMs: number };

export interface LoadResult {
  item: LoadItem;
  outcome: LoadOutcome;
  /** ms from the phase's start (warm-up or measured) to the arrival / to the send. */
  scheduledMs: number;
  sentMs: number;
  clientWaitMs: number;
}

export interface LoadOptions {
  adapter: BackendAdapter;
  /** How messages name the side, e.g. "A (vLLM-Omni @ http://…)". */
  sideLabel: string;
  timeoutMs: number;
  signal: AbortSignal;
  concurrency: number;
  requestRate: RequestRate;
  burstiness: number;
  /** Seeds the arrival schedule. */
  seed: number;
  /** Every request of the point and side, warm-ups first (finished ones included: their arrival slots stay). */
  items: readonly LoadItem[];
  /** Requests already finished (by index): not sent again. */
  skip?: ReadonlySet<number>;
  /** The request body of one item (built lazily, so a large point never holds every body at once). */
  build: (item: LoadItem) => ImageRequest | Promise<ImageRequest>;
  /** Called as each request finishes, in finishing order; awaited before the slot is handed on (saving is durable). */
  onResult: (result: LoadResult) => void | Promise<void>;
  /** Called when a request is sent (progress). */
  onSent?: (item: LoadItem) => void;
}

export interface LoadSummary {
  /** Results delivered (ok + error). */
  finished: number;
  /** True when the signal stopped the load before every request finished. */
  stopped: boolean;
}

/** A counting semaphore handing slots out first come, first served. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(n: number) {
    this.free = n;
  }
  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
  /** Wake every waiter (they re-check the stop signal and leave). */
  drain(): void {
    while (this.waiting.length) this.waiting.shift()!();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

interface PhaseOptions extends LoadOptions {
  offsets: readonly number[];
}

async function runPhase(items: readonly LoadItem[], o: PhaseOptions, counters: { finished: number }): Promise<void> {
  const slots = new Slots(o.concurrency);
  const onAbort = (): void => slots.drain();
  o.signal.addEventListener('abort', onAbort, { once: true });
  const t0 = performance.now();
  const inFlight = new Set<Promise<void>>();
  try {
    for (const [i, item] of items.entries()) {
      const offset = o.offsets[i] ?? 0;
      await sleep(offset - (performance.now() - t0), o.signal);
      if (o.signal.aborted) break;
      if (o.skip?.has(item.index)) continue;
      await slots.acquire();
      if (o.signal.aborted) break;
      const sentAt = performance.now();
      const task = (async () => {
        try {
          o.onSent?.(item);
          const outcome = await sendOne(item, o);
          if (outcome === null) return; // stopped: no record, sent again on resume
          const sentMs = sentAt - t0;
          await o.onResult({ item, outcome, scheduledMs: offset, sentMs, clientWaitMs: Math.max(0, sentMs - offset) });
          counters.finished++;
        } finally {
          slots.release();
        }
      })();
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    }
    await Promise.all(inFlight);
  } finally {
    o.signal.removeEventListener('abort', onAbort);
  }
}

async function sendOne(item: LoadItem, o: LoadOptions): Promise<LoadOutcome | null> {
  const started = performance.now();
  let request: ImageRequest;
  try {
    request = await o.build(item);
  } catch (error) {
    return { status: 'error', error: { kind: 'protocol', message: `${o.sideLabel}: cannot build request ${item.index}: ${errorMessage(error)}`, retryable: false }, e2eMs: 0 };
  }
  const outcome = await sendJob({ id: `request ${item.index}` }, request, { adapter: o.adapter, timeoutMs: o.timeoutMs, stopSignal: o.signal, sideLabel: o.sideLabel });
  if (outcome.kind === 'cancelled') return null;
  if (outcome.kind === 'failure') return { status: 'error', error: outcome.error, e2eMs: performance.now() - started };
  return { status: 'ok', response: outcome.response };
}

/** Run one point on one side: warm-ups, then the measured requests on their arrival schedule. */
export async function runLoad(o: LoadOptions): Promise<LoadSummary> {
  const counters = { finished: 0 };
  const warm = o.items.filter((i) => i.warmup);
  const measured = o.items.filter((i) => !i.warmup);
  if (warm.some((i) => !o.skip?.has(i.index))) {
    await runPhase(warm, { ...o, offsets: warm.map(() => 0) }, counters);
  }
  if (!o.signal.aborted) {
    await runPhase(measured, { ...o, offsets: arrivalOffsetsMs(measured.length, o.requestRate, o.burstiness, o.seed) }, counters);
  }
  const left = o.items.filter((i) => !o.skip?.has(i.index)).length - counters.finished;
  return { finished: counters.finished, stopped: left > 0 && o.signal.aborted };
}
