import { describe, expect, it } from 'vitest';
import { findServerTimings, serverStages } from './timings.ts';
import { loadRecorded } from '../testing/replay-server.ts';

describe('findServerTimings / serverStages', () => {
  it('finds stage_durations under metrics (current generations) and maps them to canonical ms', () => {
    const t = findServerTimings(loadRecorded('vllm-omni/current', 'generations').body);
    expect(t.stageDurationsAt).toBe('metrics');
    expect(t.peakMemoryMb).toBe(58123.4);
    const stages = serverStages(t);
    expect(stages.denoise).toBeCloseTo(2170, 6);
    expect(stages.text_encode).toBeCloseTo(120, 6);
    expect(stages.vae_decode).toBeCloseTo(90, 6);
    expect(stages['QwenImagePipeline.tokenizer.forward']).toBeCloseTo(4, 6);
  });

  it('finds them at the top level', () => {
    const t = findServerTimings(loadRecorded('vllm-omni/current', 'generations-top-level-timings').body);
    expect(t.stageDurationsAt).toBe('top-level');
    expect(t.peakMemoryMb).toBe(60500);
    expect(serverStages(t).denoise).toBeCloseTo(3030, 6);
  });

  it('finds them on chat content items (QwenImageEditPipeline.diffuse → denoise in ms)', () => {
    const t = findServerTimings(loadRecorded('vllm-omni/current', 'chat').body);
    expect(t.stageDurationsAt).toBe('choices[0].message.content');
    expect(t.peakMemoryMb).toBe(61091);
    expect(serverStages(t)).toEqual({ text_encode: 300, vae_encode: 120, denoise: 22600, vae_decode: 210 });
  });

  it('prefers the top level over metrics, and reports nothing when there is nothing', () => {
    const t = findServerTimings({ stage_durations: { 'P.diffuse': 1 }, metrics: { stage_durations: { 'P.diffuse': 2 }, peak_memory_mb: 5 } });
    expect(t.stageDurations).toEqual({ 'P.diffuse': 1 });
    expect(t.peakMemoryMb).toBe(5);
    expect(findServerTimings(loadRecorded('vllm-omni/current', 'edits').body)).toEqual({ peakMemoryMb: null, notes: [] });
    expect(findServerTimings(loadRecorded('vllm-omni/legacy', 'chat').body)).toEqual({ peakMemoryMb: null, notes: [] });
    expect(findServerTimings({ metrics: { stage_durations: null, peak_memory_mb: null } })).toEqual({ peakMemoryMb: null, notes: [] });
  });
});
