/**
 * A small pool of worker threads for comparisons, so decoding and pixel work never block a run's HTTP
 * traffic or progress output. One task per worker at a time; tasks wait in a FIFO queue.
 *
 * The pool itself is core/workers/worker-pool.ts; this file says what a comparison task is and how it fails:
 * - a file that does not decode → that task rejects with the worker's message (the worker lives on);
 * - a worker that dies mid-task (native crash, uncaught bug, process.exit) → that task rejects with a clear
 *   error and a fresh worker takes the dead one's place for the queue;
 * - a worker that dies before it is ready (bad workerUrl, missing module) → queued tasks reject with the
 *   start error when no other worker is alive; nothing respawns in a loop, the next compare() tries again.
 */
import { availableParallelism } from 'node:os';
// Load sharp on the main thread too: with glibc, libvips would otherwise be unloaded when the last worker
// using it exits, and a later worker's sharp could crash the process (lovell/sharp#2263).
import 'sharp';
import { checkCompareOptions, DEFAULT_METRICS_SIZE, DEFAULT_THRESHOLD } from './metrics.ts';
import type { CompareRequest, PoolOutput, PoolTask, WorkerMessage } from './protocol.ts';
import type { CompareOutput, ComparePool, CompareTask } from './types.ts';
import { createWorkerPool } from '../workers/worker-pool.ts';

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

function describeTask(task: PoolTask): string {
  return task.type === 'compare' ? `comparing ${task.task.a} and ${task.task.b}` : `making report thumbnails in ${task.job.reportDir}`;
}

/** A worker's answer of the other kind than asked for: a bug in the worker, never a result. */
function wrongKind(output: PoolOutput): never {
  throw new Error(`internal: the comparison worker answered a ${output.type} result to another kind of task`);
}

/** The product's pool: it also makes report thumbnails. */
export type ThumbnailingComparePool = ComparePool & Required<Pick<ComparePool, 'thumbnails'>>;

export function createComparePool(options: ComparePoolOptions = {}): ThumbnailingComparePool {
  const size = options.size ?? defaultPoolSize();
  if (!Number.isInteger(size) || size < 1 || size > 64) {
    throw new RangeError(`compare pool size must be an integer between 1 and 64, got ${size}`);
  }
  const workerUrl = options.workerUrl ?? new URL('./worker.ts', import.meta.url);
  const pool = createWorkerPool<PoolTask, PoolOutput, WorkerMessage>({
    size,
    workerUrl,
    name: 'omni-review-compare',
    resourceLimits: WORKER_RESOURCE_LIMITS,
    request: (id, task): CompareRequest => ({ ...task, id }),
    interpret: (message) => {
      if (message.type === 'ready') return message;
      return message.ok ? { type: 'done', id: message.id, result: message.output } : { type: 'failed', id: message.id, message: message.message };
    },
    crashError: (task, reason) =>
      new Error(
        `comparison worker crashed while ${describeTask(task)}: ${reason}. ` +
          'A new worker takes its place; retry the comparison, and report a bug if it crashes again on these files.',
      ),
    startError: (reason) => new Error(`comparison worker failed to start (${workerUrl.href}): ${reason}`),
    closedMessage: 'the comparison pool is closed; create a new one to compare more images',
  });

  return {
    compare(task: CompareTask): Promise<CompareOutput> {
      try {
        if (typeof task.a !== 'string' || task.a === '' || typeof task.b !== 'string' || task.b === '') {
          throw new TypeError('a comparison needs the file paths of both outputs (task.a and task.b)');
        }
        checkCompareOptions(task.threshold ?? DEFAULT_THRESHOLD, task.metricsSize ?? DEFAULT_METRICS_SIZE);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      return pool.run({ type: 'compare', task }).then((out) => (out.type === 'compare' ? out.output : wrongKind(out)));
    },
    thumbnails(job) {
      return pool.run({ type: 'thumbnails', job }).then((out) => (out.type === 'thumbnails' ? out.result : wrongKind(out)));
    },
    close: () => pool.close(),
  };
}
