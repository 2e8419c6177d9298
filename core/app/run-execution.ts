/**
 * Executing a run in the background for the UI: the run lock taken, executeRun's events folded into the handle's
 * state, and `run-updated` / `pairs-changed` pushed at most once per interval per run (the last one always
 * goes out when the run ends). Cancel answers once the run has really stopped.
 */
import { executeRun } from '../engine/execute-run.ts';
import { RpcError } from '../rpc.ts';
import { openRunStore } from '../store/run-store.ts';
import type { RunStore } from '../store/types.ts';
import type { EventBus } from './events.ts';
import type { ActiveRun, RunHandle, RunRegistry } from './run-registry.ts';
import type { CoreAppOptions } from './types.ts';

export interface RunExecutor {
  /** Execute a run whose store already holds the lock (a run just created). */
  execute(h: RunHandle): void;
  /** Take the lock (a `conflict` if someone else runs it) and execute: resume. */
  lockAndExecute(h: RunHandle): Promise<void>;
  /** Abort the execution and resolve once it has stopped (results saved, report written, lock handed back). */
  cancel(h: RunHandle, reason: string): Promise<void>;
}

export interface RunExecutorOptions extends Pick<CoreAppOptions, 'simTimeScale' | 'compareWorkerUrl' | 'ocrReader' | 'ocrWorkerUrl'> {
  /** Minimum ms between two run-updated events of one run. */
  eventIntervalMs: number;
  /** Whether runs read the text of their outputs (the reviewer's `ocr` setting), asked when a run starts. */
  ocrEnabled?: () => Promise<boolean>;
}

const pairOfJob = (jobId: string): string => jobId.slice(0, jobId.lastIndexOf('#'));

export function createRunExecutor(registry: RunRegistry, events: EventBus, options: RunExecutorOptions): RunExecutor {
  function execute(h: RunHandle): void {
    const controller = new AbortController();
    const active: ActiveRun = { controller, state: 'starting', progress: null, message: null, done: Promise.resolve() };
    h.active = active;
    h.lastState = null;
    h.lastMessage = null;
    let lastEmit = 0;
    let timer: NodeJS.Timeout | null = null;
    const pendingKeys = new Set<string>();
    const flush = () => {
      timer = null;
      lastEmit = Date.now();
      if (pendingKeys.size) {
        events.emit({ type: 'pairs-changed', runId: h.id, pairKeys: [...pendingKeys] });
        pendingKeys.clear();
      }
      events.emit({ type: 'run-updated', run: registry.summary(h) });
    };
    const schedule = () => {
      if (timer) return;
      const wait = Math.max(0, options.eventIntervalMs - (Date.now() - lastEmit));
      timer = setTimeout(flush, wait);
    };
    const ocrEnabled = options.ocrEnabled ?? (async () => true);
    active.done = ocrEnabled()
      .catch(() => true)
      .then((ocr) =>
        executeRun(h.store, {
          signal: controller.signal,
          ocr,
          ...(options.ocrReader ? { ocrReader: options.ocrReader } : {}),
          ...(options.ocrWorkerUrl ? { ocrWorkerUrl: options.ocrWorkerUrl } : {}),
          ...(options.simTimeScale === undefined ? {} : { simTimeScale: options.simTimeScale }),
          ...(options.compareWorkerUrl ? { compareWorkerUrl: options.compareWorkerUrl } : {}),
          onLog: (line) => {
            if (active.state === 'starting') active.message = line;
          },
          onEvent: (event) => {
            if (event.type === 'progress') {
              active.state = 'running';
              active.message = null;
              active.progress = event.progress;
            } else if (event.type === 'job-finished') {
              pendingKeys.add(pairOfJob(event.result.jobId));
            } else if (event.type === 'comparison-done' || event.type === 'comparison-failed') {
              pendingKeys.add(event.pairKey);
            } else if (event.type === 'ocr-done') {
              pendingKeys.add(pairOfJob(event.jobId));
            }
            schedule();
          },
        }),
      )
      .then((result) => {
        h.lastState = result.outcome.status === 'cancelled' ? 'cancelled' : 'complete';
        const failed = result.report.summary.errors.A + result.report.summary.errors.B;
        h.lastMessage = result.outcome.status === 'cancelled' ? 'cancelled; resume to send the rest' : failed ? `${failed} jobs failed` : null;
      })
      .catch((err: unknown) => {
        h.lastState = controller.signal.aborted ? 'cancelled' : 'failed';
        h.lastMessage = (err as Error).message;
      })
      .finally(async () => {
        if (timer) clearTimeout(timer);
        h.active = null;
        // Hand the lock back: from now on the run is only viewed (and resumable by anyone).
        if (h.locked) {
          h.store.close();
          h.store = await openRunStore(h.dir, { lock: false });
          h.locked = false;
        }
        flush();
      });
  }

  return {
    execute,
    async lockAndExecute(h) {
      let locked: RunStore;
      try {
        locked = await openRunStore(h.dir, { lock: true });
      } catch (err) {
        throw new RpcError('conflict', `cannot run ${h.id}: ${(err as Error).message}`);
      }
      h.store.close();
      h.store = locked;
      h.locked = true;
      execute(h);
    },
    async cancel(h, reason) {
      const active = h.active;
      if (!active) return;
      active.controller.abort(new Error(reason));
      active.state = 'cancelled';
      events.emit({ type: 'run-updated', run: registry.summary(h) });
      await active.done;
    },
  };
}
