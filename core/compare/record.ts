/**
 * CompareOutput (bytes, from a worker) → Comparison (the stored record, heatmaps as image ids). The runner
 * stores the heatmap PNGs through its RunStore and saves the record; nothing here touches the disk itself.
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

export async function comparisonRecord(pairKey: string, output: CompareOutput, putImage: PutImage): Promise<Comparison> {
  const ab = await toPixelDiff(output.ab, putImage);
  return {
    pairKey,
    ab: { ...ab, ssim: output.ab.ssim, psnr: output.ab.psnr, identical: output.ab.identical },
    vsSource: {
      A: output.vsSource.A ? await toPixelDiff(output.vsSource.A, putImage) : null,
      B: output.vsSource.B ? await toPixelDiff(output.vsSource.B, putImage) : null,
    },
    threshold: output.threshold,
    metricsSize: output.metricsSize,
  };
}
