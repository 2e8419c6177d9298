/**
 * The adapters over real loopback HTTP against the simulators: detection for every server generation, and
 * every fault profile with the effect a user would see.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendKind } from '../../shared/model.ts';
import { createAdapter } from './index.ts';
import { startSimServer } from './sim/index.ts';
import type { FaultName, SimServer } from './sim/types.ts';
import { BackendError, type ImageRequest, type ImageResponse } from './types.ts';

const COFFEE = fileURLToPath(new URL('../../fixtures/images/coffee.png', import.meta.url));
const TIME_SCALE = 0.005;
const servers: SimServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function sim(kind: BackendKind, options: { faults?: Partial<Record<FaultName, number>>; generation?: 'current' | 'legacy' } = {}) {
  const server = await startSimServer({ kind, timeScale: TIME_SCALE, ...options });
  servers.push(server);
  const adapter = createAdapter(kind, server.url);
  const info = await adapter.connect({ healthDeadlineMs: 120_000 });
  return { server, adapter, info };
}

async function editRequest(): Promise<ImageRequest> {
  return {
    prompt: 'Add a sign that reads "GRAND OPENING".',
    seed: 42,
    steps: 4,
    size: '256x256',
    images: [{ bytes: new Uint8Array(await readFile(COFFEE)), mime: 'image/png', name: 'input-0.png' }],
  };
}

async function pixels(bytes: Uint8Array) {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function changedShare(a: Uint8Array, b: Uint8Array): Promise<number> {
  const [pa, pb] = await Promise.all([pixels(a), pixels(b)]);
  expect([pa.width, pa.height]).toEqual([pb.width, pb.height]);
  let changed = 0;
  for (let i = 0; i < pa.data.length; i += 3) {
    if (pa.data[i] !== pb.data[i] || pa.data[i + 1] !== pb.data[i + 1] || pa.data[i + 2] !== pb.data[i + 2]) changed++;
  }
  return changed / (pa.width * pa.height);
}

async function send(adapter: ReturnType<typeof createAdapter>, request: ImageRequest, timeoutMs = 120_000): Promise<ImageResponse> {
  return adapter.send(request, { signal: new AbortController().signal, timeoutMs });
}

async function sendError(adapter: ReturnType<typeof createAdapter>, request: ImageRequest, timeoutMs = 120_000): Promise<BackendError> {
  const error = await send(adapter, request, timeoutMs).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe('detection', () => {
  it('a current vLLM-Omni uses the images endpoints', async () => {
    const { info } = await sim('vllm-omni');
    expect(info).toMatchObject({ generation: 'current', editPath: '/v1/images/edits', generatePath: '/v1/images/generations', model: 'Qwen/Qwen-Image-Edit' });
  });
  it('a 0.12-era vLLM-Omni is driven through chat completions, with split-pipeline stages absent', async () => {
    const { adapter, info } = await sim('vllm-omni', { generation: 'legacy' });
    expect(info).toMatchObject({ generation: 'legacy', editPath: '/v1/chat/completions', generatePath: '/v1/chat/completions', model: null });
    const res = await send(adapter, await editRequest());
    expect(res.endpoint).toBe('POST /v1/chat/completions');
    expect(res.serverStageDurations).toBeUndefined();
    expect(Object.keys(res.stages).sort()).toEqual(['download', 'upload']);
  });
  it('the baseline is compared on its stage_durations (profiler keys); metrics.timings stay B detail', async () => {
    const { adapter, info } = await sim('diffusers');
    expect(info.generation).toBe('baseline');
    const res = await send(adapter, await editRequest());
    expect(res.stages).toMatchObject({ text_encode: expect.any(Number), vae_encode: expect.any(Number), denoise: expect.any(Number), vae_decode: expect.any(Number) });
    expect(res.stages).not.toHaveProperty('queue');
    expect(res.stages).not.toHaveProperty('preprocess');
    const sd = res.serverStageDurations!;
    expect(res.stages.text_encode).toBeCloseTo(sd['QwenImageEditPipeline.text_encoder.forward']! * 1000, 9);
    expect(res.serverTimings).toMatchObject({ preprocess: expect.any(Number), decode_request: expect.any(Number) });
    expect(res.serverTimings).toMatchObject({ unit: 'ms', denoise_steps: expect.any(Array) });
    expect((res.serverTimings!['denoise_steps'] as number[]).length).toBe(4);
  });
});

describe.each(['vllm-omni', 'diffusers'] as const)('faults, %s protocol', (kind) => {
  it('no fault: the same request gives the same image', async () => {
    const { adapter } = await sim(kind);
    const request = await editRequest();
    const [a, b] = [await send(adapter, request), await send(adapter, request)];
    expect(Buffer.from(a.image).equals(Buffer.from(b.image))).toBe(true);
    expect(a.mime).toBe('image/png');
  });

  it('typo: ok, but the rendered text differs from the fault-free output', async () => {
    const request = await editRequest();
    const clean = await send((await sim(kind)).adapter, request);
    const typo = await send((await sim(kind, { faults: { typo: 1 } })).adapter, request);
    const share = await changedShare(clean.image, typo.image);
    expect(share).toBeGreaterThan(0.002);
    expect(share).toBeLessThan(0.5); // the text, not the whole picture
  });

  it('wrong-size: ok, with dimensions other than requested', async () => {
    const res = await send((await sim(kind, { faults: { 'wrong-size': 1 } })).adapter, await editRequest());
    const meta = await sharp(res.image).metadata();
    expect(`${meta.width}x${meta.height}`).not.toBe('256x256');
  });

  it('blank: ok, with a flat image', async () => {
    const res = await send((await sim(kind, { faults: { blank: 1 } })).adapter, await editRequest());
    const stats = await sharp(res.image).stats();
    for (const channel of stats.channels.slice(0, 3)) expect(channel.stdev).toBeLessThan(1);
  });

  it('5xx: a retryable HTTP 503 error naming the URL', async () => {
    const { server, adapter } = await sim(kind, { faults: { '5xx': 1 } });
    const error = await sendError(adapter, await editRequest());
    expect(error).toMatchObject({ kind: 'http', httpStatus: 503, retryable: true });
    expect(error.message).toContain(`${server.url.replace(/\/$/, '')}/v1/images/edits`);
  });

  it('timeout: a retryable timeout error after the client timeout', async () => {
    const { adapter } = await sim(kind, { faults: { timeout: 1 } });
    const error = await sendError(adapter, await editRequest(), 300);
    // The server never answers, so only our own 300 ms timeout can have ended it (no wall-clock budget here).
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(error.message).toMatch(/timed out after 300 ms/);
  });

  it('malformed-json: a protocol error, not retried', async () => {
    const error = await sendError((await sim(kind, { faults: { 'malformed-json': 1 } })).adapter, await editRequest());
    expect(error).toMatchObject({ kind: 'protocol', retryable: false });
    expect(error.message).toMatch(/JSON/i);
  });

  it('slow-body: ok, with the time showing up as download', async () => {
    const request = await editRequest();
    const normal = await send((await sim(kind)).adapter, request);
    const slow = await send((await sim(kind, { faults: { 'slow-body': 1 } })).adapter, request);
    expect(Buffer.from(slow.image).equals(Buffer.from(normal.image))).toBe(true);
    expect(slow.stages.download).toBeGreaterThan(200);
    expect(slow.stages.download).toBeGreaterThan(10 * (normal.stages.download ?? 0));
  });
});
