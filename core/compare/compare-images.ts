/**
 * One comparison, start to finish: decode files with sharp, pixelmatch A ↔ B and each output against its
 * source, SSIM/PSNR on a downsampled copy. Runs inside the pool's worker threads (worker.ts); it is a plain
 * async function so tests and tools can also call it in-process.
 */
import { readFile } from 'node:fs/promises';
import pixelmatch from 'pixelmatch';
import sharp from 'sharp';
import { formatSize, type Dimensions } from '../../shared/model.ts';
import { isPixelLimitError, oversizeProblem, SHARP_LIMITS } from '../store/image-limits.ts';
import {
  AA_COLOR,
  boundsOfColor,
  bytesEqual,
  checkCompareOptions,
  DEFAULT_METRICS_SIZE,
  DEFAULT_THRESHOLD,
  DIFF_COLOR,
  diffRatio,
  displayDimensions,
  finitePsnr,
  meanSquaredError,
  metricsDimensions,
  sameDimensions,
  scaleBounds,
  SOURCE_DIFF_SIZE,
  SSIM_MIN_SIDE,
} from './metrics.ts';
import type { CompareOutput, CompareTask, PixelDiffOutput } from './types.ts';
import { weberMssim } from './weber-ssim.ts';

export interface RawImage {
  /** RGBA, 8 bits per channel. */
  data: Uint8Array;
  width: number;
  height: number;
  /** Where it came from, for messages. */
  path: string;
}

/** Raster formats a backend or a suite may hand us. Vector and document formats are refused on purpose. */
const RASTER_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif', 'heif']);

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Read and decode an image file to RGBA. Every failure names the file and says what was expected. */
export async function decodeImageFile(path: string): Promise<RawImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`image file not found: ${path}`, { cause: err });
    throw new Error(`cannot read image file ${path}: ${messageOf(err)}`, { cause: err });
  }
  let format: string | undefined;
  let width: number | undefined;
  let height: number | undefined;
  try {
    // Header only (no decode), whatever size it declares; the budget is checked below, before any pixel is decoded.
    ({ format, width, height } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch (err) {
    throw new Error(`cannot decode image ${path}: ${messageOf(err)} (expected a PNG, JPEG or WebP file)`, { cause: err });
  }
  if (!format || !RASTER_FORMATS.has(format)) {
    throw new Error(`cannot decode image ${path}: it is ${format ?? 'an unknown format'}, expected a PNG, JPEG or WebP file`);
  }
  const oversize = width && height ? oversizeProblem({ width, height }) : undefined;
  if (oversize) throw new Error(`image ${path} is too large to compare: ${oversize}`);
  try {
    // autoOrient: a JPEG with an EXIF rotation must be compared the way every viewer shows it.
    // toColourspace('srgb'): grey, 16-bit and CMYK inputs all become 8-bit sRGB, so ensureAlpha gives 4 channels.
    // SHARP_LIMITS: a header that lies about its size still cannot make the decode exceed the pixel budget.
    const { data, info } = await sharp(bytes, SHARP_LIMITS)
      .autoOrient()
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`decoded to ${info.channels} channels, expected 4`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, path };
  } catch (err) {
    if (isPixelLimitError(err)) throw new Error(`image ${path} is too large to compare: it decodes to more pixels than the limit allows`, { cause: err });
    throw new Error(`cannot decode image ${path}: ${messageOf(err)} (expected a PNG, JPEG or WebP file)`, { cause: err });
  }
}

/** Resize raw RGBA to exact dimensions (aspect not kept: used to bring two images onto one grid). */
export async function resizeRaw(image: RawImage, to: Dimensions): Promise<RawImage> {
  if (sameDimensions(image, to)) return image;
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
    .resize(to.width, to.height, { fit: 'fill' })
    .raw()
    .toBuffer();
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: to.width, height: to.height, path: image.path };
}

/** A pixel diff whose heatmap may still be encoding on sharp's threads (see startPixelDiff). */
interface StartedDiff {
  stats: Omit<PixelDiffOutput, 'heatmapPng'>;
  heatmap: Promise<Uint8Array> | null;
}

