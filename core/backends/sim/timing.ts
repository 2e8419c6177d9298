/**
 * The timing model: real-world stage durations of both stacks at a given size, step count and CFG, shaped like the
 * numbers the engineers measure (DESIGN, reference notes), before `timeScale` is applied.
 *
 * Reference points at 1024², 50 steps:
 * - B (diffusers, one request at a time): text_encode 0.30 s per call (two calls with CFG), vae_encode 0.12 s per
 *   input image, prepare_latents 2 ms, denoise 0.45 s per transformer pass per step (two passes with CFG),
 *   vae_decode 0.21 s, preprocess 20 ms, postprocess 35 ms, response encoding 80 ms.
 * - A (split vLLM-Omni: encode → denoise → decode): encode 0.25 s whatever the concurrency, denoise 0.30 s per pass
 *   per step where k requests in flight share each step at base × (1 + 0.35 (k − 1)), decode 0.18 s, small
 *   inter-stage transfers.
 * Per-step cost scales with (pixels / 1024²)^1.1 and linearly with steps; VAE and pre/post work linearly with pixels.
 *
 * Load (issue 12, speed review): a request may ask for `n` images and carry a long prompt.
 * - A: encode is flat in n; the denoise step is shared by every image in flight (k requests × their n), growing
 *   sublinearly up to SATURATION_IMAGES and linearly beyond (the GPU is full); decode and memory grow with images.
 * - B: one request at a time; its batch of n costs each step 1 + 0.8 (n − 1), VAE decode and post-processing n times.
 * - Prompt tokens above PROMPT_FREE_TOKENS cost encode time on both sides (text encoder sequence length).
 */
import { hashUnit } from './hash.ts';

export const REFERENCE_PIXELS = 1024 * 1024;

export interface WorkShape {
  width: number;
  height: number;
  steps: number;
  /** Whether true CFG runs (two transformer passes per step, two text-encoder calls). */
  cfg: boolean;
  mode: 'edit' | 'generate';
  /** Input images of an edit (0 for generation). */
  inputImages: number;
  /** Images asked for (`n`); default 1. */
  images?: number;
  /** The prompt's token count (promptTokens below); default: short. */
  promptTokens?: number;
}

/** A simulated request's work shape: what both pipelines' timing models read from it (images at least 1). */
export function workShapeOf(r: {
  width: number;
  height: number;
  steps: number;
  cfg: boolean;
  mode: 'edit' | 'generate';
  inputs: readonly unknown[];
  n?: number | undefined;
  prompt: string;
}): WorkShape & { images: number; promptTokens: number } {
  return {
    width: r.width,
    height: r.height,
    steps: r.steps,
    cfg: r.cfg,
    mode: r.mode,
    inputImages: r.inputs.length,
    images: Math.max(1, r.n ?? 1),
    promptTokens: promptTokens(r.prompt),
  };
}

/** Prompts up to this many tokens cost the reference encode time; longer ones cost more. */
export const PROMPT_FREE_TOKENS = 64;
/** Images in one denoise step from which the GPU is full: beyond, each image costs a full share. */
export const SATURATION_IMAGES = 8;

/** Extra encode cost of a long prompt, as a fraction of the reference call: +1 per 1024 tokens above the free ones. */
export function promptCostFactor(tokens: number | undefined): number {
  return 1 + Math.max(0, (tokens ?? 0) - PROMPT_FREE_TOKENS) / 1024;
}

export function pixelFactor(width: number, height: number): number {
  return (width * height) / REFERENCE_PIXELS;
}

/** Cost multiplier of one denoise step at this size: (pixels/1024²)^1.1. */
export function stepSizeFactor(width: number, height: number): number {
  return Math.pow(pixelFactor(width, height), 1.1);
}

/** Deterministic ±3 % jitter for one stage of one request. */
export function jitter(...parts: Array<string | number>): number {
  return 1 + 0.03 * (2 * hashUnit('jitter', ...parts) - 1);
}

/** Split pipeline (A), seconds, unscaled and unjittered. */
export interface ModelA {
  encodeS: number;
  transferToDenoiseS: number;
  /** One step of one request running alone (k = 1), CFG included. */
  denoiseStepS: number;
  transferToDecodeS: number;
  decodeS: number;
}

