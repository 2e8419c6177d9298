/**
 * OCR worker: started by createOcrEngine (engine.ts) with `new Worker(new URL('./worker.ts', import.meta.url))`.
 * Node 24 runs this .ts file directly; a bundled Electron main passes its own compiled copy as `workerUrl`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createPpOcr } from './ppocr.ts';
import type { OcrReadRequest, OcrWorkerData, OcrWorkerMessage } from './protocol.ts';
import { createTesseractOcr } from './tesseract.ts';
import { isOcrUnavailable, type OcrReadOptions, type OcrResult } from './types.ts';

if (!parentPort) {
  throw new Error('core/ocr/worker.ts runs as a worker thread started by createOcrEngine(), not on its own');
}
const port = parentPort;
const data = workerData as OcrWorkerData;

interface Reader {
  read(image: string | Uint8Array, options?: OcrReadOptions): Promise<OcrResult>;
}

async function load(): Promise<Reader> {
  if (data.engine === 'tesseract') return createTesseractOcr(data.langs ? { langs: data.langs } : {});
  return createPpOcr({
    ...(data.threads !== undefined ? { threads: data.threads } : {}),
    ...(data.detMaxSide !== undefined ? { detMaxSide: data.detMaxSide } : {}),
    ...(data.models ? { models: data.models } : {}),
  });
}

try {
  const reader = await load();
  // Reads run one at a time per worker (the pool sends one at a time); onnxruntime sessions are not re-entrant.
  port.on('message', (request: OcrReadRequest) => {
    void reader.read(request.image, request.options).then(
      (result) => port.postMessage({ type: 'result', id: request.id, ok: true, result } satisfies OcrWorkerMessage),
      (err: unknown) =>
        port.postMessage({ type: 'result', id: request.id, ok: false, message: err instanceof Error ? err.message : String(err) } satisfies OcrWorkerMessage),
    );
  });
  port.postMessage({ type: 'ready' } satisfies OcrWorkerMessage);
} catch (err) {
  const message: OcrWorkerMessage = isOcrUnavailable(err)
    ? { type: 'unavailable', message: err.message, hint: err.hint }
    : { type: 'unavailable', message: `OCR is unavailable: ${err instanceof Error ? err.message : String(err)}`, hint: 'Run with --ocr off, and report a bug.' };
  port.postMessage(message);
}
