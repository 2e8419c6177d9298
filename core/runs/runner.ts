/**
 * The runner: sends a run's jobs to both backends, saves every result the moment it arrives, follows multi-turn
 * chains per side, compares finished pairs, and stops cleanly on cancel. Resume is the same call on a reopened
 * store: what is finished is never sent again.
 *
 * Scheduling is event-driven (no polling): a job enters its side's ready queue when it may run (turn 1, or its
 * previous turn on the same side is ok); `pump()` starts queued jobs while the side has free slots; every
 * state change calls `pump()` and `maybeFinish()`.
 */
import { readFile } from 'node:fs/promises';
import {
  SIDES,
  parseSize,
  pairKey as makePairKey,
  type Comparison,
  type Job,
  type JobError,
  type JobResult,
  type JobStatus,
  type PixelDiff,
  type ServerInfo,
  type Side,
  type SuiteCase,
} from '../../shared/model.ts';
import { BackendError, type BackendAdapter, type ConnectOptions, type ImageRequest, type ImageResponse, type InputImage } from '../backends/types.ts';
import type { ComparePool, CompareTask, PixelDiffOutput } from '../compare/types.ts';
import { InvalidImageError, extForMime } from '../store/image-file.ts';
import type { RunStore } from '../store/types.ts';
import type { JobRef, RunCounts, RunEvent, RunOutcome, RunProgress } from './events.ts';
import { DEFAULT_BACKOFF, backoffDelayMs, estimateEtaMs, type Backoff } from './timing.ts';

export type { RunEvent, RunOutcome, RunProgress, RunCounts, SideProgress, JobRef } from './events.ts';
export type { Backoff } from './timing.ts';

export interface RunJobsOptions {
  store: RunStore;
  /** Connected adapters (see connectBackends). */
  adapters: Record<Side, BackendAdapter>;
  compare: ComparePool;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  backoff?: Backoff;
  /**
   * Comparisons handed to the pool at once. The pool queues work itself; this bounds how many outputs (heatmap
   * PNGs) wait in memory. Default 2.
   */
  compareConcurrency?: number;
}

interface JobState {
  job: Job;
  status: JobStatus;
  /** Cumulative over sessions, as stored. */
  attempts: number;
  /** Attempts in this session: the retry budget is per session (a crash or cancel does not eat it). */
  sessionAttempts: number;
  result: JobResult | undefined;
  /** When the job last entered its side's ready queue (performance.now()). */
  readyAt: number;
  chain: JobState[];
}

type SendOutcome =
  | { kind: 'response'; response: ImageResponse }
  | { kind: 'failure'; error: JobError }
  | { kind: 'cancelled' };

function errorMessage(error: unknown): string {
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

/** Finite numbers only: a server's NaN or a negative clock skew must not make a result unsaveable. */
function finiteRecord(record: Record<string, number> | undefined): Record<string, number> | undefined {
  if (!record) return undefined;
  return Object.fromEntries(Object.entries(record).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));
}

function endpointOf(url: string | undefined): string {
  if (!url) return '';
  try {
    return `POST ${new URL(url).pathname}`;
  } catch {
    return '';
  }
}

function refOf(job: Job): JobRef {
  return { jobId: job.id, caseId: job.caseId, side: job.side, turn: job.turn, repeat: job.repeat };
}

function toPixelDiff(output: PixelDiffOutput, heatmapId: string | null): PixelDiff {
  return {
    pixels: output.pixels,
    ratio: output.ratio,
    heatmapId,
    bounds: output.bounds,
    width: output.width,
    height: output.height,
    sizeMismatch: output.sizeMismatch,
    ...(output.sourceResizedFrom === undefined ? {} : { sourceResizedFrom: output.sourceResizedFrom }),
  };
}

