/**
 * CompareOutput (bytes, from a worker) → Comparison (the stored record, heatmaps as image ids). The scheduler
 * (core/runner) stores the heatmap PNGs through its RunStore and saves the record; nothing here touches the disk
 * itself.
 */
import type { Comparison, ImageId, PixelDiff } from '../../shared/model.ts';
import type { CompareOutput, PixelDiffOutput } from './types.ts';

/** Stores bytes and answers their content address; RunStore.putImage fits. */
export type PutImage = (bytes: Uint8Array) => Promise<{ id: ImageId }>;

async function toPixelDiff(diff: PixelDiffOutput, putImage: PutImage): Promise<PixelDiff> {
  const heatmapId = diff.heatmapPng ? (await putImage(diff.heatmapPng)).id : null;
  return {
    pixels: diff.pixels,
    ratio: diff.ratio,
    heatmapId,
    bounds: diff.bounds,
    width: diff.width,
    height: diff.height,
    sizeMismatch: diff.sizeMismatch,
    ...(diff.sourceResizedFrom === undefined ? {} : { sourceResizedFrom: diff.sourceResizedFrom }),
  };
}

/** A metric as the record keeps it: a finite number, or null (JSON has no Infinity or NaN; the schema refuses them). */
function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

/**
 * Identical images have an infinite PSNR: the record stores it as null, with `identical: true` saying why. A
 * non-finite SSIM (a degenerate image) is null as well, so the record always satisfies ComparisonSchema.
 */
export async function comparisonRecord(pairKey: string, output: CompareOutput, putImage: PutImage): Promise<Comparison> {
  // The three heatmaps are stored at the same time: each waits on its own fsync.
  const [ab, vsA, vsB] = await Promise.all([
    toPixelDiff(output.ab, putImage),
    output.vsSource.A ? toPixelDiff(output.vsSource.A, putImage) : null,
    output.vsSource.B ? toPixelDiff(output.vsSource.B, putImage) : null,
  ]);
  return {
    pairKey,
    ab: { ...ab, ssim: finiteOrNull(output.ab.ssim), psnr: finiteOrNull(output.ab.psnr), identical: output.ab.identical },
    vsSource: {
      A: vsA,
      B: vsB,
    },
    threshold: output.threshold,
    metricsSize: output.metricsSize,
  };
}
