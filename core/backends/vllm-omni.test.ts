import { afterEach, describe, expect, it } from 'vitest';
import type { ImageRequest, InputImage } from './types.ts';
import { BackendError } from './types.ts';
import {
  VllmOmniAdapter,
  buildChatJson,
  buildEditMultipart,
  buildGenerationJson,
  decodeDataUrl,
  decodeImageBase64,
  extractChatImage,
  extractImagesApiImage,
  findServerTimings,
  serverStages,
  sniffImageMime,
  type AdapterOptions,
} from './vllm-omni.ts';
import { loadRecorded, recordedRoutes, startReplayServer, type FixtureSet, type ReplayRoute, type ReplayServer } from './testing/replay-server.ts';
import { closedPort, rejection } from './testing/assertions.ts';

// ---------------------------------------------------------------------------------------------------------
// Fixtures and helpers
// ---------------------------------------------------------------------------------------------------------

const PNG_B64 = (loadRecorded('vllm-omni/current', 'edits').body as { data: Array<{ b64_json: string }> }).data[0]!.b64_json;
const PNG = new Uint8Array(Buffer.from(PNG_B64, 'base64'));
/** A second, different input so multi-image order is observable. */
const JPEG_LIKE = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6]);

function input(i: number, bytes: Uint8Array = PNG, mime = 'image/png'): InputImage {
  return { bytes, mime, name: `input-${i}.png` };
}

function editRequest(images: InputImage[] = [input(0)], extra: Partial<ImageRequest> = {}): ImageRequest {
  return { prompt: 'Add a shop sign that says "OPEN"', seed: 1234, steps: 4, size: '512x384', images, ...extra };
}

function genRequest(extra: Partial<ImageRequest> = {}): ImageRequest {
  return { prompt: 'A poster that says "HELLO"', seed: 77, steps: 8, size: '640x448', images: [], ...extra };
}

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



const CTX = { method: 'POST', url: 'http://127.0.0.1:1/v1/images/edits', status: 200 };

// ---------------------------------------------------------------------------------------------------------
// Request bodies
// ---------------------------------------------------------------------------------------------------------

