import { describe, expect, it } from 'vitest';
import { distribute } from './denoise-loop.ts';
import { calculateDimensions, floorToPipelineMultiple, parseWxH, pipelineDefaultEditSize } from './sizes.ts';
import {
  PROMPT_FREE_TOKENS,
  SATURATION_IMAGES,
  batchedStepS,
  jitter,
  modelA,
  modelB,
  peakMemoryA,
  peakMemoryB,
  promptTokens,
  stepSizeFactor,
  visionTokens,
} from './timing.ts';

const edit1024 = { width: 1024, height: 1024, steps: 50, cfg: false, mode: 'edit' as const, inputImages: 1 };

describe('timing model', () => {
  it('matches the reference shapes at 1024², 50 steps', () => {
    const b = modelB(edit1024);
    expect(b.textEncodeCallMs).toBe(300);
    expect(b.textEncodeCalls).toBe(1);
    expect(b.vaeEncodeMs).toBeCloseTo(120);
    expect(b.prepareLatentsMs).toBeCloseTo(2);
    expect(b.denoiseStepMs).toBeCloseTo(450);
    expect(b.vaeDecodeMs).toBeCloseTo(210);
    expect(b.preprocessMs).toBeGreaterThanOrEqual(20);
    expect(b.postprocessMs).toBeLessThanOrEqual(35);
    const a = modelA(edit1024);
    expect(a.encodeS).toBe(0.25);
    expect(a.denoiseStepS).toBeCloseTo(0.3);
    expect(a.decodeS).toBeCloseTo(0.18);
    // A is the faster stack.
    expect(a.encodeS + 50 * a.denoiseStepS + a.decodeS).toBeLessThan((b.textEncodeCallMs + b.vaeEncodeMs + 50 * b.denoiseStepMs + b.vaeDecodeMs) / 1000);
  });

  it('doubles the transformer and text-encoder work with CFG', () => {
    const plain = modelB(edit1024);
    const cfg = modelB({ ...edit1024, cfg: true });
    expect(cfg.denoiseStepMs).toBeCloseTo(2 * plain.denoiseStepMs);
    expect(cfg.textEncodeCalls).toBe(2);
    expect(cfg.transformerPassesPerStep).toBe(2);
    expect(modelA({ ...edit1024, cfg: true }).denoiseStepS).toBeCloseTo(2 * modelA(edit1024).denoiseStepS);
  });

  it('scales step cost by (pixels/1024²)^1.1 and the VAE linearly', () => {
    expect(stepSizeFactor(2048, 2048)).toBeCloseTo(Math.pow(4, 1.1));
    expect(modelB({ ...edit1024, width: 512, height: 512 }).denoiseStepMs).toBeCloseTo(450 * Math.pow(0.25, 1.1));
    expect(modelB({ ...edit1024, width: 512, height: 512 }).vaeDecodeMs).toBeCloseTo(210 / 4);
  });

  it('has no VAE encode for generation', () => {
    expect(modelB({ ...edit1024, mode: 'generate', inputImages: 0 }).vaeEncodeMs).toBe(0);
  });

  it('shares batched steps: k requests cost base × (1 + 0.35 (k − 1))', () => {
    expect(batchedStepS(0.3, 1)).toBeCloseTo(0.3);
    expect(batchedStepS(0.3, 4)).toBeCloseTo(0.3 * 2.05);
    // Per-request throughput still improves with batching.
    expect(batchedStepS(0.3, 4) / 4).toBeLessThan(batchedStepS(0.3, 1));
  });

  it('jitters within ±3 %, deterministically', () => {
    const values = Array.from({ length: 200 }, (_, i) => jitter('a', i, 'denoise'));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0.97);
    expect(Math.max(...values)).toBeLessThanOrEqual(1.03);
    expect(jitter('a', 5, 'denoise')).toBe(values[5]);
    expect(new Set(values.map((v) => v.toFixed(4))).size).toBeGreaterThan(100);
  });

  it('models peak memory around 61 GB at 1024², growing with batched requests and size', () => {
    expect(peakMemoryA(1024, 1024, 1)).toBe(61_000);
    expect(peakMemoryA(1024, 1024, 3)).toBe(64_000);
    expect(peakMemoryA(512, 512, 1)).toBeLessThan(61_000);
    const b = peakMemoryB(1024, 1024, false);
    expect(b.reserved).toBe(61_500);
    expect(b.allocated).toBeLessThan(b.reserved);
  });

  it('counts Qwen2-VL vision tokens like smart_resize (1024² → 1369)', () => {
    expect(visionTokens(1024, 1024)).toBe(1369);
    expect(promptTokens('你好世界')).toBe(4);
    expect(promptTokens('abcdefgh')).toBe(2);
  });

  it('spreads a measured total over steps in proportion, summing exactly', () => {
    const parts = distribute(100, [1, 1, 2]);
    expect(parts).toEqual([25, 25, 50]);
    expect(distribute(10, [])).toEqual([]);
    expect(distribute(9, [0, 0, 0])).toEqual([3, 3, 3]);
  });
});

