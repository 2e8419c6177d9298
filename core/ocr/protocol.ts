/**
 * Messages between the OCR engine (main thread, engine.ts) and its worker threads (worker.ts). A worker
 * loads its engine from `workerData`, then posts `ready`, or `unavailable` when the engine cannot load on
 * this machine (the pool then fails every read with OcrUnavailableError and starts no more workers).
 * Each read gets exactly one `result` carrying its id.
 */
import type { PpOcrModelPaths } from './ppocr.ts';
import type { OcrEngineName, OcrReadOptions, OcrResult } from './types.ts';

export interface OcrWorkerData {
  engine: OcrEngineName;
  threads?: number;
  detMaxSide?: number;
  langs?: string[];
  models?: PpOcrModelPaths;
}

export interface OcrReadRequest {
  type: 'read';
  id: number;
  image: string | Uint8Array;
  options: OcrReadOptions;
}

export type OcrWorkerMessage =
  | { type: 'ready' }
  | { type: 'unavailable'; message: string; hint: string }
  | { type: 'result'; id: number; ok: true; result: OcrResult }
  | { type: 'result'; id: number; ok: false; message: string };