class RunSession {
  private readonly store: RunStore;
  private readonly adapters: Record<Side, BackendAdapter>;
  private readonly pool: ComparePool;
  private readonly userSignal: AbortSignal | undefined;
  private readonly onEvent: ((event: RunEvent) => void) | undefined;
  private readonly backoff: Backoff;
  private readonly compareConcurrency: number;
  private readonly retries: number;

  private readonly startedAt = performance.now();
  private readonly states: JobState[] = [];
  private readonly cases = new Map<string, SuiteCase>();
  private readonly pairs = new Map<string, Partial<Record<Side, JobState>>>();
  private readonly queues: Record<Side, JobState[]> = { A: [], B: [] };
  private readonly running: Record<Side, number> = { A: 0, B: 0 };
  private readonly finishedHere: Record<Side, number> = { A: 0, B: 0 };
  private readonly backoffs = new Map<JobState, ReturnType<typeof setTimeout>>();
  private readonly compared = new Set<string>();
  private readonly compareFailed = new Set<string>();
  private readonly compareQueue: string[] = [];
  private compareRunning = 0;

  private readonly stopCtrl = new AbortController();
  private stopping = false;
  private fatal: { error: unknown } | undefined;
  private settled = false;
  private resolveDone: () => void = () => undefined;

  constructor(options: RunJobsOptions) {
    this.store = options.store;
    this.adapters = options.adapters;
    this.pool = options.compare;
    this.userSignal = options.signal;
    this.onEvent = options.onEvent;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.compareConcurrency = Math.max(1, options.compareConcurrency ?? 2);
    this.retries = this.store.config.params.retries;
  }

  async run(): Promise<RunOutcome> {
    const done = new Promise<void>((resolve) => {
      this.resolveDone = resolve;
    });
    const onAbort = (): void => {
      this.log('info', 'cancel requested: stopping; requests in flight go back to pending and are sent again on resume');
      this.stop();
    };
    this.load();
    if (this.userSignal?.aborted) this.stop();
    else this.userSignal?.addEventListener('abort', onAbort, { once: true });
    try {
      this.pump();
      this.emitProgress();
      this.maybeFinish();
      await done;
    } finally {
      this.userSignal?.removeEventListener('abort', onAbort);
    }
    if (this.fatal) throw this.fatal.error;
    const outcome: RunOutcome = {
      status: this.stopping ? 'cancelled' : 'complete',
      counts: this.counts(),
      elapsedMs: Math.round(performance.now() - this.startedAt),
    };
    this.emitProgress();
    return outcome;
  }

  // -- setup -------------------------------------------------------------------------------------------------

  private load(): void {
    for (const c of this.store.config.suite.cases) this.cases.set(c.id, c);
    const results = new Map(this.store.results().map((r) => [r.jobId, r]));
    this.compared.clear();
    for (const c of this.store.comparisons()) this.compared.add(c.pairKey);

    let reset = 0;
    const chains = new Map<string, JobState[]>();
    for (const job of this.store.jobs()) {
      let status = job.status;
      const result = results.get(job.id);
      // A crash mid-request leaves `running`; an ok without its result cannot happen with transactional saves,
      // but if it did the job must be sent again rather than chained from an image that does not exist.
      if (status === 'running' || (status === 'ok' && !result?.imageId)) {
        this.store.setJobStatus(job.id, 'pending');
        status = 'pending';
        reset++;
      }
      const chainKey = `${job.caseId}\u0000${job.side}\u0000${job.repeat}`;
      let chain = chains.get(chainKey);
      if (!chain) chains.set(chainKey, (chain = []));
      const state: JobState = { job, status, attempts: job.attempts, sessionAttempts: 0, result, readyAt: this.startedAt, chain };
      chain.push(state);
      this.states.push(state);
      const key = makePairKey(job.caseId, job.turn, job.repeat);
      const pair = this.pairs.get(key) ?? {};
      pair[job.side] = state;
      this.pairs.set(key, pair);
    }
    if (reset > 0) this.log('info', `resuming: ${reset} job(s) were in flight when the run stopped; they will be sent again`);

    for (const chain of chains.values()) {
      chain.sort((x, y) => x.job.turn - y.job.turn);
      this.startChain(chain);
    }
    for (const [key, pair] of this.pairs) this.maybeQueueComparison(key, pair);

    const pending = this.states.filter((s) => s.status === 'pending').length;
    const missing = this.compareQueue.length;
    this.log('info', `run ${this.store.config.id}: ${this.states.length} jobs, ${pending} to send, ${missing} comparisons to compute`);
  }

