/**
 * The product's OCR for a run (issue 11): core/ocr's engine (PP-OCRv4 in worker threads) behind the runner's
 * OcrReader. Started lazily on the first read, so a run with nothing to read (no expected text anywhere, or a
 * resume that has read everything) never loads the models; closed with the run.
 */
import { createOcrEngine, type OcrEngine } from '../ocr/engine.ts';
import { DEFAULT_DET_MAX_SIDE } from '../ocr/ppocr.ts';
import { readForCheck } from '../ocr/text-check.ts';
import { isOcrUnavailable, type OcrLine as EngineLine } from '../ocr/types.ts';
import type { OcrLine } from '../../shared/ocr-read.ts';
import type { OcrReader } from '../runner/ocr-reads.ts';

/**
 * Part of every stored read's key: bump it when the engine, its models or its settings change what it reads, so
 * runs resumed after an upgrade read again instead of mixing two engines' results.
 */
// r3: a line that fails the check is re-read from its region (readForCheck), which can change the stored lines.
export const OCR_ENGINE_VERSION = `ppocr PP-OCRv4 det${DEFAULT_DET_MAX_SIDE} r3 reread`;

/** The engine's four corners → the axis-aligned box the UI draws and the reports crop. */
export function lineOf(line: EngineLine): OcrLine {
  const xs = line.box.map((p) => p[0]);
  const ys = line.box.map((p) => p[1]);
  const x = Math.max(0, Math.min(...xs));
  const y = Math.max(0, Math.min(...ys));
  return {
    text: line.text,
    confidence: line.confidence,
    box: { x, y, width: Math.max(0, Math.max(...xs) - x), height: Math.max(0, Math.max(...ys) - y) },
    ...(line.firstRead !== undefined ? { firstRead: line.firstRead } : {}),
  };
}

export interface RunOcrReader extends OcrReader {
  close(): Promise<void>;
}

export function createRunOcrReader(options: { workerUrl?: URL } = {}): RunOcrReader {
  let engine: OcrEngine | null = null;
  return {
    engine: OCR_ENGINE_VERSION,
    async read(imagePath, expected) {
      engine ??= createOcrEngine(options.workerUrl ? { workerUrl: options.workerUrl } : {});
      const result = await readForCheck(engine, imagePath, expected);
      return { lines: result.lines.map(lineOf), width: result.width, height: result.height, ms: result.ms };
    },
    isUnavailable: isOcrUnavailable,
    async close() {
      await engine?.close();
    },
  };
}