describe('sizes', () => {
  it('parses WxH', () => {
    expect(parseWxH('1024x768')).toEqual({ width: 1024, height: 768 });
    expect(parseWxH(' 512 X 512 ')).toEqual({ width: 512, height: 512 });
    expect(parseWxH('1024')).toBeNull();
    expect(parseWxH('0x10')).toBeNull();
  });

  it('floors to the pipeline multiple of 16', () => {
    expect(floorToPipelineMultiple({ width: 1000, height: 1000 })).toEqual({ width: 992, height: 992 });
    expect(floorToPipelineMultiple({ width: 1024, height: 768 })).toEqual({ width: 1024, height: 768 });
  });

  it('computes the edit default size like diffusers calculate_dimensions', () => {
    expect(calculateDimensions(1024 * 1024, 1)).toEqual({ width: 1024, height: 1024 });
    expect(pipelineDefaultEditSize({ width: 1920, height: 1080 })).toEqual({ width: 1376, height: 768 });
  });
});

describe('load model (issue 12)', () => {
  const shape = { width: 512, height: 512, steps: 20, cfg: false, mode: 'edit' as const, inputImages: 1 };

  it("A's encode is flat in the batch; decode and B's batch grow with it", () => {
    expect(modelA({ ...shape, images: 8 }).encodeS).toBe(modelA({ ...shape, images: 1 }).encodeS);
    expect(modelA({ ...shape, images: 4 }).decodeS).toBeCloseTo(4 * modelA(shape).decodeS);
    expect(modelB({ ...shape, images: 4 }).denoiseStepMs).toBeCloseTo(modelB(shape).denoiseStepMs * (1 + 0.8 * 3));
    expect(modelB({ ...shape, images: 4 }).textEncodeCallMs).toBe(modelB(shape).textEncodeCallMs);
  });

  it("A's shared denoise step grows sublinearly up to saturation, linearly after", () => {
    const per = (k: number) => batchedStepS(1, k) / k;
    for (let k = 2; k <= SATURATION_IMAGES; k++) expect(per(k)).toBeLessThan(per(k - 1));
    expect(per(2 * SATURATION_IMAGES)).toBeCloseTo(per(SATURATION_IMAGES));
    expect(batchedStepS(1, 2 * SATURATION_IMAGES)).toBeCloseTo(2 * batchedStepS(1, SATURATION_IMAGES));
  });

  it('prompt tokens cost encode time on both sides, beyond the free ones', () => {
    expect(modelA({ ...shape, promptTokens: PROMPT_FREE_TOKENS }).encodeS).toBe(modelA(shape).encodeS);
    expect(modelA({ ...shape, promptTokens: PROMPT_FREE_TOKENS + 1024 }).encodeS).toBeCloseTo(2 * modelA(shape).encodeS);
    expect(modelB({ ...shape, promptTokens: 2048 }).textEncodeCallMs).toBeGreaterThan(modelB({ ...shape, promptTokens: 512 }).textEncodeCallMs);
  });

  it('batch costs memory on both sides', () => {
    expect(peakMemoryA(512, 512, 8)).toBeGreaterThan(peakMemoryA(512, 512, 1));
    expect(peakMemoryB(512, 512, false, 8).reserved).toBeGreaterThan(peakMemoryB(512, 512, false, 1).reserved);
    expect(peakMemoryB(512, 512, false)).toEqual(peakMemoryB(512, 512, false, 1));
  });
});