  /** Resume a chain: skip what follows a failed turn, queue the first pending turn whose predecessor is ok. */
  private startChain(chain: JobState[]): void {
    for (let i = 0; i < chain.length; i++) {
      const state = chain[i] as JobState;
      const expectedTurn = i + 1;
      if (state.job.turn !== expectedTurn) {
        this.skipFrom(chain, i, `turn ${expectedTurn} has no job in this run`);
        return;
      }
      if (state.status === 'error') {
        this.skipFrom(chain, i + 1, `turn ${state.job.turn} failed: ${state.result?.error?.message ?? 'unknown error'}`);
        return;
      }
      if (state.status === 'skipped') {
        this.skipFrom(chain, i + 1, state.result?.error?.message ?? `turn ${state.job.turn} was skipped`);
        return;
      }
      if (state.status === 'pending') {
        this.enqueue(state);
        return;
      }
    }
  }

  // -- scheduling --------------------------------------------------------------------------------------------

  private enqueue(state: JobState): void {
    state.readyAt = performance.now();
    this.queues[state.job.side].push(state);
  }

  private pump(): void {
    if (this.stopping) return;
    for (const side of SIDES) {
      const limit = this.store.config.backends[side].concurrency;
      const queue = this.queues[side];
      while (this.running[side] < limit && queue.length > 0) {
        const state = queue.shift() as JobState;
        this.running[side]++;
        this.track(this.attempt(state));
      }
    }
    while (this.compareRunning < this.compareConcurrency && this.compareQueue.length > 0) {
      const key = this.compareQueue.shift() as string;
      this.compareRunning++;
      this.track(
        this.runComparison(key).finally(() => {
          this.compareRunning--;
        }),
      );
    }
  }

