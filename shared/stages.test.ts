import { describe, expect, it } from 'vitest';
import { canonicalStageName, orderedStageNames, stagesFromBaselineTimings, stagesFromStageDurations } from './stages.ts';

describe('canonicalStageName', () => {
  it('maps vLLM-Omni profiler keys onto canonical stages', () => {
    expect(canonicalStageName('QwenImageEditPipeline.text_encoder.forward')).toBe('text_encode');
    expect(canonicalStageName('QwenImageEditPipeline.diffuse')).toBe('denoise');
    expect(canonicalStageName('QwenImagePipeline.vae.encode')).toBe('vae_encode');
    expect(canonicalStageName('QwenImageEditPlusPipeline.vae.decode')).toBe('vae_decode');
  });
  it('maps the split pipeline stage names', () => {
    expect(canonicalStageName('encode')).toBe('text_encode');
    expect(canonicalStageName('denoise')).toBe('denoise');
    expect(canonicalStageName('decode')).toBe('vae_decode');
  });
  it('keeps unknown keys verbatim', () => {
    expect(canonicalStageName('QwenImageEditPipeline.tokenizer.forward')).toBe('QwenImageEditPipeline.tokenizer.forward');
    expect(canonicalStageName('prepare_latents')).toBe('prepare_latents');
  });
});

describe('stagesFromStageDurations', () => {
  it('converts seconds to ms, sums keys that share a stage, drops non-numbers', () => {
    const out = stagesFromStageDurations({
      'QwenImageEditPipeline.text_encoder.forward': 0.3,
      'QwenImageEditPipeline.diffuse': 22.6,
      'QwenImageEditPipeline.vae.decode': 0.21,
      'QwenImageEditPipeline.forward': 23.41,
      encode: 0.1,
      bogus: 'x',
      negative: -1,
    });
    expect(out.text_encode).toBeCloseTo(400, 6);
    expect(out.denoise).toBeCloseTo(22600, 6);
    expect(out.vae_decode).toBeCloseTo(210, 6);
    // The whole-pipeline wrapper is a total: keeping it would double-count in any sum or waterfall.
    expect(out).not.toHaveProperty('QwenImageEditPipeline.forward');
    expect(out).not.toHaveProperty('bogus');
    expect(out).not.toHaveProperty('negative');
  });
});

describe('stagesFromBaselineTimings', () => {
  it('keeps scalar stages, maps queue_wait, leaves totals and lists out', () => {
    const out = stagesFromBaselineTimings({
      unit: 'ms', method: 'cuda_sync', warm: true, queue_wait: 0.4, preprocess: 18.2, text_encode: 310.5,
      text_encode_calls: [{ total: 160 }], denoise: 22600, denoise_steps: [452.1], transformer_calls: 100,
      vae_decode: 210.4, total: 23530, pipeline_total: 23410, unaccounted: 5,
    });
    expect(out).toEqual({ queue: 0.4, preprocess: 18.2, text_encode: 310.5, denoise: 22600, vae_decode: 210.4, unaccounted: 5 });
  });
});

describe('orderedStageNames', () => {
  it('puts canonical stages in pipeline order and unknown keys after', () => {
    expect(orderedStageNames(['vae_decode', 'zeta', 'queue', 'denoise', 'alpha', 'text_encode'])).toEqual([
      'queue', 'text_encode', 'denoise', 'vae_decode', 'alpha', 'zeta',
    ]);
  });
});
