/**
 * A small pool of worker threads for comparisons, so decoding and pixel work never block a run's HTTP
 * traffic or progress output. One task per worker at a time; tasks wait in a FIFO queue.
 *
 * Failure model:
 * - a file that does not decode → that task rejects with the worker's message (the worker lives on);
 * - a worker that dies mid-task (native crash, uncaught bug, process.exit) → that task rejects with a clear
 *   error and a fresh worker takes the dead one's place for the queue;
 * - a worker that dies before it is ready (bad workerUrl, missing module) → queued tasks reject with the
 *   start error when no other worker is alive; nothing respawns in a loop, the next compare() tries again.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
// Load sharp on the main thread too: with glibc, libvips would otherwise be unloaded when the last worker
// using it exits, and a later worker's sharp could crash the process (lovell/sharp#2263).
import 'sharp';
import { checkCompareOptions, DEFAULT_METRICS_SIZE, DEFAULT_THRESHOLD } from './metrics.ts';
import type { CompareRequest, WorkerMessage } from './protocol.ts';
import type { CompareOutput, ComparePool, CompareTask } from './types.ts';

export interface ComparePoolOptions {
  /** Worker threads; default defaultPoolSize(). */
  size?: number;
  /** Module the workers run; default ./worker.ts beside this file. A bundled Electron main passes its own file. */
  workerUrl?: URL;
}

/**
 * The JavaScript heap of a compare worker. Pixels live outside it (sharp's and pixelmatch's buffers), and those are
 * bounded by the pixel budget every decode passes to sharp (store/image-limits.ts): at most 16.8 MP per image.
 * A worker that still runs out is terminated and its task fails; the process lives on.
 */
export const WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64 } as const;

/** Leave a core for the main thread (HTTP, progress, the UI) and never take more than 2: libvips is threaded too. */
export function defaultPoolSize(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(2, cores - 1));
}

interface Pending {
  id: number;
  task: CompareTask;
  resolve: (output: CompareOutput) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  state: 'starting' | 'idle' | 'busy';
  current: Pending | null;
  /** The last 'error' event, reported when the worker exits. */
  lastError: Error | null;
  /** Set when we terminate it ourselves (close), so its exit is not a crash. */
  retiring: boolean;
}

function describeTask(task: CompareTask): string {
  return `${task.a} and ${task.b}`;
}

export function createComparePool(options: ComparePoolOptions = {}): ComparePool {
  const size = options.size ?? defaultPoolSize();
  if (!Number.isInteger(size) || size < 1 || size > 64) {
    throw new RangeError(`compare pool size must be an integer between 1 and 64, got ${size}`);
  }
  const workerUrl = options.workerUrl ?? new URL('./worker.ts', import.meta.url);

  const slots = new Set<Slot>();
  const queue: Pending[] = [];
  let nextId = 1;
  let closing = false;
  let closed: Promise<void> | null = null;
  let finishClose: (() => void) | null = null;

  function spawn(): void {
    const worker = new Worker(workerUrl, { name: 'omni-review-compare', resourceLimits: WORKER_RESOURCE_LIMITS });
    const slot: Slot = { worker, state: 'starting', current: null, lastError: null, retiring: false };
    slots.add(slot);
    worker.on('message', (message: WorkerMessage) => onMessage(slot, message));
    worker.on('error', (err) => {
      slot.lastError = err;
    });
    worker.on('exit', (code) => onExit(slot, code));
  }

  function onMessage(slot: Slot, message: WorkerMessage): void {
    if (message.type === 'ready') {
      slot.state = 'idle';
    } else {
      const pending = slot.current;
      slot.current = null;
      slot.state = 'idle';
      if (pending && pending.id === message.id) {
        if (message.ok) pending.resolve(message.output);
        else pending.reject(new Error(message.message));
      }
    }
    pump();
  }

  function onExit(slot: Slot, code: number): void {
    slots.delete(slot);
    if (slot.retiring) {
      settleClose();
      return;
    }
    const reason = slot.lastError ? slot.lastError.message : `exited with code ${code}`;
    if (slot.state === 'starting') {
      // It never became ready: almost certainly deterministic (bad URL, syntax error, missing module), so
      // respawning would fail the same way. Fail what is queued unless a live worker can still serve it.
      if (![...slots].some((s) => s.state !== 'starting')) {
        const error = `comparison worker failed to start (${workerUrl.href}): ${reason}`;
        for (const pending of queue.splice(0)) pending.reject(new Error(error));
      }
    } else if (slot.current) {
      slot.current.reject(
        new Error(
          `comparison worker crashed while comparing ${describeTask(slot.current.task)}: ${reason}. ` +
            'A new worker takes its place; retry the comparison, and report a bug if it crashes again on these files.',
        ),
      );
      slot.current = null;
    }
    pump();
  }

  /** Hand queued tasks to idle workers, start workers up to `size` while tasks wait, keep refs in sync. */
  function pump(): void {
    for (const slot of slots) {
      if (queue.length === 0) break;
      if (slot.state !== 'idle') continue;
      const pending = queue.shift() as Pending;
      slot.state = 'busy';
      slot.current = pending;
      const request: CompareRequest = { type: 'compare', id: pending.id, task: pending.task };
      slot.worker.postMessage(request);
    }
    const starting = [...slots].filter((s) => s.state === 'starting').length;
    let toStart = Math.min(size - slots.size, queue.length - starting);
    while (toStart-- > 0) spawn();
    // Idle workers must not keep the process alive (a caller that forgets close() still exits); workers
    // with work, or starting for queued work, must.
    for (const slot of slots) {
      if (slot.state === 'idle') slot.worker.unref();
      else slot.worker.ref();
    }
    settleClose();
  }

  /** Once closing and drained, terminate the idle workers; resolve when every worker has exited. */
  function settleClose(): void {
    if (!closing || queue.length > 0) return;
    for (const slot of slots) {
      if (slot.state !== 'idle' || slot.retiring) continue;
      slot.retiring = true;
      void slot.worker.terminate();
    }
    if (slots.size === 0 && finishClose) {
      finishClose();
      finishClose = null;
    }
  }

  return {
    compare(task: CompareTask): Promise<CompareOutput> {
      if (closing) return Promise.reject(new Error('the comparison pool is closed; create a new one to compare more images'));
      try {
        if (typeof task.a !== 'string' || task.a === '' || typeof task.b !== 'string' || task.b === '') {
          throw new TypeError('a comparison needs the file paths of both outputs (task.a and task.b)');
        }
        checkCompareOptions(task.threshold ?? DEFAULT_THRESHOLD, task.metricsSize ?? DEFAULT_METRICS_SIZE);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      return new Promise<CompareOutput>((resolve, reject) => {
        queue.push({ id: nextId++, task, resolve, reject });
        pump();
      });
    },

    close(): Promise<void> {
      if (closed) return closed;
      closing = true;
      closed = new Promise<void>((resolve) => {
        finishClose = resolve;
      });
      // Workers still starting for nothing (their task went elsewhere) are idle once ready, then retired.
      settleClose();
      return closed;
    },
  };
}
