import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer } from './server.ts';
import { EventLog, dataUrl, decodeRgba, editForm, fixturePng } from './test-support.ts';
import type { SimServer } from './types.ts';

let sim: SimServer;
let plus: SimServer;
let input: Buffer;

beforeAll(async () => {
  [sim, plus, input] = await Promise.all([
    startSimServer({ kind: 'diffusers', timeScale: 0.001 }),
    startSimServer({ kind: 'diffusers', timeScale: 0.001, model: 'Qwen/Qwen-Image-Edit-2509' }),
    fixturePng('fixtures/images/astronaut.png', 128, 128),
  ]);
});

afterAll(async () => {
  await Promise.all([sim.close(), plus.close()]);
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(url: string, init?: RequestInit): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Json };
}

function edit(server: SimServer, fields: Record<string, string | number>, images = [{ bytes: input }]) {
  return call(`${server.url}/v1/images/edits`, { method: 'POST', body: editForm(fields, images) });
}

function postJson(server: SimServer, path: string, body: unknown) {
  return call(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const basic = { prompt: 'Add a sign that says "OPEN"', size: '128x128', seed: 11, num_inference_steps: 5 };

const PIPELINE_STAGES = ['preprocess', 'text_encode', 'vae_encode', 'prepare_latents', 'denoise', 'vae_decode', 'postprocess'] as const;

describe('diffusers baseline: discovery', () => {
  it('answers /health, /v1/models and /v1/baseline/info', async () => {
    expect(await call(`${sim.url}/health`)).toEqual({ status: 200, body: { status: 'healthy' } });
    expect((await call(`${sim.url}/v1/models`)).body).toEqual({
      object: 'list',
      data: [{ id: 'Qwen/Qwen-Image-Edit', object: 'model', owned_by: 'diffusers-baseline' }],
    });
    const info = await call(`${sim.url}/v1/baseline/info`);
    expect(info.body).toMatchObject({
      pipeline: 'QwenImageEditPipeline',
      model: 'Qwen/Qwen-Image-Edit',
      simulated: true,
      dtype: 'bfloat16',
      attention_backend: 'native',
      compiled: false,
    });
    expect(Object.keys(info.body.versions).sort()).toEqual(['diffusers', 'torch', 'transformers']);
    expect(info.body.semantics.cfg).toMatch(/negative_prompt/);
    expect((await call(`${plus.url}/v1/baseline/info`)).body.pipeline).toBe('QwenImageEditPlusPipeline');
  });

  it('answers unknown paths and wrong methods with a detail', async () => {
    expect((await call(`${sim.url}/v1/chat/completions`, { method: 'POST', body: '{}' })).status).toBe(404);
    const wrong = await call(`${sim.url}/v1/images/generations`);
    expect(wrong.status).toBe(405);
    expect(wrong.body.detail).toMatch(/use POST/);
  });
});

describe('diffusers baseline: /v1/images/edits', () => {
  it('reports profiler-keyed stage durations, detailed timings and the baseline block', async () => {
    const r = await edit(sim, basic);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ output_format: 'png', size: '128x128', data: [{ url: null, revised_prompt: null }] });
    const m = r.body.metrics;
    expect(Object.keys(m.stage_durations).sort()).toEqual(
      [
        'QwenImageEditPipeline.diffuse',
        'QwenImageEditPipeline.forward',
        'QwenImageEditPipeline.text_encoder.forward',
        'QwenImageEditPipeline.vae.decode',
        'QwenImageEditPipeline.vae.encode',
      ].sort(),
    );
    expect(m.peak_memory_mb).toBeGreaterThan(m.peak_memory_allocated_mb);
    const t = m.timings;
    expect(t).toMatchObject({ unit: 'ms', method: 'simulated', transformer_calls: 5 });
    expect(t.denoise_steps).toHaveLength(5);
    expect(t.text_encode_calls).toHaveLength(1);
    expect(t.text_encode_calls[0]).toMatchObject({ branch: 'positive' });
    const stageSum = PIPELINE_STAGES.reduce((a, k) => a + (t[k] as number), 0);
    expect(t.unaccounted).toBeCloseTo(t.pipeline_total - stageSum, 1);
    expect(t.unaccounted).toBeGreaterThanOrEqual(0);
    expect(t.total).toBeGreaterThanOrEqual(t.pipeline_total + t.encode_response);
    expect((t.denoise_steps as number[]).reduce((a, b) => a + b, 0)).toBeCloseTo(t.denoise, 1);
    expect(m.stage_durations['QwenImageEditPipeline.diffuse']).toBeCloseTo(t.denoise / 1000, 4);
    expect(m.stage_durations['QwenImageEditPipeline.forward']).toBeCloseTo(t.pipeline_total / 1000, 4);
    expect(r.body.baseline).toMatchObject({
      pipeline: 'QwenImageEditPipeline',
      simulated: true,
      seed: 11,
      generator_device: 'cuda',
      cfg: false,
      num_inference_steps: 5,
      width: 128,
      height: 128,
      condition_size: [1024, 1024],
      image_seq_len: 64,
    });
  });

  it('runs true CFG only with a negative prompt: two text-encoder calls and two passes per step', async () => {
    const r = await edit(sim, { ...basic, negative_prompt: ' ', true_cfg_scale: 4 });
    const t = r.body.metrics.timings;
    expect(r.body.baseline.cfg).toBe(true);
    expect(t.transformer_calls).toBe(10);
    expect(t.text_encode_calls.map((c: Json) => c.branch)).toEqual(['positive', 'negative']);
    expect(t.transformer_forward.uncond).toHaveLength(5);
    const noScale = await edit(sim, { ...basic, negative_prompt: ' ', true_cfg_scale: 1 });
    expect(noScale.body.baseline.cfg).toBe(false);
  });

  it('takes JSON with base64 images and gives what multipart gives', async () => {
    const multipart = await edit(sim, basic);
    const raw = await postJson(sim, '/v1/images/edits', { ...basic, images: [input.toString('base64')] });
    const url = await postJson(sim, '/v1/images/edits', { ...basic, image: dataUrl(input) });
    expect(raw.status).toBe(200);
    expect(raw.body.data[0].b64_json).toBe(multipart.body.data[0].b64_json);
    expect(url.body.data[0].b64_json).toBe(multipart.body.data[0].b64_json);
  });

  it('sizes "auto" with calculate_dimensions at the input aspect ratio', async () => {
    const wide = await fixturePng('fixtures/images/coffee.png', 128, 64);
    const r = await edit(sim, { prompt: 'sepia', size: 'auto', seed: 1, num_inference_steps: 1 }, [{ bytes: wide }]);
    expect(r.body.size).toBe('1440x736');
    expect(r.body.baseline.condition_size).toEqual([1440, 736]);
    const img = await decodeRgba(Buffer.from(r.body.data[0].b64_json, 'base64'));
    expect([img.width, img.height]).toEqual([1440, 736]);
  });

  it('picks and echoes a seed when none is sent, and can leave out per-step timings', async () => {
    const r = await edit(sim, { prompt: 'x', size: '64x64', num_inference_steps: 2, step_timings: 'false' });
    expect(Number.isInteger(r.body.baseline.seed)).toBe(true);
    expect('denoise_steps' in r.body.metrics.timings).toBe(false);
  });

  it('takes several images on EditPlus models only', async () => {
    const two = [{ bytes: input }, { bytes: input }];
    const single = await edit(sim, basic, two);
    expect(single.status).toBe(400);
    expect(single.body.detail).toMatch(/takes exactly one input image, got 2/);
    const ok = await edit(plus, basic, two);
    expect(ok.status).toBe(200);
    expect(ok.body.baseline.pipeline).toBe('QwenImageEditPlusPipeline');
  });

  it('rejects bad requests with a plain detail: 422 for missing prompt or image, 400 for bad values', async () => {
    const noPrompt = await edit(sim, { size: '64x64' });
    expect(noPrompt).toEqual({ status: 422, body: { detail: expect.stringMatching(/"prompt" is required/) } });
    const noImage = await edit(sim, basic, []);
    expect(noImage.status).toBe(422);
    expect(noImage.body.detail).toMatch(/"image" is required/);
    const badSeed = await edit(sim, { ...basic, seed: 'abc' });
    expect(badSeed.status).toBe(400);
    expect(typeof badSeed.body.detail).toBe('string');
    expect((await edit(sim, { ...basic, generator_device: 'tpu' })).body.detail).toMatch(/generator_device/);
    expect((await edit(sim, { ...basic, timing: 'maybe' })).status).toBe(400);
    expect((await edit(sim, { ...basic, n: 11 })).status).toBe(400);
    const three = await edit(sim, { ...basic, n: 3 });
    expect(three.status).toBe(200);
    expect(three.body.data).toHaveLength(3);
    expect((await postJson(sim, '/v1/images/edits', { ...basic, images: ['%%%'] })).body.detail).toMatch(/images\[0\] is not valid base64/);
    const notJson = await call(`${sim.url}/v1/images/edits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
  });
});

describe('diffusers baseline: /v1/images/generations', () => {
  it('generates with QwenImagePipeline keys and no VAE encode', async () => {
    const r = await postJson(sim, '/v1/images/generations', { prompt: 'a lighthouse "NORTH"', size: '96x64', seed: 2, num_inference_steps: 3 });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.metrics.stage_durations).every((k) => k.startsWith('QwenImagePipeline.'))).toBe(true);
    expect(r.body.metrics.stage_durations['QwenImagePipeline.vae.encode']).toBeUndefined();
    expect(r.body.baseline).toMatchObject({ pipeline: 'QwenImagePipeline', condition_size: null, width: 96, height: 64 });
  });
});

describe('diffusers baseline: one request at a time', () => {
  it('queues a second concurrent request behind the first', async () => {
    const events = new EventLog();
    // Real-world durations (about a third of a second per request here), so the two surely overlap.
    const slow = await startSimServer({ kind: 'diffusers', timeScale: 1, onEvent: events.onEvent });
    try {
      const body = (seed: number) => ({ prompt: 'a field', size: '128x128', seed, num_inference_steps: 10 });
      const a = postJson(slow, '/v1/images/generations', body(1));
      await events.next((e) => e.type === 'request' && e.path === '/v1/images/generations');
      const b = postJson(slow, '/v1/images/generations', body(2));
      const [ta, tb] = (await Promise.all([a, b])).map((r) => r.body.metrics.timings);
      const [first, second] = ta.queue_wait <= tb.queue_wait ? [ta, tb] : [tb, ta];
      const firstService = first.pipeline_total + first.encode_response;
      // The first found the worker free; the second waited for it, never longer than the first's service.
      expect(first.queue_wait).toBeLessThan(5);
      expect(second.queue_wait).toBeGreaterThan(20);
      expect(second.queue_wait).toBeLessThan(firstService + 50);
      expect(firstService).toBeGreaterThan(300);
    } finally {
      await slow.close();
    }
  });
});
