/**
 * Limits on image sizes, checked from the header before any pixel is decoded.
 *
 * A PNG of a few kilobytes can declare 16000×16000 pixels (a "decompression bomb"): decoding it costs gigabytes and
 * minutes. Every image that comes from outside (a backend's output, a suite's input, a file in a run folder) is
 * therefore measured from its header first (sharp's metadata reads only the header) and refused when it is larger
 * than the pixel budget, or, for an output, much larger than the size that was requested. Every decode then passes
 * the same budget to sharp (`limitInputPixels`), so a header that lies cannot get past it either.
 */
import type { Dimensions } from '../../shared/model.ts';
import { MAX_SIDE } from '../suite/size.ts';

/** The most pixels any image may have: the largest size we send or accept as an input (4096×4096, 16.8 MP). */
export const MAX_IMAGE_PIXELS = MAX_SIDE * MAX_SIDE;

/**
 * An output may have at most this many times the requested pixels. Servers round sizes and a "wrong size" output is
 * reported by the comparison, not refused; four times the area (twice each side) is far beyond any rounding.
 */
export const OUTPUT_AREA_FACTOR = 4;

/** Options for sharp that keep a decode within the budget, whatever the header said. Not for metadata(): the header
 * must be read whatever it declares, to say what it declares. */
export const SHARP_LIMITS = { limitInputPixels: MAX_IMAGE_PIXELS } as const;

function megapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} MP`;
}

/**
 * Why an image of these dimensions must not be decoded, or undefined when it may be. `requested` is the size that
 * was asked of a backend (its output is held to it); without it only the absolute budget applies.
 */
export function oversizeProblem(dims: Dimensions, requested?: Dimensions): string | undefined {
  const pixels = dims.width * dims.height;
  const shown = `${dims.width}x${dims.height} (${megapixels(pixels)})`;
  if (requested) {
    const allowed = Math.min(MAX_IMAGE_PIXELS, OUTPUT_AREA_FACTOR * requested.width * requested.height);
    if (pixels > allowed) {
      return (
        `its header says ${shown} for a ${requested.width}x${requested.height} request, more than ` +
        `${allowed === MAX_IMAGE_PIXELS ? `the ${megapixels(MAX_IMAGE_PIXELS)} limit` : `${OUTPUT_AREA_FACTOR}× the requested pixels`}; ` +
        'it was not decoded'
      );
    }
    return undefined;
  }
  if (pixels > MAX_IMAGE_PIXELS) {
    return `its header says ${shown}, more than the ${megapixels(MAX_IMAGE_PIXELS)} limit (${MAX_SIDE}x${MAX_SIDE}); it was not decoded`;
  }
  return undefined;
}

/** True when sharp refused a decode because of `limitInputPixels` (its message differs between versions). */
export function isPixelLimitError(error: unknown): boolean {
  return error instanceof Error && /pixel limit/i.test(error.message);
}
