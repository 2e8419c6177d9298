/**
 * Checks a suite's `size: WxH` strings beyond the shared regex, so a typo fails at load time with a fix instead of
 * as a 400 (or a silently different output size) halfway through a run.
 */
import { SizeSchema, parseSize } from '../../shared/model.ts';

/** Largest width or height we send or accept as input (vLLM-Omni rejects larger with --max-generated-image-size). */
export const MAX_SIDE = 4096;
/** Smallest side worth sending: below this the VAE latent is a handful of tokens. */
export const MIN_SIDE = 64;
/** Qwen-Image pipelines floor both sides to multiples of 16 (VAE factor 8 × 2×2 patches). */
export const SIZE_MULTIPLE = 16;

export interface SizeProblem {
  problem: string;
  hint: string;
}

/** undefined when `size` is fine; otherwise what is wrong and how to write it. */
export function checkSize(size: string): SizeProblem | undefined {
  if (!SizeSchema.safeParse(size).success) {
    const loose = /^\s*(\d+)\s*[xX×*,:/ ]\s*(\d+)\s*$/.exec(size);
    if (loose && Number(loose[1]) > 0 && Number(loose[2]) > 0) {
      return {
        problem: `size "${size}" must be written WIDTHxHEIGHT with a lowercase x`,
        hint: `Write it as ${Number(loose[1])}x${Number(loose[2])}.`,
      };
    }
    if (size.trim().toLowerCase() === 'auto') {
      return {
        problem: 'size "auto" is not allowed: both servers must get the same explicit size',
        hint: 'Leave size out to let the planner pick the input\'s aspect ratio at about 1024x1024 pixels.',
      };
    }
    return { problem: `size "${size}" must look like 1024x1024 (width x height in pixels)`, hint: 'For example 1024x1024 or 768x512.' };
  }
  const { width, height } = parseSize(size);
  for (const [side, value] of [['width', width], ['height', height]] as const) {
    if (value < MIN_SIDE || value > MAX_SIDE) {
      return {
        problem: `size "${size}": ${side} ${value} is outside ${MIN_SIDE}..${MAX_SIDE} px`,
        hint: 'Pick a size between 64x64 and 4096x4096, e.g. 1024x1024.',
      };
    }
  }
  if (width % SIZE_MULTIPLE !== 0 || height % SIZE_MULTIPLE !== 0) {
    const floored = `${width - (width % SIZE_MULTIPLE)}x${height - (height % SIZE_MULTIPLE)}`;
    return {
      problem: `size "${size}" is not a multiple of ${SIZE_MULTIPLE} on both sides`,
      hint: `The servers floor it to ${floored}, so the outputs would not match the request; ask for ${floored}.`,
    };
  }
  return undefined;
}
