/**
 * The scheduler: sends a run's jobs to both backends, saves every result the moment it arrives, follows
 * multi-turn chains per side, compares finished pairs, and stops cleanly on cancel. Resume is the same call on a
 * reopened store: what is finished is never sent again.
 *
 * Scheduling is event-driven (no polling): a job enters its side's ready queue when it may run (turn 1, or its
 * previous turn on the same side is ok); `pump()` starts queued jobs while the side has free slots; every
 * state change calls `pump()` and `maybeFinish()`. One request (timeout, abort) is send.ts; what it sends is
 * job-request.ts; the records it saves are job-result.ts; comparisons.ts compares finished pairs.
 */
import { SIDES, pairKey as makePairKey, parseSize, type Job, type JobError, type JobResult, type Side, type SuiteCase } from '../../shared/model.ts';
import type { RunProgress } from '../../shared/contract.ts';
import { progressOf } from '../../shared/progress.ts';
import type { BackendAdapter, ImageResponse } from '../backends/types.ts';
import type { ComparePool } from '../compare/types.ts';
import { InvalidImageError } from '../store/image-file.ts';
import type { RunStore } from '../store/types.ts';
import { DEFAULT_BACKOFF, backoffDelayMs, type Backoff } from './backoff.ts';
import { estimateEtaMs } from './eta.ts';
import { PairComparisons } from './comparisons.ts';
import { OcrReads, type OcrReader } from './ocr-reads.ts';
import type { RunEvent, RunOutcome } from './events.ts';
import { buildRequest } from './job-request.ts';
import { errorResult, invalidImageResult, okResult, refOf, skippedResult } from './job-result.ts';
import { countsOf, loadJobStates, type JobState, type PairStates } from './job-states.ts';
import { errorMessage, sendJob } from './send.ts';

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
  /** OCR engine for outputs with expected text (issue 11); absent or null: no OCR in this session. */
  ocr?: OcrReader | null;
  /** Reads handed to the OCR engine at once. Default 2. */
  ocrConcurrency?: number;
}

/**
 * How many staged results may be confirming at once: CONFIRMING_PER_SLOT per request slot of both sides together,
 * and at least MIN_CONFIRMING. Each holds its image's bytes until its fsync and decode check are done; past the
 * bound the side whose response arrives waits before it sends its next request.
 */
const CONFIRMING_PER_SLOT = 2;
const MIN_CONFIRMING = 8;

/** Runs one run's jobs once (one session); see runJobs. */
class JobScheduler {
  private readonly store: RunStore;
  private readonly adapters: Record<Side, BackendAdapter>;
  private readonly userSignal: AbortSignal | undefined;
  private readonly onEvent: ((event: RunEvent) => void) | undefined;
  private readonly backoff: Backoff;
  private readonly retries: number;

  private readonly startedAt = performance.now();
  private states: JobState[] = [];
  private readonly cases = new Map<string, SuiteCase>();
  private pairs = new Map<string, PairStates>();
  private readonly queues: Record<Side, JobState[]> = { A: [], B: [] };
  private readonly running: Record<Side, number> = { A: 0, B: 0 };
  /** Staged results being confirmed (fsync and decode check of their image); they no longer hold a slot. */
  private confirming = 0;
  /** Attempts holding their slot until the confirmations fall below maxConfirming (a disk slower than the backends). */
  private readonly confirmWaiters: Array<() => void> = [];
  private readonly maxConfirming: number;
  private readonly finishedHere: Record<Side, number> = { A: 0, B: 0 };
  private readonly backoffs = new Map<JobState, ReturnType<typeof setTimeout>>();
  private readonly comparisons: PairComparisons;
  private readonly ocr: OcrReads;

  private readonly stopCtrl = new AbortController();
  private stopping = false;
  private fatal: { error: unknown } | undefined;
  private settled = false;
  private resolveDone: () => void = () => undefined;

