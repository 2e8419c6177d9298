/**
 * What a host (Electron main, the browser-mode HTTP host, tests) gets from the engine: one dispatcher for the
 * contract, a push-event stream, and id → file resolution for images and exported files. Hosts never build
 * file paths from renderer input themselves; they ask here, and get null for anything that is not theirs.
 */
import type { UiEvent } from '../../shared/contract.ts';
import type { Dispatcher } from '../rpc.ts';

export interface ResolvedFile {
  /** Absolute path of an existing regular file inside a run folder. */
  path: string;
  mime: string;
}

export interface CoreApp {
  readonly dispatcher: Dispatcher;
  /** Subscribe to run progress / pair changes; returns the unsubscribe function. */
  subscribe(listener: (event: UiEvent) => void): () => void;
  /** An image of a run by content id, or null when the run or image is unknown. Never trusts a path. */
  resolveImage(runId: string, imageId: string): ResolvedFile | null;
  /**
   * A display-sized copy of a run image: longest side at most `maxSide` (one of PREVIEW_SIDES), lossless PNG,
   * made once and cached in the run folder. The original when it is already that small. null when unknown.
   */
  resolvePreview(runId: string, imageId: string, maxSide: number): Promise<ResolvedFile | null>;
  /** An exported report file of a run (report.html, report.json, report.csv and the images they link). */
  resolveRunFile(runId: string, relPath: string): ResolvedFile | null;
  /** Stop running work (runs are left resumable) and close stores. */
  close(): Promise<void>;
}

/** Print an HTML file to a PDF file (whole pages, every image loaded); rejects with a sentence a person can act on. */
export type PdfPrinter = (htmlPath: string, pdfPath: string) => Promise<void>;

export interface CoreAppOptions {
  /** Folder holding `runs/`, `settings.json` and the list of opened external run folders. */
  workspace: string;
  mode: 'electron' | 'browser' | 'memory';
  /** Simulator time scale for runs started from the UI (default: the simulators' DEFAULT_TIME_SCALE). */
  simTimeScale?: number;
  /**
   * Module the comparison worker threads run (passed on to createComparePool's `workerUrl`). Omitted when core
   * runs from source; the bundled Electron main passes its compiled copy (out/main/compare-worker.js), since
   * core's default `new URL('./worker.ts', import.meta.url)` does not exist in a bundle.
   */
  compareWorkerUrl?: URL;
  /**
   * How `runs:export` makes a PDF. The Electron shell passes webContents.printToPDF (electron/main/print-pdf.ts);
   * without it (browser mode, tests) a Chromium found on the machine prints (core/reports/pdf.ts).
   */
  printPdf?: PdfPrinter;
}