async function parseMultipart(body: Uint8Array, contentType: string): Promise<FormData> {
  return new Request('http://x.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
}

describe('buildEditMultipart', () => {
  it('sends one image as "image" with every generation field, size and seed explicit', async () => {
    const { body, contentType } = await buildEditMultipart(editRequest([input(0)], { trueCfgScale: 4, negativePrompt: ' ' }));
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    const form = await parseMultipart(body, contentType);
    const file = form.get('image');
    expect(file).toBeInstanceOf(Blob);
    expect((file as File).name).toBe('input-0.png');
    expect((file as File).type).toBe('image/png');
    expect(new Uint8Array(await (file as File).arrayBuffer())).toEqual(PNG);
    expect(form.get('prompt')).toBe('Add a shop sign that says "OPEN"');
    expect(form.get('size')).toBe('512x384');
    expect(form.get('seed')).toBe('1234');
    expect(form.get('num_inference_steps')).toBe('4');
    expect(form.get('true_cfg_scale')).toBe('4');
    expect(form.get('negative_prompt')).toBe(' ');
    expect(form.get('n')).toBe('1');
    expect(form.get('response_format')).toBe('b64_json');
    expect(form.get('output_format')).toBe('png');
    expect(form.has('model')).toBe(false);
    expect(form.has('image[]')).toBe(false);
  });

  it('repeats "image[]" in order for several images, and sends model only when configured', async () => {
    const { body, contentType } = await buildEditMultipart(editRequest([input(0), input(1, JPEG_LIKE, 'image/jpeg')]), 'Qwen/Qwen-Image-Edit-2509');
    const form = await parseMultipart(body, contentType);
    const files = form.getAll('image[]') as File[];
    expect(files.map((f) => [f.name, f.type, f.size])).toEqual([
      ['input-0.png', 'image/png', PNG.length],
      ['input-1.png', 'image/jpeg', JPEG_LIKE.length],
    ]);
    expect(form.has('image')).toBe(false);
    expect(form.get('model')).toBe('Qwen/Qwen-Image-Edit-2509');
    expect(form.has('true_cfg_scale')).toBe(false);
    expect(form.has('negative_prompt')).toBe(false);
  });
});

describe('buildGenerationJson', () => {
  it('carries prompt, explicit size, seed and steps; optional fields only when set', () => {
    expect(buildGenerationJson(genRequest())).toEqual({
      prompt: 'A poster that says "HELLO"',
      size: '640x448',
      n: 1,
      seed: 77,
      num_inference_steps: 8,
      response_format: 'b64_json',
    });
    expect(buildGenerationJson(genRequest({ trueCfgScale: 1, negativePrompt: 'blurry' }), 'm')).toMatchObject({
      model: 'm',
      true_cfg_scale: 1,
      negative_prompt: 'blurry',
    });
  });
});

describe('buildChatJson', () => {
  it('puts generation parameters in a literal extra_body (seed and size included) and images as data URLs', () => {
    const body = buildChatJson(editRequest([input(0), input(1, JPEG_LIKE, 'image/jpeg')], { trueCfgScale: 4, negativePrompt: 'low quality' }));
    expect(body.extra_body).toEqual({
      width: 512,
      height: 384,
      size: '512x384',
      num_inference_steps: 4,
      true_cfg_scale: 4,
      seed: 1234,
      negative_prompt: 'low quality',
      num_outputs_per_prompt: 1,
    });
    expect(body).not.toHaveProperty('seed');
    expect(body).not.toHaveProperty('model');
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Add a shop sign that says "OPEN"' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_B64}` } },
          { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${Buffer.from(JPEG_LIKE).toString('base64')}` } },
        ],
      },
    ]);
  });

  it('is text-only for generation and leaves optional fields out', () => {
    const body = buildChatJson(genRequest());
    const extra = body.extra_body as Record<string, unknown>;
    expect(extra).toEqual({ width: 640, height: 448, size: '640x448', num_inference_steps: 8, seed: 77, num_outputs_per_prompt: 1 });
    expect((body.messages as Array<{ content: unknown[] }>)[0]!.content).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Response decoding
// ---------------------------------------------------------------------------------------------------------

describe('image decoding', () => {
  it('sniffs PNG, JPEG and WebP by magic bytes', () => {
    expect(sniffImageMime(PNG)).toBe('image/png');
    expect(sniffImageMime(JPEG_LIKE)).toBe('image/jpeg');
    expect(sniffImageMime(new Uint8Array([...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBPVP8 ')]))).toBe('image/webp');
    expect(sniffImageMime(new Uint8Array(Buffer.from('<html>')))).toBeNull();
    expect(sniffImageMime(new Uint8Array())).toBeNull();
  });

  it('decodes base64 images and rejects junk that Buffer would silently accept', () => {
    expect(decodeImageBase64(PNG_B64, 'data[0].b64_json', CTX)).toEqual({ bytes: PNG, mime: 'image/png' });
    // Line-wrapped base64 is still base64.
    expect(decodeImageBase64(PNG_B64.replace(/(.{60})/g, '$1\n'), 'x', CTX).mime).toBe('image/png');
    const junk = decodeImageBase64Error('not base64 at all!');
    expect(junk.kind).toBe('protocol');
    expect(junk.message).toContain('data[0].b64_json is not base64 image data');
    expect(junk.message).toContain('Got: not base64 at all!');
  });

  it('rejects base64 that is not an image, quoting what it decodes to', () => {
    const e = decodeImageBase64Error(Buffer.from('<html><body>502 Bad Gateway</body></html>').toString('base64'));
    expect(e.kind).toBe('protocol');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('not a PNG, JPEG or WebP image (first bytes 3c 68 74 6d 6c 3e 3c 62)');
    expect(e.message).toContain('502 Bad Gateway');
  });

  it('decodes data URLs and refuses remote URLs', () => {
    expect(decodeDataUrl(`data:image/png;base64,${PNG_B64}`, 'u', CTX).bytes).toEqual(PNG);
    expect(() => decodeDataUrl('https://cdn.example/x.png', 'u', CTX)).toThrow(/u is not a data: URL/);
    expect(() => decodeDataUrl('data:image/png,rawbytes', 'u', CTX)).toThrow(/not base64/);
  });

  function decodeImageBase64Error(b64: string): BackendError {
    try {
      decodeImageBase64(b64, 'data[0].b64_json', CTX);
    } catch (err) {
      if (err instanceof BackendError) return err;
      throw err;
    }
    throw new Error('expected a BackendError');
  }
});

describe('extractImagesApiImage / extractChatImage', () => {
  it('reads data[0].b64_json and the first image_url content item', () => {
    expect(extractImagesApiImage(loadRecorded('vllm-omni/current', 'edits').body, CTX).bytes).toEqual(PNG);
    expect(extractChatImage(loadRecorded('vllm-omni/legacy', 'chat').body, CTX).bytes).toEqual(PNG);
    expect(extractChatImage(loadRecorded('vllm-omni/current', 'chat').body, CTX).mime).toBe('image/png');
  });

  it('missing images are protocol errors that say what came back', () => {
    expect(() => extractImagesApiImage({ created: 1, data: [] }, CTX)).toThrow(/empty "data" list: no image was produced/);
    expect(() => extractImagesApiImage({ created: 1, data: [{ url: 'http://x/y.png' }] }, CTX)).toThrow(/a URL instead of b64_json/);
    expect(() => extractImagesApiImage({ object: 'list' }, CTX)).toThrow(/no "data" list/);
    expect(() => extractChatImage(loadRecorded('vllm-omni/current', 'chat-no-image').body, CTX)).toThrow(
      /carries no image .* Got: Image generation completed but no images were produced\./,
    );
    expect(() => extractChatImage({ choices: [{ message: { content: [{ type: 'text', text: 'hi' }] } }] }, CTX)).toThrow(/no image_url item/);
    expect(() => extractChatImage({ choices: [] }, CTX)).toThrow(/no choices\[0\]\.message\.content/);
  });
});

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