export function modelA(shape: WorkShape): ModelA {
  const px = pixelFactor(shape.width, shape.height);
  const n = Math.max(1, shape.images ?? 1);
  return {
    encodeS: 0.25 * promptCostFactor(shape.promptTokens),
    transferToDenoiseS: 0.004 + 0.002 * px,
    denoiseStepS: 0.3 * stepSizeFactor(shape.width, shape.height) * (shape.cfg ? 2 : 1),
    transferToDecodeS: 0.002 + 0.002 * px * n,
    decodeS: 0.18 * px * n,
  };
}

/**
 * Cost of one denoise step when k images share it (continuous batching: requests × their n): sublinear up to
 * SATURATION_IMAGES, then linear (each image beyond costs the saturated share).
 */
export function batchedStepS(baseStepS: number, k: number): number {
  const images = Math.max(1, k);
  const upTo = Math.min(images, SATURATION_IMAGES);
  const sublinear = 1 + 0.35 * (upTo - 1);
  return baseStepS * (images <= SATURATION_IMAGES ? sublinear : (sublinear * images) / SATURATION_IMAGES);
}

/** diffusers baseline (B), milliseconds, unscaled and unjittered. */
export interface ModelB {
  preprocessMs: number;
  textEncodeCallMs: number;
  textEncodeCalls: number;
  vaeEncodeMs: number;
  prepareLatentsMs: number;
  /** Scheduler set-up between prepare_latents and the loop: not a stage, so it shows up as `unaccounted`. */
  timestepsMs: number;
  /** One step, CFG included (both transformer passes). */
  denoiseStepMs: number;
  transformerPassesPerStep: number;
  vaeDecodeMs: number;
  postprocessMs: number;
  encodeResponseMs: number;
}

export function modelB(shape: WorkShape): ModelB {
  const px = pixelFactor(shape.width, shape.height);
  const passes = shape.cfg ? 2 : 1;
  const n = Math.max(1, shape.images ?? 1);
  return {
    preprocessMs: shape.mode === 'edit' ? 20 * px * Math.max(1, shape.inputImages) : 0.5,
    textEncodeCallMs: 300 * promptCostFactor(shape.promptTokens),
    textEncodeCalls: passes,
    vaeEncodeMs: shape.mode === 'edit' ? 120 * px * shape.inputImages : 0,
    prepareLatentsMs: 2 * px * n,
    timestepsMs: 1,
    denoiseStepMs: 450 * stepSizeFactor(shape.width, shape.height) * passes * (1 + 0.8 * (n - 1)),
    transformerPassesPerStep: passes,
    vaeDecodeMs: 210 * px * n,
    postprocessMs: 35 * px * n,
    encodeResponseMs: 80 * px * n,
  };
}

/** Peak GPU memory of A: weights plus activations, +1 500 MB per extra request batched alongside (at 1024²). */
export function peakMemoryA(width: number, height: number, concurrent: number): number {
  const px = pixelFactor(width, height);
  return round1(57_000 + 4_000 * px + 1_500 * px * (Math.max(1, concurrent) - 1));
}

/** Peak GPU memory of B (reserved and allocated), one request at a time; +1 800 MB per extra image of its batch. */
export function peakMemoryB(width: number, height: number, cfg: boolean, images = 1): { reserved: number; allocated: number } {
  const px = pixelFactor(width, height);
  const reserved = 57_000 + 4_500 * px + (cfg ? 300 * px : 0) + 1_800 * px * (Math.max(1, images) - 1);
  return { reserved: round1(reserved), allocated: round1(reserved - 2_600 * Math.min(1, px)) };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * Qwen2-VL `smart_resize` token count for a condition image: sides rounded to multiples of 28, 14-px patches,
 * 2×2 merge. 1024² → 37×37 = 1369 tokens.
 */
export function visionTokens(width: number, height: number): number {
  const h = Math.max(28, Math.round(height / 28) * 28);
  const w = Math.max(28, Math.round(width / 28) * 28);
  return ((h / 14) * (w / 14)) / 4;
}

/** A rough token count for a prompt: about four Latin characters per token, one per CJK character. */
export function promptTokens(prompt: string): number {
  let cjk = 0;
  let other = 0;
  for (const ch of prompt) {
    if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(ch)) cjk++;
    else other++;
  }
  return Math.max(1, cjk + Math.ceil(other / 4));
}
