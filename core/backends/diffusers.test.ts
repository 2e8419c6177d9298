import { afterEach, describe, expect, it } from 'vitest';
import { DiffusersAdapter, summarizeBaselineInfo } from './diffusers.ts';
import { createAdapter, VllmOmniAdapter } from './index.ts';
import { loadRecorded, recordedRoutes, startReplayServer, type ReplayRoute, type ReplayServer } from './testing/replay-server.ts';
import { BackendError, type ImageRequest } from './types.ts';
import { rejection } from './testing/assertions.ts';

const PNG = new Uint8Array(
  Buffer.from((loadRecorded('diffusers-baseline', 'edits').body as { data: Array<{ b64_json: string }> }).data[0]!.b64_json, 'base64'),
);
const EDIT: ImageRequest = {
  prompt: 'Turn it into a watercolour',
  seed: 42,
  steps: 2,
  size: '512x512',
  trueCfgScale: 4,
  negativePrompt: ' ',
  images: [{ bytes: PNG, mime: 'image/png', name: 'input-0.png' }],
};
const SEND = (): { signal: AbortSignal; timeoutMs: number } => ({ signal: new AbortController().signal, timeoutMs: 10_000 });

let server: ReplayServer | undefined;
let adapter: DiffusersAdapter | undefined;

afterEach(async () => {
  adapter?.close();
  adapter = undefined;
  await server?.close();
  server = undefined;
});

async function serve(overrides: Record<string, ReplayRoute> = {}) {
  server = await startReplayServer({ routes: { ...recordedRoutes('diffusers-baseline'), ...overrides } });
  adapter = new DiffusersAdapter(server.url, { healthPollInitialMs: 5, healthPollMaxMs: 20 });
  return { server, adapter };
}


describe('summarizeBaselineInfo', () => {
  it('summarises /v1/baseline/info in one line', () => {
    expect(summarizeBaselineInfo(loadRecorded('diffusers-baseline', 'info').body)).toBe(
      'baseline: QwenImageEditPipeline (Qwen/Qwen-Image-Edit); tiny random weights: timings show structure, not real speed; ' +
        'bfloat16 on NVIDIA H100 80GB HBM3; attention native; not compiled; mm_token_type_ids fix off; ' +
        'diffusers 0.42.1, transformers 5.17.0, torch 2.11.0',
    );
  });
  it('says a simulator is simulated, whatever weights it imitates', () => {
    expect(summarizeBaselineInfo({ pipeline: 'QwenImageEditPipeline', tiny: false, simulated: true })).toBe(
      'baseline: QwenImageEditPipeline; SIMULATED: no model ran; images and timings come from the simulator',
    );
  });
  it('copes with a sparse body and rejects non-objects', () => {
    expect(summarizeBaselineInfo({ pipeline: 'QwenImagePipeline', cpu_offload: true })).toBe('baseline: QwenImagePipeline; CPU offload on');
    expect(summarizeBaselineInfo('nope')).toBeNull();
    expect(summarizeBaselineInfo({ tiny: 'yes' })).toBeNull();
  });
});