  constructor(options: RunJobsOptions) {
    this.store = options.store;
    this.adapters = options.adapters;
    this.userSignal = options.signal;
    this.onEvent = options.onEvent;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.retries = this.store.config.params.retries;
    const slots = SIDES.reduce((n, side) => n + this.store.config.backends[side].concurrency, 0);
    this.maxConfirming = Math.max(MIN_CONFIRMING, CONFIRMING_PER_SLOT * slots);
    this.comparisons = new PairComparisons({
      store: this.store,
      pool: options.compare,
      cases: this.cases,
      concurrency: Math.max(1, options.compareConcurrency ?? 2),
      emit: (event) => this.emit(event),
    });
    this.ocr = new OcrReads({
      store: this.store,
      reader: options.ocr ?? null,
      cases: this.cases,
      concurrency: Math.max(1, options.ocrConcurrency ?? 2),
      emit: (event) => this.emit(event),
    });
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
      counts: countsOf({ states: this.states, pairs: this.pairs }, this.comparisons.compared, this.comparisons.failed),
      elapsedMs: Math.round(performance.now() - this.startedAt),
    };
    this.emitProgress();
    return outcome;
  }

  // -- setup -------------------------------------------------------------------------------------------------

  private load(): void {
    for (const c of this.store.config.suite.cases) this.cases.set(c.id, c);
    const book = loadJobStates(this.store, this.startedAt);
    this.states = book.states;
    this.pairs = book.pairs;
    if (book.reset > 0) this.log('info', `resuming: ${book.reset} job(s) were in flight when the run stopped; they will be sent again`);
    // Results received before a crash but not yet confirmed: checked from their files, not sent again.
    const byId = new Map(this.states.map((state) => [state.job.id, state]));
    for (const staged of this.store.stagedResults()) {
      const state = byId.get(staged.jobId);
      if (state?.status !== 'pending') continue;
      state.status = 'running';
      state.result = staged;
      this.track(this.confirm(state, staged));
    }
    for (const chain of book.chains) this.startChain(chain);
    for (const [key, pair] of this.pairs) this.comparisons.offer(key, pair);
    for (const state of this.states) this.ocr.offer(state);

    const pending = this.states.filter((s) => s.status === 'pending').length;
    const missing = this.comparisons.queued;
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
      // A staged result being confirmed: the chain goes on from there (confirm).
      if (state.status === 'running') return;
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
    for (const work of this.comparisons.startReady(this.pairs)) this.track(work.then(() => this.emitProgress()));
    for (const work of this.ocr.startReady()) this.track(work.then(() => this.emitProgress()));
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
    if (SIDES.some((s) => this.running[s] > 0) || this.confirming > 0 || this.comparisons.busy || this.ocr.busy) return;
    if (
      !this.stopping &&
      (SIDES.some((s) => this.queues[s].length > 0) || this.backoffs.size > 0 || this.comparisons.queued > 0 || this.ocr.queued > 0)
    ) {
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
      const request = await buildRequest(this.store, job, this.cases.get(job.caseId), state.chain[job.turn - 2]?.result?.imageId);
      if (this.stopping) return; // stopped while reading inputs: nothing was sent, the job stays pending

      state.attempts += 1;
      state.sessionAttempts += 1;
      // `running` lives in memory only: resume turns it back into pending anyway, and the attempt is recorded
      // with the job's result (one commit per request instead of two).
      state.status = 'running';
      this.emit({ type: 'job-started', ...refOf(job), attempt: state.attempts, queueMs });
      this.emitProgress();

      const startedAt = new Date().toISOString();
      const t0 = performance.now();
      const sent = await sendJob(job, request, {
        adapter: this.adapters[side],
        timeoutMs: this.store.config.backends[side].timeoutMs,
        stopSignal: this.stopCtrl.signal,
        sideLabel: this.label(side),
      });

      if (sent.kind === 'cancelled') {
        // Not an error: the request was aborted by us. The attempt does not count; resume sends it again.
        state.attempts -= 1;
        this.setPending(state);
        return;
      }

      let failure: JobError;
      let response: ImageResponse | undefined;
      if (sent.kind === 'response') {
        response = sent.response;
        try {
          // Once the response is here it is saved even if a cancel arrives meanwhile: never lose a result. It is
          // staged (the file written, a row committed: kill -9 loses nothing) and the slot is free for the next
          // request; the job becomes ok once its image is fsynced and decodes (confirm), which a resume redoes.
          const image = await this.store.stageImage(response.image, parseSize(job.request.size));
          const result = okResult(job, state.attempts, startedAt, image, response, queueMs);
          if (image.stored) {
            this.finish(state, result);
            return;
          }
          this.store.saveStagedResult(result, image);
          state.result = result;
          this.track(this.confirm(state, result, response.image));
          // Back-pressure: images received faster than the disk takes them wait here, holding this side's slot,
          // rather than piling up in memory.
          if (this.confirming > this.maxConfirming) await new Promise<void>((resolve) => this.confirmWaiters.push(resolve));
          return;
        } catch (error) {
          if (!(error instanceof InvalidImageError)) throw error;
          failure = this.invalidImage(job, response.endpoint, error);
        }
      } else {
        failure = sent.error;
      }

      if (failure.retryable && state.sessionAttempts <= this.retries) {
        if (this.stopping) {
          // It would have been retried: leave it for the resume instead of recording a failure.
          this.setPending(state);
          return;
        }
        this.scheduleRetry(state, failure);
        return;
      }
      this.finish(state, errorResult(job, state.attempts, startedAt, failure, response, performance.now() - t0, queueMs));
    } finally {
      this.running[side]--;
    }
  }

  /**
   * Make a staged result final (fsync and decode check of its image, then the result row): the job becomes ok and
   * what depends on it (the chain's next turn, the pair's comparison) may use the image. Pixels that do not decode
   * make it an `invalid-image` error, as they did before staging; a file lost to a power loss (a resume, `bytes`
   * undefined) puts the job back in its queue, to be sent again.
   */
  private async confirm(state: JobState, staged: JobResult, bytes?: Uint8Array): Promise<void> {
    this.confirming++;
    try {
      // Start once the side's next request is on its way (the slot is freed and pump() runs when the attempt that
      // staged this returns): the decode check and the fsyncs are set up on this thread, and would delay it.
      await new Promise<void>((resolve) => setImmediate(resolve));
      let saved: JobResult | null;
      try {
        saved = await this.store.confirmStagedResult(staged.jobId, bytes);
      } catch (error) {
        if (!(error instanceof InvalidImageError)) throw error;
        this.finish(state, invalidImageResult(staged, this.invalidImage(state.job, staged.endpoint, error)));
        return;
      }
      if (saved) {
        this.finish(state, saved, { saved: true });
        return;
      }
      this.log('warn', `resuming: the image of job ${state.job.id} was lost before it reached the disk; it will be sent again`);
      state.result = undefined;
      state.status = 'pending';
      state.attempts = Math.max(state.attempts, staged.attempts);
      this.enqueue(state);
    } finally {
      this.confirming--;
      this.confirmWaiters.shift()?.();
    }
  }

  /** The error of an image that cannot be used, whether found on arrival (header) or when confirmed (pixels). */
  private invalidImage(job: Job, endpoint: string, error: InvalidImageError): JobError {
    return {
      kind: 'invalid-image',
      message: `${this.label(job.side)} returned an unusable image for job ${job.id} (${endpoint}): ${error.message}`,
      retryable: false,
    };
  }

  private setPending(state: JobState): void {
    state.status = 'pending';
    this.store.setJobStatus(state.job.id, 'pending', state.attempts);
  }

  private scheduleRetry(state: JobState, failure: JobError): void {
    const { job } = state;
    const delayMs = backoffDelayMs(state.sessionAttempts, this.backoff);
    this.setPending(state);
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

  // -- finishing jobs ----------------------------------------------------------------------------------------

  /** Save the final result of a sent job, then unlock what depends on it. */
  private finish(state: JobState, result: JobResult, options: { saved?: boolean } = {}): void {
    if (!options.saved) this.store.saveResult(result);
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
      if (pair) this.comparisons.offer(key, pair);
      this.ocr.offer(state);
    } else {
      this.skipFrom(state.chain, index + 1, `turn ${state.job.turn} failed: ${result.error?.message ?? 'unknown error'}`);
    }
    this.emitProgress();
  }

  /** Record every pending turn from `index` on as skipped (a result with error kind `skipped`). */
  private skipFrom(chain: JobState[], index: number, message: string): void {
    for (const state of chain.slice(index)) {
      if (state.status !== 'pending') continue;
      const result = skippedResult(state.job, state.attempts, message);
      this.store.saveResult(result);
      state.result = result;
      state.status = 'skipped';
      this.emit({ type: 'job-finished', result, status: 'skipped' });
    }
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

  /** The contract's progress, with an ETA from this session's completion rate per side. */
  progress(): RunProgress {
    const progress = progressOf({ jobs: this.states, compared: this.comparisons.compared, compareFailed: this.comparisons.failed });
    const remaining = [
      ...SIDES.map((side) => ({ remaining: progress[side].total - progress[side].done, finished: this.finishedHere[side] })),
      { remaining: progress.compare.total - progress.compare.done, finished: this.comparisons.finishedHere },
      // OCR reads are a lane of their own: the run is over when the last one is saved.
      { remaining: this.ocr.remaining, finished: this.ocr.finishedHere },
    ];
    const ocr = this.ocr.progress();
    return { ...progress, ...(ocr ? { ocr } : {}), etaMs: estimateEtaMs(remaining, Math.round(performance.now() - this.startedAt)) };
  }

  private emitProgress(): void {
    if (this.onEvent) this.emit({ type: 'progress', progress: this.progress() });
  }
}

/**
 * Send the run's unfinished jobs, compare finished pairs, and resolve when nothing is left (`complete`) or the
 * signal stopped it (`cancelled`). Rejects only when the run folder itself fails (a result cannot be saved, an
 * input image is missing): requests in flight are aborted first and their jobs stay pending for a resume.
 */
export function runJobs(options: RunJobsOptions): Promise<RunOutcome> {
  return new JobScheduler(options).run();
}
