/**
 * The comparison engine's surface: image files in, metrics and heatmap PNG bytes out. Runs in worker threads
 * so a run's HTTP traffic and progress output are never blocked by pixel work.
 */
import type { Bounds } from '../../shared/model.ts';
import type { ThumbnailItem } from '../reports/thumbnails.ts';

export interface CompareTask {
  /** Output of side A (file path). */
  a: string;
  /** Output of side B (file path). */
  b: string;
  /** The image each side edited for this turn (turn 1: the suite input; turn N: that side's turn N−1 output). */
  sourceA?: string;
  sourceB?: string;
  /** pixelmatch per-pixel threshold (YIQ, 0..1). Default 0.1: ignores ±2 numeric drift, catches a changed glyph. */
  threshold?: number;
  /** Longest edge of the downsampled copy SSIM and PSNR run on. Default 256. */
  metricsSize?: number;
}

export interface PixelDiffOutput {
  pixels: number | null;
  ratio: number | null;
  /** Heatmap PNG bytes; null when the sizes differ. */
  heatmapPng: Uint8Array | null;
  bounds: Bounds | null;
  width: number;
  height: number;
  /** "WxH" of each image when they differ; the first image's size is the one reported above. */
  sizeMismatch: { first: string; second: string } | null;
  /**
   * Output-vs-source diffs only: "WxH" of the source when it was resized to the output's size before the diff
   * (a backend that returned another size); null when the sizes already matched. Absent for A ↔ B.
   */
  sourceResizedFrom?: string | null;
}

export interface CompareOutput {
  ab: PixelDiffOutput & { ssim: number | null; psnr: number | null; identical: boolean };
  vsSource: { A: PixelDiffOutput | null; B: PixelDiffOutput | null };
  threshold: number;
  metricsSize: number;
}

/** Images of a report folder whose report thumbnails are made ahead (core/reports/thumbnails.ts prepareThumbnails). */
export interface ThumbnailJob {
  /** The folder the report is written to (a run folder). */
  reportDir: string;
  /** As the report names them: relative to reportDir; heatmaps are encoded differently. */
  images: ThumbnailItem[];
}

/** Thumbnails now in the cache (made by this job or before) and those that could not be made (the report tries again). */
export interface ThumbnailJobResult {
  ready: number;
  failed: number;
}

export interface ComparePool {
  compare(task: CompareTask): Promise<CompareOutput>;
  /**
   * Make the report thumbnails of `job`'s images on a worker, off the main thread. Optional: a pool without it
   * (a test's fake) leaves them to the report.
   */
  thumbnails?(job: ThumbnailJob): Promise<ThumbnailJobResult>;
  /** Finish in-flight work, then stop the workers. */
  close(): Promise<void>;
}
