import { afterEach, describe, expect, it } from 'vitest';
import { VllmOmniAdapter } from './vllm-omni.ts';
import type { AdapterOptions } from './openai-images/adapter.ts';
import { JPEG_LIKE, PNG, PNG_B64, editRequest, genRequest, input } from './testing/requests.ts';
import { loadRecorded, recordedRoutes, startReplayServer, type FixtureSet, type ReplayRoute, type ReplayServer } from './testing/replay-server.ts';
import { closedPort, rejection } from './testing/assertions.ts';

// ---------------------------------------------------------------------------------------------------------
// Fixtures and helpers
// ---------------------------------------------------------------------------------------------------------

const FAST: AdapterOptions = { healthPollInitialMs: 5, healthPollMaxMs: 20, probeTimeoutMs: 5000 };
const SEND = (): { signal: AbortSignal; timeoutMs: number } => ({ signal: new AbortController().signal, timeoutMs: 10_000 });

let server: ReplayServer | undefined;
let adapter: VllmOmniAdapter | undefined;

afterEach(async () => {
  adapter?.close();
  adapter = undefined;
  await server?.close();
  server = undefined;
});

async function serve(set: FixtureSet, overrides: Record<string, ReplayRoute> = {}, options: AdapterOptions = {}) {
  server = await startReplayServer({ routes: { ...recordedRoutes(set), ...overrides } });
  adapter = new VllmOmniAdapter(server.url, { ...FAST, ...options });
  return { server, adapter };
}

// ---------------------------------------------------------------------------------------------------------
// connect(): health and detection
// ---------------------------------------------------------------------------------------------------------

describe('connect', () => {
  it('detects a current server from the 405 on GET /v1/images/edits', async () => {
    const { server, adapter } = await serve('vllm-omni/current');
    const info = await adapter.connect();
    expect(info).toMatchObject({
      model: 'Qwen/Qwen-Image-Edit',
      generation: 'current',
      editPath: '/v1/images/edits',
      generatePath: '/v1/images/generations',
    });
    expect(info.notes.join('\n')).toContain('GET /v1/images/edits → 405 (the route exists, POST only)');
    // Detection must be cheap: only GETs, no generation.
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /health', 'GET /v1/models', 'GET /v1/images/edits']);
  });

  it('detects a 0.12-era server (models 500, edits 404) and routes both kinds through chat', async () => {
    const { server, adapter } = await serve('vllm-omni/legacy');
    const info = await adapter.connect();
    expect(info).toMatchObject({ model: null, generation: 'legacy', editPath: '/v1/chat/completions', generatePath: '/v1/chat/completions' });
    const notes = info.notes.join('\n');
    expect(notes).toContain('GET /health → 200 (empty body');
    expect(notes).toContain('GET /v1/models → 500');
    expect(notes).toContain('GET /v1/images/edits → 404');
    expect(notes).toContain('/v1/images/generations fails with HTTP 500');
    expect(server.requestsTo('GET /v1/images/generations')).toHaveLength(0);
  });

  it('on an intermediate server (models ok, no edits) keeps /v1/images/generations and edits through chat', async () => {
    const { adapter } = await serve('vllm-omni/legacy', { 'GET /v1/models': loadRecorded('vllm-omni/current', 'models') });
    const info = await adapter.connect();
    expect(info).toMatchObject({ generation: 'legacy', editPath: '/v1/chat/completions', generatePath: '/v1/images/generations' });
  });

  it('polls /health through 503s with progress messages until 200', async () => {
    const unhealthy = loadRecorded('vllm-omni/current', 'health-unhealthy');
    const { server, adapter } = await serve('vllm-omni/current', {
      'GET /health': [unhealthy, unhealthy, loadRecorded('vllm-omni/current', 'health')],
    });
    const waits: string[] = [];
    await adapter.connect({ onWait: (m) => waits.push(m) });
    expect(server.requestsTo('GET /health')).toHaveLength(3);
    // The same state twice is said once (then at most every 30 s).
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatch(new RegExp(`^waiting for ${server.url}/health \\(HTTP 503 \\{"status":"unhealthy"\\}\\), \\d+ s of 10 min \\(--health-timeout\\)$`));
  });

  it('gives up at the deadline when nothing listens, saying so', async () => {
    const port = await closedPort();
    adapter = new VllmOmniAdapter(`http://127.0.0.1:${port}`, FAST);
    const waits: string[] = [];
    const e = await rejection(adapter.connect({ healthDeadlineMs: 60, onWait: (m) => waits.push(m) }));
    expect(e.kind).toBe('network');
    // Issue 9: it said "not reachable yet" for up to 10 minutes, never "connection refused" nor --health-timeout.
    expect(e.message).toContain(`http://127.0.0.1:${port}/health did not become healthy within 60 ms (last: connection refused). Nothing is listening there`);
    expect(e.message).toMatch(/raise the health timeout \(--health-timeout SECONDS in the CLI\)\.$/);
    expect(waits.length).toBe(1);
    expect(waits[0]).toMatch(
      new RegExp(`^waiting for http://127\\.0\\.0\\.1:${port}/health \\(connection refused at http://127\\.0\\.0\\.1:${port}/health: nothing is listening yet .*\\), \\d+ s of 60 ms \\(--health-timeout\\)$`),
    );
  });

  it('stops waiting when the caller aborts', async () => {
    const { server, adapter } = await serve('vllm-omni/current', { 'GET /health': loadRecorded('vllm-omni/current', 'health-unhealthy') });
    const controller = new AbortController();
    const p = adapter.connect({ signal: controller.signal });
    await server.waitForRequests(2);
    controller.abort();
    expect((await rejection(p)).kind).toBe('cancelled');
  });

  it('notes a configured model that differs from the served one', async () => {
    const { adapter } = await serve('vllm-omni/current', {}, { model: 'Qwen/Qwen-Image' });
    const info = await adapter.connect();
    expect(info.notes.join('\n')).toContain('the configured model "Qwen/Qwen-Image" is not the served "Qwen/Qwen-Image-Edit"');
  });
});

