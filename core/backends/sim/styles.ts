/**
 * Style filters named by prompt keywords (prompt-words.ts), built from sharp operations plus a few per-pixel passes.
 * Each takes `tweak` (1 for side A, slightly off for side B) so the two stacks differ a little, the way two
 * implementations of the same model do.
 */
import type { StyleId } from './prompt-words.ts';
import {
  type Matrix3,
  type RawRgb,
  luma,
  multiplyMatrix,
  posterize,
  saturationMatrix,
  sharpOf,
  splitTone,
  toRawRgb,
  vignette,
} from './raster.ts';
import sharp from 'sharp';

type StyleFilter = (img: RawRgb, tweak: number) => Promise<RawRgb>;

const SEPIA: Matrix3 = [
  [0.393, 0.769, 0.189],
  [0.349, 0.686, 0.168],
  [0.272, 0.534, 0.131],
];

const NIGHT: Matrix3 = [
  [0.32, 0.06, 0.04],
  [0.05, 0.4, 0.08],
  [0.06, 0.14, 0.72],
];

const WARM: Matrix3 = [
  [1.08, 0.03, 0],
  [0.01, 1.0, 0],
  [0, 0, 0.84],
];

/**
 * A 3×3 unsharp kernel. sharp's own sharpen() works in LAB and costs ~4× more at 1024², which would blow the
 * simulator's per-request budget.
 */
function sharpenKernel(amount: number): { width: number; height: number; kernel: number[] } {
  const a = amount / 4;
  return { width: 3, height: 3, kernel: [0, -a, 0, -a, 1 + amount, -a, 0, -a, 0] };
}

function scaled(n: number, factor: number): number {
  return Math.max(1, Math.round(n * factor));
}

export const STYLE_FILTERS: Readonly<Record<StyleId, StyleFilter>> = {
  // Soft washes: lose detail through a downscale, brighten towards the paper, lift saturation.
  watercolor: async (img, tweak) => {
    // Flat washes: a quarter-size copy quantised to a few tones, scaled back up soft.
    const small = posterize(
      await toRawRgb(
        sharpOf(img)
          .resize(scaled(img.width, 1 / 4), scaled(img.height, 1 / 4), { kernel: 'cubic' })
          .blur(0.5 * tweak),
      ),
      7,
    );
    return toRawRgb(
      sharpOf(small)
        .resize(img.width, img.height, { kernel: 'cubic' })
        .recomb(saturationMatrix(1.3 * tweak))
        .linear(0.75, 62),
    );
  },
  // Flattened brush strokes: a half-size copy quantised to a few tones per channel, scaled up and sharpened.
  'oil-painting': async (img, tweak) => {
    const small = posterize(
      await toRawRgb(
        sharpOf(img)
          .resize(scaled(img.width, 0.5), scaled(img.height, 0.5), { kernel: 'cubic' })
          .blur(0.9),
      ),
      9,
    );
    return toRawRgb(
      sharpOf(small)
        .resize(img.width, img.height, { kernel: 'cubic' })
        .convolve(sharpenKernel(1.6 * tweak))
        .recomb(saturationMatrix(1.35 * tweak))
        .linear(1.08, -8),
    );
  },
  // Colour-dodge sketch: grey / blurred grey, then darker strokes on warm paper.
  'pencil-sketch': async (img, tweak) => {
    const grey = luma(img);
    const blurred = await sharp(grey, { raw: { width: img.width, height: img.height, channels: 1 } })
      .blur(Math.max(1, Math.min(img.width, img.height) / 160) * tweak)
      .raw()
      .toBuffer();
    const out = Buffer.alloc(img.width * img.height * 3);
    for (let p = 0; p < grey.length; p++) {
      const dodge = Math.min(255, (grey[p]! * 255) / Math.max(1, blurred[p]!));
      const v = Math.max(0, 255 - (255 - dodge) * 1.6);
      out[p * 3] = v;
      out[p * 3 + 1] = v * 0.98;
      out[p * 3 + 2] = v * 0.93;
    }
    return { data: out, width: img.width, height: img.height };
  },
  // Teal shadows, magenta highlights, hard contrast.
  cyberpunk: async (img, tweak) => {
    const base = await toRawRgb(sharpOf(img).recomb(saturationMatrix(1.5 * tweak)).linear(1.25 * tweak, -30));
    return splitTone(base, [0, 150, 190], [255, 50, 210], 0.38);
  },
  sepia: async (img, tweak) => vignette(await toRawRgb(sharpOf(img).recomb(SEPIA).linear(0.88, 22 * tweak)), 0.3 * tweak),
  'black-and-white': async (img, tweak) => toRawRgb(sharpOf(img).greyscale().linear(1.15 * tweak, -18)),
  'pop-art': async (img, tweak) =>
    posterize(await toRawRgb(sharpOf(img).recomb(saturationMatrix(2.1 * tweak)).linear(1.2, -20)), 4),
  // Big square pixels and a small palette.
  'pixel-art': async (img) => {
    const block = Math.max(2, Math.round(Math.min(img.width, img.height) / 64));
    const small = posterize(
      await toRawRgb(sharpOf(img).resize(scaled(img.width, 1 / block), scaled(img.height, 1 / block), { kernel: 'cubic' })),
      6,
    );
    return toRawRgb(sharpOf(small).resize(img.width, img.height, { kernel: 'nearest' }));
  },
  // Diagonal brush smear, vivid blues and yellows.
  impressionist: async (img, tweak) => {
    // A 7×7 diagonal line kernel on a half-size copy: every pixel smeared along one brush direction.
    const size = 7;
    const kernel = Array.from({ length: size * size }, (_, i): number => {
      const x = i % size;
      const y = Math.floor(i / size);
      return x === y ? 1 : Math.abs(x - y) === 1 ? 0.35 : 0;
    });
    const small = await toRawRgb(
      sharpOf(img)
        .resize(scaled(img.width, 0.5), scaled(img.height, 0.5), { kernel: 'cubic' })
        .convolve({ width: size, height: size, kernel, scale: kernel.reduce((a, b) => a + b, 0) })
        .recomb(saturationMatrix(1.6 * tweak)),
    );
    const smeared = await toRawRgb(sharpOf(small).resize(img.width, img.height, { kernel: 'cubic' }).convolve(sharpenKernel(1.2 * tweak)));
    return posterize(splitTone(smeared, [25, 55, 150], [250, 205, 70], 0.3), 8);
  },
  night: async (img, tweak) => vignette(await toRawRgb(sharpOf(img).recomb(NIGHT).linear(0.95 * tweak, -3)), 0.5),
};

/**
 * The edit applied when a prompt has neither quoted text nor a known style ("replace the cat with a dog"): a warm
 * grade and a vignette, strong enough to show up in a pixel diff, so the edit is never invisible.
 */
export async function defaultGrade(img: RawRgb, tweak: number): Promise<RawRgb> {
  const m = multiplyMatrix(WARM, saturationMatrix(1.12 * tweak));
  return vignette(await toRawRgb(sharpOf(img).recomb(m).linear(1.04, 4)), 0.42 * tweak);
}

export async function applyStyles(img: RawRgb, styles: readonly StyleId[], tweak: number): Promise<RawRgb> {
  let out = img;
  for (const id of styles) out = await STYLE_FILTERS[id](out, tweak);
  return out;
}