describe('DiffusersAdapter', () => {
  it('connects through a loading phase and records the baseline info', async () => {
    const { server, adapter } = await serve({
      'GET /health': [loadRecorded('diffusers-baseline', 'health-loading'), loadRecorded('diffusers-baseline', 'health')],
    });
    const waits: string[] = [];
    const info = await adapter.connect({ onWait: (m) => waits.push(m) });
    expect(adapter.kind).toBe('diffusers');
    expect(info).toMatchObject({
      model: 'Qwen/Qwen-Image-Edit',
      generation: 'baseline',
      editPath: '/v1/images/edits',
      generatePath: '/v1/images/generations',
    });
    expect(info.notes.some((n) => n.startsWith('baseline: QwenImageEditPipeline (Qwen/Qwen-Image-Edit); tiny random weights'))).toBe(true);
    expect(waits).toEqual([expect.stringContaining('(HTTP 503 {"status":"loading"})')]);
    expect(server.requestsTo('GET /v1/baseline/info')).toHaveLength(1);
  });

  it('compares on stage_durations (the profiler keys both sides report) and keeps metrics.timings as B detail', async () => {
    const { server, adapter } = await serve();
    await adapter.connect();
    const res = await adapter.send(EDIT, SEND());
    expect(res.endpoint).toBe('POST /v1/images/edits');
    expect(res.image).toEqual(PNG);
    // stage_durations' text_encoder.forward (0.30 s), not metrics.timings' text_encode (310.5 ms, processor included).
    expect(res.stages.text_encode).toBeCloseTo(300, 9);
    expect(res.stages.denoise).toBeCloseTo(22600, 9);
    expect(res.stages.vae_encode).toBeCloseTo(120, 9);
    expect(res.stages.vae_decode).toBeCloseTo(210, 9);
    // The finer breakdown is detail only, never a stage of its own here.
    for (const k of ['preprocess', 'postprocess', 'prepare_latents', 'queue', 'total', 'pipeline_total', 'denoise_steps', 'forward']) {
      expect(res.stages).not.toHaveProperty(k);
    }
    expect(res.stages.upload).toBeGreaterThanOrEqual(0);
    expect(res.stages.download).toBeGreaterThanOrEqual(0);
    expect(res.peakMemoryMb).toBe(61500);
    const metrics = (loadRecorded('diffusers-baseline', 'edits').body as { metrics: { timings: unknown; stage_durations: unknown } }).metrics;
    expect(res.serverTimings).toEqual(metrics.timings);
    expect(res.serverStageDurations).toEqual(metrics.stage_durations);
    const [rec] = server.requestsTo('POST /v1/images/edits');
    expect(rec?.fields).toMatchObject({ seed: ['42'], size: ['512x512'], true_cfg_scale: ['4'], negative_prompt: [' '] });
  });

  it('never falls back to chat: the baseline has no chat endpoint', async () => {
    const { server, adapter } = await serve({ 'POST /v1/images/edits': loadRecorded('vllm-omni/current', 'error-not-found') });
    await adapter.connect();
    const e = await rejection(adapter.send(EDIT, SEND()));
    expect(e.httpStatus).toBe(404);
    expect(e.message).toContain('check the base URL');
    expect(server.requestsTo('POST /v1/chat/completions')).toHaveLength(0);
    expect(adapter.serverInfo().editPath).toBe('/v1/images/edits');
  });

  it('says so when /v1/baseline/info is missing (not our baseline server?)', async () => {
    server = await startReplayServer({ routes: recordedRoutes('vllm-omni/current') });
    adapter = new DiffusersAdapter(server.url, { healthPollInitialMs: 5 });
    const info = await adapter.connect();
    expect(info.generation).toBe('baseline');
    expect(info.notes.at(-1)).toContain('GET /v1/baseline/info → 404');
    expect(info.notes.at(-1)).toContain('may not be the Omni Review baseline server');
  });

  it('a 503 while loading is a retryable error', async () => {
    const { adapter } = await serve({ 'POST /v1/images/edits': loadRecorded('diffusers-baseline', 'error-loading') });
    await adapter.connect();
    const e = await rejection(adapter.send(EDIT, SEND()));
    expect([e.kind, e.httpStatus, e.retryable]).toEqual(['http', 503, true]);
    expect(e.message).toContain('model is still loading');
  });
});

describe('createAdapter', () => {
  it('picks the adapter by kind and normalises the base URL', () => {
    const a = createAdapter('vllm-omni', 'http://127.0.0.1:8091/v1/');
    const b = createAdapter('diffusers', 'http://127.0.0.1:8092', { model: 'Qwen/Qwen-Image-Edit' });
    expect(a).toBeInstanceOf(VllmOmniAdapter);
    expect(a.kind).toBe('vllm-omni');
    expect(a.baseUrl).toBe('http://127.0.0.1:8091');
    expect(b).toBeInstanceOf(DiffusersAdapter);
    expect(b.kind).toBe('diffusers');
    expect(b.serverInfo().generation).toBe('unknown');
  });
  it('rejects a URL that is not http(s) with a BackendError', () => {
    expect(() => createAdapter('vllm-omni', 'localhost:8000')).toThrow(BackendError);
  });
});