// ---------------------------------------------------------------------------------------------------------
// send(): paths, fallbacks, timings
// ---------------------------------------------------------------------------------------------------------

describe('send on a current server', () => {
  it('edits through multipart /v1/images/edits with seed and explicit size; client stages present', async () => {
    const { server, adapter } = await serve('vllm-omni/current');
    await adapter.connect();
    const res = await adapter.send(editRequest(), SEND());
    expect(res.endpoint).toBe('POST /v1/images/edits');
    expect(res.image).toEqual(PNG);
    expect(res.mime).toBe('image/png');
    expect(res.peakMemoryMb).toBeNull();
    expect(res.serverStageDurations).toBeUndefined();
    expect(Object.keys(res.stages).sort()).toEqual(['download', 'upload']);
    expect(res.stages.upload).toBeGreaterThanOrEqual(0);
    expect(res.stages.download).toBeGreaterThanOrEqual(0);
    expect(res.e2eMs).toBeGreaterThanOrEqual(res.stages.upload! + res.stages.download!);
    const [rec] = server.requestsTo('POST /v1/images/edits');
    expect(rec?.fields).toMatchObject({ seed: ['1234'], size: ['512x384'], num_inference_steps: ['4'], n: ['1'], response_format: ['b64_json'] });
    expect(rec?.files?.map((f) => [f.field, f.filename, f.size])).toEqual([['image', 'input-0.png', PNG.length]]);
    expect(rec?.fields).not.toHaveProperty('model');
  });

  it('sends several images as image[] in order', async () => {
    const { server, adapter } = await serve('vllm-omni/current');
    await adapter.connect();
    await adapter.send(editRequest([input(0), input(1, JPEG_LIKE, 'image/jpeg'), input(2)]), SEND());
    const [rec] = server.requestsTo('POST /v1/images/edits');
    expect(rec?.files?.map((f) => [f.field, f.filename, f.contentType, f.size])).toEqual([
      ['image[]', 'input-0.png', 'image/png', PNG.length],
      ['image[]', 'input-1.png', 'image/jpeg', JPEG_LIKE.length],
      ['image[]', 'input-2.png', 'image/png', PNG.length],
    ]);
  });

  it('generates through JSON /v1/images/generations and maps metrics.stage_durations', async () => {
    const { server, adapter } = await serve('vllm-omni/current');
    await adapter.connect();
    const res = await adapter.send(genRequest({ negativePrompt: ' ', trueCfgScale: 4 }), SEND());
    expect(res.endpoint).toBe('POST /v1/images/generations');
    expect(res.stages.denoise).toBeCloseTo(2170, 6);
    expect(res.stages.text_encode).toBeCloseTo(120, 6);
    expect(res.stages).toHaveProperty('upload');
    expect(res.stages).toHaveProperty('download');
    expect(res.peakMemoryMb).toBe(58123.4);
    expect(res.serverStageDurations).toMatchObject({ 'QwenImagePipeline.diffuse': 2.17 });
    const [rec] = server.requestsTo('POST /v1/images/generations');
    expect(rec?.headers['content-type']).toBe('application/json');
    expect(rec?.json).toEqual({
      prompt: 'A poster that says "HELLO"',
      size: '640x448',
      n: 1,
      seed: 77,
      num_inference_steps: 8,
      true_cfg_scale: 4,
      negative_prompt: ' ',
      response_format: 'b64_json',
    });
  });

  it('reads top-level timings too', async () => {
    const { adapter } = await serve('vllm-omni/current', {
      'POST /v1/images/generations': loadRecorded('vllm-omni/current', 'generations-top-level-timings'),
    });
    await adapter.connect();
    const res = await adapter.send(genRequest(), SEND());
    expect(res.stages.denoise).toBeCloseTo(3030, 6);
    expect(res.peakMemoryMb).toBe(60500);
  });

  it('does not fall back on a 500 from a server known to be current', async () => {
    const { server, adapter } = await serve('vllm-omni/current', {
      'POST /v1/images/generations': loadRecorded('vllm-omni/current', 'error-generation-failed'),
    });
    await adapter.connect();
    const e = await rejection(adapter.send(genRequest(), SEND()));
    expect(e.kind).toBe('http');
    expect(e.httpStatus).toBe(500);
    expect(e.retryable).toBe(false);
    expect(e.message).toContain(`POST ${server.url}/v1/images/generations failed with HTTP 500: Image generation failed: CUDA out of memory`);
    expect(server.requestsTo('POST /v1/chat/completions')).toHaveLength(0);
  });
});