/** Await a promise later without an unhandled rejection in between (the later await still throws). */
function started<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/**
 * pixelmatch (on this thread) and the heatmap's PNG encode started on sharp's threads, so the caller can run
 * other JS work (SSIM) while it encodes.
 */
function startPixelDiff(first: RawImage, second: RawImage, threshold: number): StartedDiff {
  if (!sameDimensions(first, second)) {
    return {
      stats: {
        pixels: null,
        ratio: null,
        bounds: null,
        width: first.width,
        height: first.height,
        sizeMismatch: { first: formatSize(first), second: formatSize(second) },
      },
      heatmap: null,
    };
  }
  const { width, height } = first;
  const output = new Uint8Array(width * height * 4);
  const pixels = pixelmatch(first.data, second.data, output, width, height, {
    threshold,
    includeAA: false,
    diffColor: [...DIFF_COLOR],
    aaColor: [...AA_COLOR],
  });
  const bounds = pixels > 0 ? boundsOfColor(output, width, height) : null;
  return {
    stats: { pixels, ratio: diffRatio(pixels, width, height), bounds, width, height, sizeMismatch: null },
    heatmap: started(encodeHeatmap(output, width, height)),
  };
}

/**
 * pixelmatch's output as a PNG, fast: compression level 1 (~4× faster than the default 6, the file a little
 * larger) and RGB, not RGBA (pixelmatch paints every pixel opaque, so the alpha channel carries nothing and
 * dropping it halves the encode again). The pixels are the same; docs/performance.md has the figures.
 */