  private track(work: Promise<void>): void {
    work
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.pump();
        this.maybeFinish();
      });
  }

  private maybeFinish(): void {
    if (this.settled) return;
    if (SIDES.some((s) => this.running[s] > 0) || this.compareRunning > 0) return;
    if (!this.stopping && (SIDES.some((s) => this.queues[s].length > 0) || this.backoffs.size > 0 || this.compareQueue.length > 0)) {
      return;
    }
    if (!this.stopping) {
      const stuck = this.states.filter((s) => s.status === 'pending').length;
      if (stuck > 0) this.log('error', `internal: ${stuck} pending job(s) could not be scheduled; they stay pending`);
    }
    this.settled = true;
    this.resolveDone();
  }

  /** Stop starting work and abort requests in flight (cancel, or a fatal store error). */
  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.stopCtrl.abort(new Error('run cancelled'));
    // Jobs waiting out a retry backoff are already `pending` in the store; they simply are not resumed here.
    for (const timer of this.backoffs.values()) clearTimeout(timer);
    this.backoffs.clear();
    this.maybeFinish();
  }

  private fail(error: unknown): void {
    if (!this.fatal) {
      this.fatal = { error };
      this.log('error', `run stopped: ${errorMessage(error)}`);
    }
    this.stop();
  }

  // -- one attempt of one job --------------------------------------------------------------------------------

  private label(side: Side): string {
    return `${side} (${this.store.config.backends[side].label})`;
  }

  private async attempt(state: JobState): Promise<void> {
    const { job } = state;
    const side = job.side;
    try {
      const queueMs = Math.max(0, Math.round(performance.now() - state.readyAt));
      const request = await this.buildRequest(state);
      if (this.stopping) return; // stopped while reading inputs: nothing was sent, the job stays pending

      state.attempts += 1;
      state.sessionAttempts += 1;
      state.status = 'running';
      this.store.setJobStatus(job.id, 'running', state.attempts);
      this.emit({ type: 'job-started', ...refOf(job), attempt: state.attempts, queueMs });
      this.emitProgress();

      const startedAt = new Date().toISOString();
      const t0 = performance.now();
      const sent = await this.send(state, request);

      if (sent.kind === 'cancelled') {
        // Not an error: the request was aborted by us. The attempt does not count; resume sends it again.
        state.attempts -= 1;
        state.status = 'pending';
        this.store.setJobStatus(job.id, 'pending', state.attempts);
        return;
      }

      let failure: JobError;
      let response: ImageResponse | undefined;
      if (sent.kind === 'response') {
        response = sent.response;
        try {
          // Once the response is here it is saved even if a cancel arrives meanwhile: never lose a result.
          const image = await this.store.putImage(response.image, parseSize(job.request.size));
          this.finish(state, {
            ...this.resultBase(state, startedAt),
            status: 'ok',
            imageId: image.id,
            width: image.width,
            height: image.height,
            timings: this.timings(response, queueMs),
            peakMemoryMb: response.peakMemoryMb,
            endpoint: response.endpoint,
            ...(response.notes?.length ? { notes: response.notes } : {}),
          });
          return;
        } catch (error) {
          if (!(error instanceof InvalidImageError)) throw error;
          failure = {
            kind: 'invalid-image',
            message: `${this.label(side)} returned an unusable image for job ${job.id} (${response.endpoint}): ${error.message}`,
            retryable: false,
          };
        }
      } else {
        failure = sent.error;
      }

      if (failure.retryable && state.sessionAttempts <= this.retries) {
        if (this.stopping) {
          // It would have been retried: leave it for the resume instead of recording a failure.
          state.status = 'pending';
          this.store.setJobStatus(job.id, 'pending', state.attempts);
          return;
        }
        this.scheduleRetry(state, failure);
        return;
      }
      this.finish(state, {
        ...this.resultBase(state, startedAt),
        status: 'error',
        error: failure,
        timings: response
          ? this.timings(response, queueMs)
          : { e2eMs: Math.max(0, Math.round(performance.now() - t0)), stages: {}, clientWaitMs: queueMs },
        peakMemoryMb: response?.peakMemoryMb ?? null,
        endpoint: response?.endpoint ?? endpointOf(failure.url),
        ...(response?.notes?.length ? { notes: response.notes } : {}),
      });
    } finally {
      this.running[side]--;
    }
  }

  private resultBase(state: JobState, startedAt: string) {
    const { job } = state;
    return {
      ...refOf(job),
      requestedSize: job.request.size,
      attempts: Math.max(1, state.attempts),
      startedAt,
      finishedAt: new Date().toISOString(),
    };
  }

  private timings(response: ImageResponse, queueMs: number): JobResult['timings'] {
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

  private async send(state: JobState, request: ImageRequest): Promise<SendOutcome> {
    const { job } = state;
    const side = job.side;
    const adapter = this.adapters[side];
    const { timeoutMs } = this.store.config.backends[side];
    const timeout = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      timeout.abort(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const signal = AbortSignal.any([this.stopCtrl.signal, timeout.signal]);
    try {
      const response = await raceAbort(
        Promise.resolve().then(() => adapter.send(request, { signal, timeoutMs })),
        signal,
      );
      return { kind: 'response', response };
    } catch (error) {
      if (this.stopCtrl.signal.aborted && !timedOut) return { kind: 'cancelled' };
      if (error instanceof BackendError && (!timedOut || error.kind === 'timeout')) {
        return { kind: 'failure', error: error.toJobError() };
      }
      if (timedOut) {
        return {
          kind: 'failure',
          error: {
            kind: 'timeout',
            message:
              `${this.label(side)} did not answer job ${job.id} within ${timeoutMs} ms (the side's timeout): ` +
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
          message: `${this.label(side)} adapter failed unexpectedly on job ${job.id}: ${errorMessage(error)}`,
          retryable: false,
        },
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private scheduleRetry(state: JobState, failure: JobError): void {
    const { job } = state;
    const delayMs = backoffDelayMs(state.sessionAttempts, this.backoff);
    state.status = 'pending';
    this.store.setJobStatus(job.id, 'pending', state.attempts);
    this.emit({
      type: 'job-retry',
      ...refOf(job),
      attempt: state.attempts,
      delayMs,
      reason: failure.message,
      errorKind: failure.kind,
    });
    const timer = setTimeout(() => {
      this.backoffs.delete(state);
      if (this.stopping) return;
      this.enqueue(state);
      this.pump();
      this.maybeFinish();
    }, delayMs);
    this.backoffs.set(state, timer);
    this.emitProgress();
  }

  private async loadImage(id: string, baseName: string, what: string): Promise<InputImage> {
    const stored = this.store.getImage(id);
    if (!stored) {
      throw new Error(`${what} (image ${id}) is not in the run folder ${this.store.dir}: the run is incomplete; create it again`);
    }
    const file = this.store.imagePath(id);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new Error(`${what}: cannot read ${file} (${errorMessage(error)})`, { cause: error });
    }
    return {
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      mime: stored.mime,
      name: `${baseName}.${extForMime(stored.mime)}`,
    };
  }

  /** Turn 1 edits the case's inputs (none: generation); turn N edits this side's own turn N−1 output. */
  private async buildRequest(state: JobState): Promise<ImageRequest> {
    const { job } = state;
    let images: InputImage[];
    if (job.turn === 1) {
      const suiteCase = this.cases.get(job.caseId);
      if (!suiteCase) throw new Error(`job ${job.id}: case "${job.caseId}" is not in the run's suite`);
      images = await Promise.all(
        suiteCase.inputs.map((id, i) => this.loadImage(id, `input-${i}`, `input ${i + 1} of case "${suiteCase.id}"`)),
      );
    } else {
      const previous = state.chain[job.turn - 2];
      const imageId = previous?.result?.imageId;
      if (!imageId) throw new Error(`internal: job ${job.id} started before turn ${job.turn - 1} had an image`);
      images = [await this.loadImage(imageId, `turn-${job.turn - 1}`, `the ${job.side} output of turn ${job.turn - 1}`)];
    }
    const r = job.request;
    return {
      prompt: r.prompt,
      ...(r.negativePrompt === undefined ? {} : { negativePrompt: r.negativePrompt }),
      seed: r.seed,
      steps: r.steps,
      ...(r.trueCfgScale === undefined ? {} : { trueCfgScale: r.trueCfgScale }),
      size: r.size,
      images,
    };
  }

  // -- finishing jobs ----------------------------------------------------------------------------------------

  /** Save the final result of a sent job, then unlock what depends on it. */
  private finish(state: JobState, result: JobResult): void {
    this.store.saveResult(result);
    state.result = result;
    state.status = result.status;
    this.finishedHere[state.job.side]++;
    this.emit({ type: 'job-finished', result, status: result.status });
    const index = state.chain.indexOf(state);
    if (result.status === 'ok') {
      const next = state.chain[index + 1];
      if (next && next.status === 'pending') this.enqueue(next);
      const key = makePairKey(state.job.caseId, state.job.turn, state.job.repeat);
      const pair = this.pairs.get(key);
      if (pair) this.maybeQueueComparison(key, pair);
    } else {
      this.skipFrom(state.chain, index + 1, `turn ${state.job.turn} failed: ${result.error?.message ?? 'unknown error'}`);
    }
    this.emitProgress();
  }

  /** Record every pending turn from `index` on as skipped (a result with error kind `skipped`). */
  private skipFrom(chain: JobState[], index: number, message: string): void {
    for (const state of chain.slice(index)) {
      if (state.status !== 'pending') continue;
      const now = new Date().toISOString();
      const result: JobResult = {
        ...refOf(state.job),
        status: 'error',
        error: { kind: 'skipped', message, retryable: false },
        requestedSize: state.job.request.size,
        timings: { e2eMs: 0, stages: {} },
        peakMemoryMb: null,
        endpoint: '',
        attempts: state.attempts,
        startedAt: now,
        finishedAt: now,
      };
      this.store.saveResult(result);
      state.result = result;
      state.status = 'skipped';
      this.emit({ type: 'job-finished', result, status: 'skipped' });
    }
  }

  // -- comparisons -------------------------------------------------------------------------------------------

  private maybeQueueComparison(key: string, pair: Partial<Record<Side, JobState>>): void {
    if (this.compared.has(key) || this.compareQueue.includes(key)) return;
    if (pair.A?.status !== 'ok' || pair.B?.status !== 'ok') return;
    this.compareQueue.push(key);
  }

  /** The image a side edited this turn: the case's first input for turn 1, its own previous output after. */
  private sourcePath(state: JobState): string | undefined {
    const { job } = state;
    if (job.turn === 1) {
      const first = this.cases.get(job.caseId)?.inputs[0];
      return first && this.store.getImage(first) ? this.store.imagePath(first) : undefined;
    }
    const previous = state.chain[job.turn - 2]?.result?.imageId;
    return previous ? this.store.imagePath(previous) : undefined;
  }

  private async runComparison(key: string): Promise<void> {
    const pair = this.pairs.get(key);
    const a = pair?.A;
    const b = pair?.B;
    try {
      if (!a?.result?.imageId || !b?.result?.imageId) throw new Error('internal: both sides need an image');
      const sourceA = this.sourcePath(a);
      const sourceB = this.sourcePath(b);
      const task: CompareTask = {
        a: this.store.imagePath(a.result.imageId),
        b: this.store.imagePath(b.result.imageId),
        ...(sourceA ? { sourceA } : {}),
        ...(sourceB ? { sourceB } : {}),
      };
      const out = await this.pool.compare(task);
      const heatmap = async (d: PixelDiffOutput): Promise<string | null> =>
        d.heatmapPng ? (await this.store.putImage(d.heatmapPng)).id : null;
      const comparison: Comparison = {
        pairKey: key,
        ab: {
          ...toPixelDiff(out.ab, await heatmap(out.ab)),
          ssim: out.ab.ssim !== null && Number.isFinite(out.ab.ssim) ? out.ab.ssim : null,
          // Identical images have an infinite PSNR; the model stores that as null with identical=true.
          psnr: out.ab.psnr !== null && Number.isFinite(out.ab.psnr) ? out.ab.psnr : null,
          identical: out.ab.identical,
        },
        vsSource: {
          A: out.vsSource.A ? toPixelDiff(out.vsSource.A, await heatmap(out.vsSource.A)) : null,
          B: out.vsSource.B ? toPixelDiff(out.vsSource.B, await heatmap(out.vsSource.B)) : null,
        },
        threshold: out.threshold,
        metricsSize: out.metricsSize,
      };
      this.store.saveComparison(comparison);
      this.compared.add(key);
      this.emit({ type: 'comparison-done', pairKey: key, comparison });
    } catch (error) {
      this.compareFailed.add(key);
      const message = `comparison of ${key} failed: ${errorMessage(error)} (it is computed again on resume)`;
      this.emit({ type: 'comparison-failed', pairKey: key, message });
      this.log('warn', message);
    }
    this.emitProgress();
  }

  // -- reporting ---------------------------------------------------------------------------------------------

  private emit(event: RunEvent): void {
    if (!this.onEvent) return;
    try {
      this.onEvent(event);
    } catch {
      // A failing listener (a progress bar) must not lose a run; the results are in the store regardless.
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.emit({ type: 'log', level, message });
  }

  private comparable(pair: Partial<Record<Side, JobState>>): boolean {
    const bad = (s: JobState | undefined): boolean => !s || s.status === 'error' || s.status === 'skipped';
    return !bad(pair.A) && !bad(pair.B);
  }

  /** Job counts per side and status, in one pass (progress is emitted several times per job). */
  private tally(): Record<Side, Record<JobStatus, number> & { total: number }> {
    const zero = (): Record<JobStatus, number> & { total: number } => ({ total: 0, pending: 0, running: 0, ok: 0, error: 0, skipped: 0 });
    const out = { A: zero(), B: zero() };
    for (const s of this.states) {
      const t = out[s.job.side];
      t.total++;
      t[s.status]++;
    }
    return out;
  }

  progress(): RunProgress {
    const elapsedMs = Math.round(performance.now() - this.startedAt);
    const tally = this.tally();
    const sides = {} as RunProgress['sides'];
    for (const side of SIDES) {
      const { total, ok, error, skipped, running } = tally[side];
      sides[side] = { total, done: ok + error + skipped, ok, error, skipped, running };
    }
    let total = 0;
    let done = 0;
    for (const [key, pair] of this.pairs) {
      if (this.compared.has(key)) {
        total++;
        done++;
      } else if (this.comparable(pair)) {
        total++;
        if (this.compareFailed.has(key)) done++;
      }
    }
    const etaMs = estimateEtaMs(
      SIDES.map((side) => ({ remaining: sides[side].total - sides[side].done, finished: this.finishedHere[side] })),
      elapsedMs,
    );
    return { sides, comparisons: { total, done }, elapsedMs, etaMs };
  }

  private emitProgress(): void {
    if (this.onEvent) this.emit({ type: 'progress', progress: this.progress() });
  }

  private counts(): RunCounts {
    const tally = this.tally();
    const sides = {} as RunCounts['sides'];
    for (const side of SIDES) {
      const { total, ok, error, skipped } = tally[side];
      sides[side] = { total, ok, error, skipped, pending: total - ok - error - skipped };
    }
    let missing = 0;
    for (const [key, pair] of this.pairs) {
      if (!this.compared.has(key) && pair.A?.status === 'ok' && pair.B?.status === 'ok') missing++;
    }
    return { sides, comparisons: { saved: this.compared.size, failed: this.compareFailed.size, missing } };
  }
}

/**
 * Send the run's unfinished jobs, compare finished pairs, and resolve when nothing is left (`complete`) or the
 * signal stopped it (`cancelled`). Rejects only when the run folder itself fails (a result cannot be saved, an
 * input image is missing): requests in flight are aborted first and their jobs stay pending for a resume.
 */
export function runJobs(options: RunJobsOptions): Promise<RunOutcome> {
  return new RunSession(options).run();
}

/**
 * Connect both adapters (health wait, server detection) at once and save what they learned in the store.
 * `onWait` is told which side it is waiting for.
 */
export async function connectBackends(
  store: RunStore,
  adapters: Record<Side, BackendAdapter>,
  options: Omit<ConnectOptions, 'onWait'> & { onWait?: (side: Side, message: string) => void } = {},
): Promise<Record<Side, ServerInfo>> {
  const { onWait, ...rest } = options;
  const [a, b] = await Promise.all(
    SIDES.map((side) =>
      adapters[side].connect({ ...rest, ...(onWait ? { onWait: (message: string) => onWait(side, message) } : {}) }),
    ),
  );
  const infos = { A: a as ServerInfo, B: b as ServerInfo };
  for (const side of SIDES) store.saveServerInfo(side, infos[side]);
  return infos;
}
