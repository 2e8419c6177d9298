/**
 * Output-size rules of the Qwen-Image pipelines, shared by both simulated servers.
 */
import type { Dimensions } from '../../../shared/model.ts';

/** Largest side the simulators render (a real server's --max-generated-image-size plays the same role). */
export const MAX_SIDE = 4096;
/** The pipelines work on 16-pixel multiples (VAE factor 8 × 2×2 packing). */
export const SIZE_MULTIPLE = 16;

/** "WxH" → dimensions, or null when it is not of that form. "auto" is handled by the callers. */
export function parseWxH(size: string): Dimensions | null {
  const m = /^\s*(\d{1,5})\s*[xX×]\s*(\d{1,5})\s*$/.exec(size);
  if (!m) return null;
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width <= 0 || height <= 0) return null;
  return { width, height };
}

/**
 * What the pipeline really renders for a requested size: both diffusers and vLLM-Omni floor width and height to a
 * multiple of 16 (`width // 16 * 16`), so a 1000x1000 request yields 992x992. Never below 16.
 */
export function floorToPipelineMultiple(d: Dimensions): Dimensions {
  return {
    width: Math.max(SIZE_MULTIPLE, Math.floor(d.width / SIZE_MULTIPLE) * SIZE_MULTIPLE),
    height: Math.max(SIZE_MULTIPLE, Math.floor(d.height / SIZE_MULTIPLE) * SIZE_MULTIPLE),
  };
}

/**
 * diffusers `calculate_dimensions(target_area, ratio)`: the size of the given pixel area at the aspect ratio
 * width/height, each side rounded to a multiple of 32. Qwen-Image-Edit uses it with 1024² when no size is given.
 */
export function calculateDimensions(targetArea: number, ratio: number): Dimensions {
  const width = Math.sqrt(targetArea * ratio);
  const height = width / ratio;
  return {
    width: Math.max(32, Math.round(width / 32) * 32),
    height: Math.max(32, Math.round(height / 32) * 32),
  };
}

/** The edit pipelines' default output size for an input image: 1024² area at its aspect ratio. */
export function pipelineDefaultEditSize(input: Dimensions): Dimensions {
  return calculateDimensions(1024 * 1024, input.width / input.height);
}

export const DEFAULT_GENERATION_SIZE: Dimensions = { width: 1024, height: 1024 };

/** A size the simulator can render, or a message saying why not. */
export function checkRenderable(d: Dimensions): string | null {
  if (d.width > MAX_SIDE || d.height > MAX_SIDE) {
    return `size ${d.width}x${d.height} is larger than the simulator renders (at most ${MAX_SIDE}x${MAX_SIDE})`;
  }
  if (d.width < SIZE_MULTIPLE || d.height < SIZE_MULTIPLE) {
    return `size ${d.width}x${d.height} is smaller than ${SIZE_MULTIPLE}x${SIZE_MULTIPLE}, the smallest the pipeline renders`;
  }
  return null;
}