async function encodeHeatmap(output: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const png = await sharp(output, { raw: { width, height, channels: 4 } }).removeAlpha().png({ compressionLevel: 1 }).toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/**
 * pixelmatch two decoded images. Different sizes are reported, never thrown: pixel stats are then null.
 * The heatmap is pixelmatch's own output: a faded greyscale of `first` with changed pixels in red.
 */
export async function pixelDiff(first: RawImage, second: RawImage, threshold: number): Promise<PixelDiffOutput> {
  const { stats, heatmap } = startPixelDiff(first, second, threshold);
  return { ...stats, heatmapPng: heatmap ? await heatmap : null };
}

/** Both images on the grid SSIM/PSNR run on (`first`'s shape, longest edge `metricsSize`); resized on sharp's threads. */
function metricsCopies(first: RawImage, second: RawImage, metricsSize: number): Promise<[RawImage, RawImage]> {
  const dims = metricsDimensions(first, metricsSize);
  return Promise.all([resizeRaw(first, dims), resizeRaw(second, dims)]);
}

/** SSIM and PSNR of two images already on one grid (metricsCopies). */
function metricsOf(a: RawImage, b: RawImage): { ssim: number | null; psnr: number | null } {
  const mse = meanSquaredError(a.data, b.data);
  // weberMssim: ssim.js's default (Weber) SSIM, the same number computed several times faster (weber-ssim.ts).
  const ssimValue = Math.min(a.width, a.height) >= SSIM_MIN_SIDE ? weberMssim(a.data, b.data, a.width, a.height) : null;
  return { ssim: ssimValue !== null && Number.isFinite(ssimValue) ? ssimValue : null, psnr: finitePsnr(mse) };
}

/** SSIM (ssim.js's Weber variant) and PSNR of two images on a common downsample taken from `first`'s shape. */
export async function structuralMetrics(
  first: RawImage,
  second: RawImage,
  metricsSize: number,
): Promise<{ ssim: number | null; psnr: number | null }> {
  const [a, b] = await metricsCopies(first, second, metricsSize);
  return metricsOf(a, b);
}

/**
 * Output against the image it edited, on a display-sized grid (longest edge `gridSize`, SOURCE_DIFF_SIZE by
 * default): both are brought to the output's aspect at that size, so a source of another size is compared on
 * the same grid. The heatmap is that grid; the record keeps the output's size, its bounds mapped back onto the
 * output (scaleBounds) and its changed-pixel count scaled to the output's area (ratio × area), so every reader
 * draws and compares them as before.
 */
export async function diffAgainstSource(
  output: RawImage,
  source: RawImage,
  threshold: number,
  gridSize: number = SOURCE_DIFF_SIZE,
): Promise<PixelDiffOutput> {
  return diffOnGrid(output, source, await sourceGrids(output, source, gridSize), threshold);
}

/**
 * Output and source resized onto the output-vs-source grid (sharp's threads). `sourceOnGrid`, when given,
 * already holds the source at that grid (both sides edited the same source: resized once, not twice).
 */
function sourceGrids(
  output: RawImage,
  source: RawImage,
  gridSize: number = SOURCE_DIFF_SIZE,
  sourceOnGrid?: Promise<RawImage>,
): Promise<[RawImage, RawImage]> {
  const grid = displayDimensions(output, gridSize);
  return Promise.all([resizeRaw(output, grid), sourceOnGrid ?? resizeRaw(source, grid)]);
}

async function diffOnGrid(output: RawImage, source: RawImage, [out, src]: [RawImage, RawImage], threshold: number): Promise<PixelDiffOutput> {
  const resized = !sameDimensions(output, source);
  const grid = { width: out.width, height: out.height };
  const diff = await pixelDiff(out, src, threshold);
  const full = { width: output.width, height: output.height };
  const scaled = !sameDimensions(grid, full);
  return {
    ...diff,
    pixels: diff.ratio === null || !scaled ? diff.pixels : Math.round(diff.ratio * full.width * full.height),
    bounds: diff.bounds && scaled ? scaleBounds(diff.bounds, grid, full) : diff.bounds,
    width: full.width,
    height: full.height,
    sourceResizedFrom: resized ? formatSize(source) : null,
  };
}

export async function compareImages(task: CompareTask): Promise<CompareOutput> {
  const threshold = task.threshold ?? DEFAULT_THRESHOLD;
  const metricsSize = task.metricsSize ?? DEFAULT_METRICS_SIZE;
  checkCompareOptions(threshold, metricsSize);

  // Decode each distinct file once (turn 1 usually hands both sides the same source).
  const decoded = new Map<string, Promise<RawImage>>();
  const decode = (path: string): Promise<RawImage> => {
    let p = decoded.get(path);
    if (!p) {
      p = decodeImageFile(path);
      decoded.set(path, p);
    }
    return p;
  };
  const [a, b, sourceA, sourceB] = await Promise.all([
    decode(task.a),
    decode(task.b),
    task.sourceA === undefined ? null : decode(task.sourceA),
    task.sourceB === undefined ? null : decode(task.sourceB),
  ]);

  const identical = sameDimensions(a, b) && bytesEqual(a.data, b.data);
  // Work is ordered so sharp's threads (resizes, PNG encodes) run while this thread runs pixelmatch and SSIM:
  // the metrics copies and the output-vs-source grids are started first, SSIM runs while the heatmap encodes.
  // Identical pixels: SSIM is exactly 1 and PSNR infinite (stored null); no need to compute either.
  const copies = identical ? null : started(metricsCopies(a, b, metricsSize));
  const gridA = sourceA ? started(sourceGrids(a, sourceA)) : null;
  const sharedSource = gridA && sourceA === sourceB && sameDimensions(a, b) ? gridA.then(([, src]) => src) : undefined;
  const gridB = sourceB ? started(sourceGrids(b, sourceB, SOURCE_DIFF_SIZE, sharedSource)) : null;
  const diff = startPixelDiff(a, b, threshold);
  const structural = copies ? metricsOf(...(await copies)) : { ssim: 1, psnr: null };
  const heatmapPng = diff.heatmap ? await diff.heatmap : null;
  // Both at once: one side's pixelmatch runs while the other's heatmap encodes.
  const [vsA, vsB] = await Promise.all([
    gridA && sourceA ? gridA.then((grids) => diffOnGrid(a, sourceA, grids, threshold)) : null,
    gridB && sourceB ? gridB.then((grids) => diffOnGrid(b, sourceB, grids, threshold)) : null,
  ]);
  return {
    ab: { ...diff.stats, heatmapPng, ...structural, identical },
    vsSource: { A: vsA, B: vsB },
    threshold,
    metricsSize,
  };
}
