/**
 * The OCR engine's types (issue 11). One result shape for every engine, so the run, the CLI `text-check`
 * and the reports read PP-OCR and Tesseract the same way.
 */

export type Point = [number, number];

export interface OcrLine {
  text: string;
  /** Mean per-character confidence, 0–1. */
  confidence: number;
  /** Corners clockwise from top-left, in pixels of the image as read (after EXIF orientation). */
  box: [Point, Point, Point, Point];
  /** A region re-read replaced this line's text (text-check.ts `readForCheck`): what the first read said. */
  firstRead?: string;
}

export type OcrEngineName = 'ppocr' | 'tesseract';
export const OCR_ENGINES: readonly OcrEngineName[] = ['ppocr', 'tesseract'];

export interface OcrResult {
  engine: OcrEngineName;
  lines: OcrLine[];
  width: number;
  height: number;
  /** Time inside the worker: decode, detection, recognition. Queueing in the pool is not counted. */
  ms: number;
}

export interface OcrRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface OcrReadOptions {
  /**
   * Read only these regions (each as one line), skipping detection: a re-read of where text is expected,
   * e.g. the reference side's boxes. Empty or absent: detect text in the whole image.
   */
  regions?: OcrRegion[];
  /** PP-OCR only: the longer side the detector reads at, overriding the engine's setting. */
  detMaxSide?: number;
}

/**
 * The OCR engine cannot start on this machine (a package or model file missing, a native binary that does not
 * load). A run says so once and goes on without OCR; the CLI exits with a clear message.
 */
export class OcrUnavailableError extends Error {
  override readonly name = 'OcrUnavailableError';
  readonly hint: string;
  constructor(what: string, hint: string) {
    super(`OCR is unavailable: ${what}. ${hint}`);
    this.hint = hint;
  }

  /** Rebuild one from a worker's message (already composed by the constructor there). */
  static fromMessage(message: string, hint: string): OcrUnavailableError {
    const error = new OcrUnavailableError('', hint);
    error.message = message;
    return error;
  }
}

export function isOcrUnavailable(err: unknown): err is OcrUnavailableError {
  return err instanceof Error && err.name === 'OcrUnavailableError';
}