describe('send on an older server', () => {
  it('edits through chat with a literal extra_body carrying seed and size', async () => {
    const { server, adapter } = await serve('vllm-omni/legacy');
    await adapter.connect();
    const res = await adapter.send(editRequest([input(0)], { negativePrompt: 'blurry' }), SEND());
    expect(res.endpoint).toBe('POST /v1/chat/completions');
    expect(res.image).toEqual(PNG);
    expect(res.peakMemoryMb).toBeNull();
    expect(Object.keys(res.stages).sort()).toEqual(['download', 'upload']);
    const [rec] = server.requestsTo('POST /v1/chat/completions');
    const body = rec?.json as { extra_body: Record<string, unknown>; messages: Array<{ role: string; content: unknown[] }> };
    expect(body.extra_body).toMatchObject({ seed: 1234, size: '512x384', width: 512, height: 384, num_inference_steps: 4, negative_prompt: 'blurry' });
    expect(body.messages[0]!.content[1]).toEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_B64}` } });
    expect(server.requestsTo('POST /v1/images/edits')).toHaveLength(0);
  });

  it('generates through chat on a 0.12-era server, seed and size in extra_body', async () => {
    const { server, adapter } = await serve('vllm-omni/legacy');
    await adapter.connect();
    await adapter.send(genRequest(), SEND());
    const [rec] = server.requestsTo('POST /v1/chat/completions');
    expect((rec?.json as { extra_body: unknown }).extra_body).toMatchObject({ seed: 77, size: '640x448', width: 640, height: 448 });
    expect(server.requestsTo('POST /v1/images/generations')).toHaveLength(0);
  });

  it('falls back to chat on the generations 500 of a server not known to be current, and remembers it', async () => {
    const { server, adapter } = await serve('vllm-omni/legacy', { 'GET /v1/models': loadRecorded('vllm-omni/current', 'models') });
    await adapter.connect();
    expect(adapter.serverInfo().generatePath).toBe('/v1/images/generations');
    const res = await adapter.send(genRequest(), SEND());
    expect(res.endpoint).toBe('POST /v1/chat/completions');
    const info = adapter.serverInfo();
    expect(info.generatePath).toBe('/v1/chat/completions');
    expect(info.notes.at(-1)).toBe(
      'POST /v1/images/generations → 500 (the endpoint is broken on this server version): generation switched to /v1/chat/completions',
    );
    await adapter.send(genRequest(), SEND());
    expect(server.requestsTo('POST /v1/images/generations')).toHaveLength(1);
    expect(server.requestsTo('POST /v1/chat/completions')).toHaveLength(2);
    for (const rec of server.requestsTo('POST /v1/chat/completions')) {
      expect((rec.json as { extra_body: unknown }).extra_body).toMatchObject({ seed: 77, size: '640x448' });
    }
  });

  it.each([404, 405])('falls back to chat when POST /v1/images/edits answers %i, and maps content-item timings', async (status) => {
    const { server, adapter } = await serve('vllm-omni/current', {
      'POST /v1/images/edits': { status, body: { detail: status === 404 ? 'Not Found' : 'Method Not Allowed' } },
    });
    await adapter.connect();
    const res = await adapter.send(editRequest(), SEND());
    expect(res.endpoint).toBe('POST /v1/chat/completions');
    expect(res.stages.denoise).toBeCloseTo(22600, 6);
    expect(res.stages.vae_encode).toBeCloseTo(120, 6);
    expect(res.peakMemoryMb).toBe(61091);
    const info = adapter.serverInfo();
    expect(info.editPath).toBe('/v1/chat/completions');
    expect(info.generation).toBe('legacy');
    expect(info.notes.at(-1)).toContain(`POST /v1/images/edits → ${status} (the endpoint does not exist on this server)`);
    await adapter.send(editRequest(), SEND());
    expect(server.requestsTo('POST /v1/images/edits')).toHaveLength(1);
    const chat = server.requestsTo('POST /v1/chat/completions');
    expect((chat[0]?.json as { extra_body: unknown }).extra_body).toMatchObject({ seed: 1234, size: '512x384' });
  });
});

describe('send errors', () => {
  it('explains a model mismatch', async () => {
    const { server, adapter } = await serve(
      'vllm-omni/current',
      { 'POST /v1/images/edits': loadRecorded('vllm-omni/current', 'error-model-mismatch') },
      { model: 'Qwen/Qwen-Image' },
    );
    await adapter.connect();
    const e = await rejection(adapter.send(editRequest(), SEND()));
    expect(e.httpStatus).toBe(400);
    expect(e.retryable).toBe(false);
    expect(e.message).toContain(`POST ${server.url}/v1/images/edits failed with HTTP 400`);
    expect(e.message).toContain('The server serves "Qwen/Qwen-Image-Edit"');
    expect(server.requestsTo('POST /v1/images/edits')[0]?.fields?.model).toEqual(['Qwen/Qwen-Image']);
  });

  it('maps each error shape to a message (detail, nested, flat) with the right retry policy', async () => {
    const { adapter } = await serve('vllm-omni/current', {
      'POST /v1/images/edits': [
        loadRecorded('vllm-omni/current', 'error-unavailable'),
        loadRecorded('vllm-omni/current', 'error-validation'),
        loadRecorded('vllm-omni/current', 'error-multiple-images'),
      ],
      'POST /v1/images/generations': { status: 429, body: { error: { message: 'Too many requests', type: 'RateLimitError', param: null, code: 429 } } },
    });
    await adapter.connect();
    const a = await rejection(adapter.send(editRequest(), SEND()));
    expect([a.httpStatus, a.retryable]).toEqual([503, true]);
    expect(a.message).toContain('No diffusion stage found in multi-stage pipeline.');
    const b = await rejection(adapter.send(editRequest(), SEND()));
    expect([b.httpStatus, b.retryable]).toEqual([422, false]);
    expect(b.message).toContain('body.prompt: Field required');
    const c = await rejection(adapter.send(editRequest([input(0), input(1)]), SEND()));
    expect(c.message).toContain('Only a single image is supported by this model.');
    const d = await rejection(adapter.send(genRequest(), SEND()));
    expect([d.httpStatus, d.retryable]).toEqual([429, true]);
    expect(d.message).toContain('Too many requests');
  });

  it('maps the chat error shapes of both versions', async () => {
    const { adapter } = await serve('vllm-omni/legacy', {
      'POST /v1/chat/completions': [loadRecorded('vllm-omni/legacy', 'error-flat'), loadRecorded('vllm-omni/current', 'error-chat-nested')],
    });
    await adapter.connect();
    const flat = await rejection(adapter.send(editRequest(), SEND()));
    expect(flat.httpStatus).toBe(400);
    expect(flat.message).toContain("'loc': ('body', 'messages')");
    const nested = await rejection(adapter.send(editRequest(), SEND()));
    expect(nested.httpStatus).toBe(500);
    expect(nested.message).toContain('/v1/chat/completions failed with HTTP 500: Image generation failed: CUDA out of memory');
  });

  it('malformed JSON, missing image and non-image base64 are protocol errors quoting the body', async () => {
    const notImage = Buffer.from('GIF89a-not-supported').toString('base64');
    const { adapter } = await serve('vllm-omni/current', {
      'POST /v1/images/edits': [
        { status: 200, bodyText: '{"created": 1, "data": [{"b64_json": "iVBO', contentType: 'application/json' },
        { status: 200, body: { created: 1, data: [] } },
        { status: 200, body: { created: 1, data: [{ b64_json: notImage }] } },
      ],
    });
    await adapter.connect();
    const malformed = await rejection(adapter.send(editRequest(), SEND()));
    expect(malformed.kind).toBe('protocol');
    expect(malformed.retryable).toBe(false);
    expect(malformed.message).toContain('(HTTP 200): the response is not valid JSON. Got: {"created": 1, "data": [{"b64_json": "iVBO');
    const missing = await rejection(adapter.send(editRequest(), SEND()));
    expect(missing.kind).toBe('protocol');
    expect(missing.message).toContain('no image was produced');
    const wrong = await rejection(adapter.send(editRequest(), SEND()));
    expect(wrong.kind).toBe('protocol');
    expect(wrong.message).toContain('not a PNG, JPEG or WebP image');
    expect(wrong.message).toContain('GIF89a-not-supported');
  });

  it('a chat answer without an image is a protocol error', async () => {
    const { adapter } = await serve('vllm-omni/legacy', { 'POST /v1/chat/completions': loadRecorded('vllm-omni/legacy', 'chat-no-image') });
    await adapter.connect();
    const e = await rejection(adapter.send(genRequest(), SEND()));
    expect(e.kind).toBe('protocol');
    expect(e.message).toContain('Image generation completed but no images were produced.');
  });

  it('times out a request that never answers', async () => {
    const { adapter } = await serve('vllm-omni/current', { 'POST /v1/images/edits': { status: 200, hang: true } });
    await adapter.connect();
    const e = await rejection(adapter.send(editRequest(), { signal: new AbortController().signal, timeoutMs: 150 }));
    expect(e.kind).toBe('timeout');
    expect(e.retryable).toBe(true);
    expect(e.url).toBe(`${adapter.baseUrl}/v1/images/edits`);
  });

  it('cancels when the caller aborts mid-request', async () => {
    const { server, adapter } = await serve('vllm-omni/current', { 'POST /v1/images/edits': { status: 200, hang: true } });
    await adapter.connect();
    const before = server.requests.length;
    const controller = new AbortController();
    const p = adapter.send(editRequest(), { signal: controller.signal, timeoutMs: 30_000 });
    await server.waitForRequests(before + 1);
    controller.abort();
    const e = await rejection(p);
    expect(e.kind).toBe('cancelled');
    expect(e.retryable).toBe(false);
  });

  it('connection refused after the server went away is a retryable network error', async () => {
    const { server, adapter } = await serve('vllm-omni/current');
    await adapter.connect();
    adapter.close();
    await server.close();
    const e = await rejection(adapter.send(editRequest(), SEND()));
    expect(e.kind).toBe('network');
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('connection refused');
  });

  it('refuses to send before connect() and refuses a size that is not WxH', async () => {
    const { adapter } = await serve('vllm-omni/current');
    expect((await rejection(adapter.send(editRequest(), SEND()))).message).toContain('before connect()');
    await adapter.connect();
    expect((await rejection(adapter.send(editRequest([input(0)], { size: 'auto' }), SEND()))).message).toContain('"auto" must be explicit WxH');
  });
});
