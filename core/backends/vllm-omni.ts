/**
 * The vLLM-Omni adapter (side A) and the OpenAI-style image protocol it shares with our diffusers baseline (side B).
 *
 * Facts this code relies on (reference/vllm-omni-api.md):
 * - Servers only listen once every stage has loaded, so connect() polls /health for minutes.
 * - Current servers (N) have POST /v1/images/edits (multipart) and /v1/images/generations (JSON). The 0.12-era
 *   servers (S) have no edits route, a generations route that fails with 500, and a /v1/models that fails with 500;
 *   only /v1/chat/completions works there, with generation parameters in a *literal* "extra_body" object.
 * - FastAPI answers GET on a POST-only route with 405 and on a missing route with 404: a free probe.
 * - Timings (`stage_durations` in seconds, `peak_memory_mb`) may sit at the top level, under `metrics`, or on the
 *   chat content items, depending on version and route.
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { SizeSchema, parseSize, type BackendKind, type ServerInfo } from '../../shared/model.ts';
import { nonFiniteTokensIn, parseLenientJson } from './lenient-json.ts';
import { checkDurations, checkPeakMemoryMb, checkTimingsBlock, ownValue } from '../../shared/server-numbers.ts';
import { stagesFromBaselineTimings, stagesFromStageDurations } from '../../shared/stages.ts';
import {
  BackendError,
  type BackendAdapter,
  type ConnectOptions,
  type ImageRequest,
  type ImageResponse,
  type SendOptions,
} from './types.ts';
import { HttpClient, type HttpResponse } from './http.ts';
import { cancelledError, formatDuration, httpError, protocolError, snippet, type RequestContext } from './errors.ts';

export const PATHS = {
  health: '/health',
  models: '/v1/models',
  edits: '/v1/images/edits',
  generations: '/v1/images/generations',
  chat: '/v1/chat/completions',
  baselineInfo: '/v1/baseline/info',
} as const;

export const DEFAULT_HEALTH_DEADLINE_MS = 10 * 60_000;
/** While waiting for /health, repeat an unchanged state at most this often. */
const HEALTH_LOG_EVERY_MS = 30_000;

export interface AdapterOptions {
  /** Model name to send. Leave unset to let the server use the one it serves (current servers reject a mismatch). */
  model?: string;
  maxResponseBytes?: number;
  /** Timeout of each connect-time request (a /health poll, /v1/models, a route probe). Default 10 s. */
  probeTimeoutMs?: number;
  /** /health polling backoff: first delay and cap, ms. Default 500 → 5000. */
  healthPollInitialMs?: number;
  healthPollMaxMs?: number;
}

// ---------------------------------------------------------------------------------------------------------
// Request bodies (pure)
// ---------------------------------------------------------------------------------------------------------

export interface EncodedBody {
  body: Uint8Array;
  contentType: string;
}

/**
 * POST /v1/images/edits as multipart/form-data. One image goes as `image`, several as repeated `image[]` (order
 * matters for multi-reference models). `size` and `seed` are always explicit: the server's defaults are "the input
 * image's size" and "random".
 */
export async function buildEditMultipart(request: ImageRequest, model?: string): Promise<EncodedBody> {
  const form = new FormData();
  form.append('prompt', request.prompt);
  const field = request.images.length === 1 ? 'image' : 'image[]';
  for (const image of request.images) {
    // Copy: Blob wants an ArrayBuffer-backed view, and the caller's bytes may be a view into a shared buffer.
    form.append(field, new Blob([new Uint8Array(image.bytes)], { type: image.mime }), image.name);
  }
  form.append('size', request.size);
  form.append('seed', String(request.seed));
  form.append('num_inference_steps', String(request.steps));
  if (request.trueCfgScale !== undefined) form.append('true_cfg_scale', String(request.trueCfgScale));
  if (request.negativePrompt !== undefined) form.append('negative_prompt', request.negativePrompt);
  form.append('n', '1');
  form.append('response_format', 'b64_json');
  form.append('output_format', 'png');
  if (model !== undefined) form.append('model', model);
  // Let the platform's multipart encoder produce the bytes and the boundary.
  const encoded = new Request('http://multipart.invalid/', { method: 'POST', body: form });
  const contentType = encoded.headers.get('content-type');
  if (!contentType) throw new Error('FormData encoding produced no content-type');
  return { body: new Uint8Array(await encoded.arrayBuffer()), contentType };
}

/** POST /v1/images/generations JSON body. */
export function buildGenerationJson(request: ImageRequest, model?: string): Record<string, unknown> {
  return {
    ...(model === undefined ? {} : { model }),
    prompt: request.prompt,
    size: request.size,
    n: 1,
    seed: request.seed,
    num_inference_steps: request.steps,
    ...(request.trueCfgScale === undefined ? {} : { true_cfg_scale: request.trueCfgScale }),
    ...(request.negativePrompt === undefined ? {} : { negative_prompt: request.negativePrompt }),
    response_format: 'b64_json',
  };
}

/**
 * POST /v1/chat/completions JSON body for a diffusion server: one user message (text + data: image URLs; the server
 * skips http URLs) and a literal "extra_body" key. 0.12-era servers read only that literal key and ignore top-level
 * generation fields, seed included; current ones read it first. `n` is ignored there: num_outputs_per_prompt counts.
 */
export function buildChatJson(request: ImageRequest, model?: string): Record<string, unknown> {
  const { width, height } = parseSize(request.size);
  const content: unknown[] = [{ type: 'text', text: request.prompt }];
  for (const image of request.images) {
    const b64 = Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength).toString('base64');
    content.push({ type: 'image_url', image_url: { url: `data:${image.mime};base64,${b64}` } });
  }
  return {
    ...(model === undefined ? {} : { model }),
    messages: [{ role: 'user', content }],
    extra_body: {
      width,
      height,
      size: request.size,
      num_inference_steps: request.steps,
      ...(request.trueCfgScale === undefined ? {} : { true_cfg_scale: request.trueCfgScale }),
      seed: request.seed,
      ...(request.negativePrompt === undefined ? {} : { negative_prompt: request.negativePrompt }),
      num_outputs_per_prompt: 1,
    },
  };
}

function jsonBody(value: unknown): EncodedBody {
  return { body: new TextEncoder().encode(JSON.stringify(value)), contentType: 'application/json' };
}

// ---------------------------------------------------------------------------------------------------------
// Responses (pure)
// ---------------------------------------------------------------------------------------------------------

export type ResponseContext = RequestContext & { status?: number };

export interface DecodedImage {
  bytes: Uint8Array;
  mime: string;
}

/** PNG, JPEG or WebP by magic bytes; null for anything else. */
export function sniffImageMime(bytes: Uint8Array): 'image/png' | 'image/jpeg' | 'image/webp' | null {
  const b = (i: number): number => bytes[i] ?? -1;
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47 && b(4) === 0x0d && b(5) === 0x0a && b(6) === 0x1a && b(7) === 0x0a) {
    return 'image/png';
  }
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'image/jpeg';
  const ascii = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Strict base64 → image bytes, checked by magic bytes. `where` names the field for the message. */
export function decodeImageBase64(b64: string, where: string, ctx: ResponseContext): DecodedImage {
  const compact = b64.replace(/\s+/g, '');
  // Buffer.from(…, 'base64') silently skips junk, so check the alphabet first or garbage would "decode".
  if (compact === '' || !BASE64.test(compact) || compact.length % 4 === 1) {
    throw protocolError(ctx, `${where} is not base64 image data`, b64);
  }
  const bytes = new Uint8Array(Buffer.from(compact, 'base64'));
  const mime = sniffImageMime(bytes);
  if (!mime) {
    const head = [...bytes.subarray(0, 8)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
    const text = Buffer.from(bytes.subarray(0, 120)).toString('latin1');
    throw protocolError(ctx, `${where} decodes to ${bytes.length} bytes that are not a PNG, JPEG or WebP image (first bytes ${head})`, text);
  }
  return { bytes, mime };
}

/** "data:image/png;base64,…" → image bytes. An http(s) URL is a protocol error: we always ask for inline data. */
export function decodeDataUrl(url: string, where: string, ctx: ResponseContext): DecodedImage {
  const m = /^data:([^;,]*)(;[^,]*)?,/i.exec(url);
  if (!m) throw protocolError(ctx, `${where} is not a data: URL with an inline image`, url);
  if (!/;base64/i.test(m[2] ?? '')) throw protocolError(ctx, `${where} is a data: URL that is not base64`, url);
  return decodeImageBase64(url.slice(m[0].length), where, ctx);
}

/** Parse a 2xx body as JSON or throw a protocol error quoting what came back. */
export function parseJson(body: string, ctx: ResponseContext): unknown {
  try {
    // Python servers write bare NaN/Infinity by default: read them as null (dropped and noted with the timings).
    return parseLenientJson(body).value;
  } catch {
    throw protocolError(ctx, 'the response is not valid JSON', body);
  }
}

const ImagesResponseSchema = z.looseObject({
  data: z.array(z.looseObject({ b64_json: z.string().nullish(), url: z.string().nullish() })),
});

/** ImageGenerationResponse {created, data: [{b64_json, url, revised_prompt}], …} → the first image. */
export function extractImagesApiImage(json: unknown, ctx: ResponseContext): DecodedImage {
  const parsed = ImagesResponseSchema.safeParse(json);
  if (!parsed.success) throw protocolError(ctx, 'the response has no "data" list of images', JSON.stringify(json));
  const first = parsed.data.data[0];
  if (!first) throw protocolError(ctx, 'the response has an empty "data" list: no image was produced', JSON.stringify(json));
  if (typeof first.b64_json !== 'string' || first.b64_json === '') {
    const why = typeof first.url === 'string' ? 'a URL instead of b64_json (we ask for response_format=b64_json)' : 'no b64_json';
    throw protocolError(ctx, `data[0] has ${why}`, JSON.stringify(first));
  }
  return decodeImageBase64(first.b64_json, 'data[0].b64_json', ctx);
}

const ChatResponseSchema = z.looseObject({
  choices: z
    .array(z.looseObject({ message: z.looseObject({ content: z.union([z.string(), z.array(z.unknown()), z.null()]) }) }))
    .min(1),
});
const ImageUrlItemSchema = z.looseObject({ image_url: z.looseObject({ url: z.string() }) });

/** OmniChatCompletionResponse → the first image of choices[0].message.content[*].image_url.url. */
export function extractChatImage(json: unknown, ctx: ResponseContext): DecodedImage {
  const parsed = ChatResponseSchema.safeParse(json);
  if (!parsed.success) throw protocolError(ctx, 'the response has no choices[0].message.content', JSON.stringify(json));
  const content = parsed.data.choices[0]!.message.content;
  if (typeof content === 'string' || content === null) {
    // e.g. "Image generation completed but no images were produced."
    throw protocolError(ctx, 'the chat response carries no image (choices[0].message.content is text)', String(content));
  }
  for (const [i, item] of content.entries()) {
    const img = ImageUrlItemSchema.safeParse(item);
    if (img.success) return decodeDataUrl(img.data.image_url.url, `choices[0].message.content[${i}].image_url.url`, ctx);
  }
  throw protocolError(ctx, 'choices[0].message.content has no image_url item', JSON.stringify(content));
}

export type TimingLocation = 'top-level' | 'metrics' | 'choices[0].message.content';

export interface ServerTimings {
  /** `stage_durations` as received (seconds, server keys), numeric entries only. */
  stageDurations?: Record<string, number>;
  stageDurationsAt?: TimingLocation;
  peakMemoryMb: number | null;
  /** The baseline's `metrics.timings` block (ms) as received. */
  baselineTimings?: Record<string, unknown>;
  /** What was dropped and why (shared/server-numbers.ts): kept on the job's result. */
  notes: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Find `stage_durations` and `peak_memory_mb`: top level first (some versions), then `metrics.*` (current
 * generations), then each chat content item (current chat). The first place that has a value wins, per field.
 */
export function findServerTimings(json: unknown): ServerTimings {
  const places: Array<[TimingLocation, unknown]> = [];
  if (isRecord(json)) {
    places.push(['top-level', json]);
    places.push(['metrics', ownValue(json, 'metrics')]);
    const choices = json.choices;
    if (Array.isArray(choices) && isRecord(choices[0]) && isRecord(choices[0].message)) {
      const content = choices[0].message.content;
      if (Array.isArray(content)) for (const item of content) places.push(['choices[0].message.content', item]);
    }
  }
  const out: ServerTimings = { peakMemoryMb: null, notes: [] };
  const nonFinite = nonFiniteTokensIn(json);
  if (nonFinite > 0) {
    out.notes.push(`the response held ${nonFinite} bare NaN/Infinity value${nonFinite > 1 ? 's' : ''} (not JSON; Python's json.dumps default), read as null and dropped`);
  }
  for (const [where, place] of places) {
    if (!isRecord(place)) continue;
    const durations = ownValue(place, 'stage_durations');
    if (out.stageDurations === undefined && isRecord(durations)) {
      const checked = checkDurations(durations, `${where} stage_durations`, 's');
      out.stageDurations = checked.values;
      out.stageDurationsAt = where;
      out.notes.push(...checked.notes);
    }
    if (out.peakMemoryMb === null && Object.hasOwn(place, 'peak_memory_mb')) {
      const checked = checkPeakMemoryMb(ownValue(place, 'peak_memory_mb'), `${where} peak_memory_mb`);
      out.peakMemoryMb = checked.value;
      if (checked.note) out.notes.push(checked.note);
    }
  }
  const metrics = isRecord(json) ? ownValue(json, 'metrics') : undefined;
  const timings = isRecord(metrics) ? ownValue(metrics, 'timings') : undefined;
  if (isRecord(timings)) {
    const checked = checkTimingsBlock(timings, 'metrics.timings');
    out.baselineTimings = checked.values;
    out.notes.push(...checked.notes);
  }
  return out;
}

/**
 * Canonical stage → ms from what the server sent. The baseline's `metrics.timings` (ms, measured with CUDA sync per
 * stage) wins over `stage_durations` for any stage both name; keys only one of them has are kept.
 */
export function serverStages(t: ServerTimings): Record<string, number> {
  const out: Record<string, number> = t.stageDurations ? stagesFromStageDurations(t.stageDurations) : {};
  if (t.baselineTimings) Object.assign(out, stagesFromBaselineTimings(t.baselineTimings));
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The adapter
// ---------------------------------------------------------------------------------------------------------

function sleep(ms: number, signal: AbortSignal | undefined, ctx: RequestContext): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelledError(ctx));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError(ctx));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Probe and parse result of GET /v1/models. */
export interface ModelsProbe {
  status: number;
  id: string | null;
}

const ModelsSchema = z.looseObject({ data: z.array(z.looseObject({ id: z.string() })) });

/**
 * Speaks vLLM-Omni's image API with its version fallbacks. The diffusers adapter (diffusers.ts) extends it: same
 * endpoints and fields, different detection, no chat fallback.
 */
export class OpenAiImageAdapter implements BackendAdapter {
  readonly kind: BackendKind;
  readonly baseUrl: string;
  protected readonly http: HttpClient;
  protected readonly model: string | undefined;
  protected readonly options: AdapterOptions;
  /** Whether a failing images endpoint may be replaced by /v1/chat/completions. */
  protected readonly chatFallback: boolean;
  protected info: ServerInfo = { model: null, generation: 'unknown', editPath: null, generatePath: null, notes: [] };
  private connected = false;

  constructor(kind: BackendKind, baseUrl: string, options: AdapterOptions, chatFallback: boolean) {
    this.kind = kind;
    this.http = new HttpClient(baseUrl, options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes });
    this.baseUrl = this.http.baseUrl;
    this.model = options.model === undefined || options.model.trim() === '' ? undefined : options.model.trim();
    this.options = options;
    this.chatFallback = chatFallback;
  }

  /** What detection learned, updated when send() switches to a fallback path. A copy. */
  serverInfo(): ServerInfo {
    return { ...this.info, notes: [...this.info.notes] };
  }

  /** Close idle keep-alive connections. */
  close(): void {
    this.http.close();
  }

  async connect(options: ConnectOptions = {}): Promise<ServerInfo> {
    this.connected = false;
    this.info = { model: null, generation: 'unknown', editPath: null, generatePath: null, notes: [] };
    await this.waitForHealth(options);
    const models = await this.readModels(options.signal);
    await this.detect(models, options.signal);
    this.connected = true;
    return this.serverInfo();
  }

  async send(request: ImageRequest, options: SendOptions): Promise<ImageResponse> {
    if (!this.connected) {
      throw new BackendError(`${this.kind} backend at ${this.baseUrl} is used before connect(): connect first.`, {
        kind: 'network',
        url: this.baseUrl,
        retryable: false,
      });
    }
    if (!SizeSchema.safeParse(request.size).success) {
      throw new BackendError(`request size "${request.size}" must be explicit WxH such as 1024x1024 (never "auto").`, {
        kind: 'protocol',
        url: this.baseUrl,
        retryable: false,
      });
    }
    const isEdit = request.images.length > 0;
    const path = (isEdit ? this.info.editPath : this.info.generatePath) ?? (isEdit ? PATHS.edits : PATHS.generations);
    if (path !== PATHS.chat) {
      try {
        return await this.sendImagesApi(path, request, options);
      } catch (err) {
        if (!(err instanceof BackendError) || !this.shouldFallBack(err, path)) throw err;
        this.switchToChat(isEdit, path, err.httpStatus ?? 0);
      }
    }
    return this.sendChat(request, options);
  }

  // --- connect steps ----------------------------------------------------------------------------------------

  protected probe(path: string, signal: AbortSignal | undefined, timeoutMs?: number): Promise<HttpResponse> {
    return this.http.request({
      method: 'GET',
      path,
      headers: { accept: 'application/json' },
      timeoutMs: timeoutMs ?? this.options.probeTimeoutMs ?? 10_000,
      ...(signal ? { signal } : {}),
    });
  }

  /** Poll GET /health until 200, backing off 0.5 s → 5 s, until the deadline. */
  protected async waitForHealth(options: ConnectOptions): Promise<void> {
    const deadline = options.healthDeadlineMs ?? DEFAULT_HEALTH_DEADLINE_MS;
    const url = this.http.url(PATHS.health);
    const ctx: RequestContext = { method: 'GET', url };
    const start = performance.now();
    let delay = this.options.healthPollInitialMs ?? 500;
    const maxDelay = this.options.healthPollMaxMs ?? 5000;
    let lastSaid: { seen: string; at: number } | null = null;
    for (;;) {
      const remaining = deadline - (performance.now() - start);
      let seen: string;
      let lastKind: 'network' | 'timeout' = 'timeout';
      try {
        const res = await this.probe(PATHS.health, options.signal, Math.max(1, Math.min(this.options.probeTimeoutMs ?? 10_000, remaining)));
        if (res.status === 200) {
          this.info.notes.push(`GET /health → 200${res.body.length === 0 ? ' (empty body, as 0.12-era servers answer)' : ''}`);
          return;
        }
        if (res.status === 404) {
          // Listening but without a /health route: not a vLLM server, but it is up; let detection say more.
          this.info.notes.push('GET /health → 404: the server has no /health route; assuming it is up');
          return;
        }
        seen = `HTTP ${res.status}${res.body.length ? ` ${snippet(res.body.toString('utf8'), 60)}` : ''}`;
      } catch (err) {
        if (!(err instanceof BackendError) || err.kind === 'cancelled') throw err;
        seen = err.kind !== 'network' ? 'no answer' : /connection refused/i.test(err.message) ? 'connection refused' : 'not reachable';
        lastKind = err.kind === 'network' ? 'network' : 'timeout';
      }
      const elapsed = performance.now() - start;
      if (elapsed + delay > deadline) {
        throw new BackendError(
          `${url} did not become healthy within ${formatDuration(deadline)} (last: ${seen}). ` +
            (seen === 'connection refused'
              ? `Nothing is listening there: check that the server was started and on which port. `
              : 'Check that the server is starting (large models take minutes to load) and see its log. ') +
            'If it needs longer to load, raise the health timeout (--health-timeout SECONDS in the CLI).',
          { kind: lastKind, url, retryable: false },
        );
      }
      // One line when what we see changes, then at most every 30 s: a server loading for minutes is not news.
      if (!lastSaid || lastSaid.seen !== seen || elapsed - lastSaid.at >= HEALTH_LOG_EVERY_MS) {
        const why =
          seen === 'connection refused' && lastSaid?.seen !== seen
            ? `connection refused at ${url}: nothing is listening yet (vLLM-Omni listens only once its model has loaded)`
            : seen;
        options.onWait?.(
          `waiting for ${url} (${why}), ${Math.round(elapsed / 1000)} s of ${formatDuration(deadline)} (--health-timeout)`,
        );
        lastSaid = { seen, at: elapsed };
      }
      await sleep(delay, options.signal, ctx);
      delay = Math.min(delay * 2, maxDelay);
    }
  }

  protected async readModels(signal: AbortSignal | undefined): Promise<ModelsProbe> {
    const res = await this.probe(PATHS.models, signal);
    const notes = this.info.notes;
    let id: string | null = null;
    if (res.status === 200) {
      let json: unknown = undefined;
      try {
        json = JSON.parse(res.body.toString('utf8'));
      } catch {
        // reported below
      }
      const parsed = ModelsSchema.safeParse(json);
      id = parsed.success ? (parsed.data.data[0]?.id ?? null) : null;
      notes.push(
        id === null
          ? `GET /v1/models → 200 but no model id in it (${snippet(res.body.toString('utf8'), 80)})`
          : `GET /v1/models → 200: serves "${id}"`,
      );
    } else if (res.status === 500) {
      notes.push('GET /v1/models → 500: an older (0.12-era) server, which does not set up the models route in diffusion mode');
    } else {
      notes.push(`GET /v1/models → ${res.status}`);
    }
    this.info.model = id;
    if (this.model !== undefined && id !== null && this.model !== id) {
      notes.push(
        `the configured model "${this.model}" is not the served "${id}": current servers reject it with 400 "Model mismatch"; set the model to "${id}" or leave it unset`,
      );
    }
    return { status: res.status, id };
  }

  /** Decide the API generation and paths (vLLM-Omni); the diffusers adapter overrides this. */
  protected async detect(models: ModelsProbe, signal: AbortSignal | undefined): Promise<void> {
    const notes = this.info.notes;
    const edits = await this.probe(PATHS.edits, signal);
    if (edits.status !== 404) {
      this.info.generation = 'current';
      this.info.editPath = PATHS.edits;
      this.info.generatePath = PATHS.generations;
      notes.push(
        `GET /v1/images/edits → ${edits.status}${edits.status === 405 ? ' (the route exists, POST only)' : ''}: current API; edits use /v1/images/edits, generation /v1/images/generations`,
      );
      return;
    }
    this.info.generation = 'legacy';
    this.info.editPath = PATHS.chat;
    notes.push('GET /v1/images/edits → 404: this server has no edits endpoint (an older vLLM-Omni); edits go through /v1/chat/completions');
    if (models.status === 500) {
      this.info.generatePath = PATHS.chat;
      notes.push('generation also goes through /v1/chat/completions: /v1/images/generations fails with HTTP 500 on 0.12-era servers');
      return;
    }
    const gens = await this.probe(PATHS.generations, signal);
    if (gens.status === 404) {
      this.info.generatePath = PATHS.chat;
      notes.push('GET /v1/images/generations → 404: generation goes through /v1/chat/completions');
    } else {
      this.info.generatePath = PATHS.generations;
      notes.push(
        `GET /v1/images/generations → ${gens.status}: generation uses /v1/images/generations and falls back to /v1/chat/completions if it answers 500 (broken on some older servers)`,
      );
    }
  }

  // --- send paths --------------------------------------------------------------------------------------------

  private shouldFallBack(err: BackendError, path: string): boolean {
    if (!this.chatFallback || err.kind !== 'http') return false;
    if (err.httpStatus === 404 || err.httpStatus === 405) return true;
    return path === PATHS.generations && err.httpStatus === 500 && this.info.generation !== 'current';
  }

  private switchToChat(isEdit: boolean, from: string, status: number): void {
    const which = isEdit ? 'editPath' : 'generatePath';
    if (this.info[which] === PATHS.chat) return; // a concurrent request already switched
    this.info[which] = PATHS.chat;
    const why = status === 500 ? 'the endpoint is broken on this server version' : 'the endpoint does not exist on this server';
    this.info.notes.push(`POST ${from} → ${status} (${why}): ${isEdit ? 'edits' : 'generation'} switched to /v1/chat/completions`);
    if (this.info.generation === 'current') this.info.generation = 'legacy';
  }

  private async post(path: string, encoded: EncodedBody, options: SendOptions): Promise<HttpResponse> {
    const res = await this.http.request({
      method: 'POST',
      path,
      headers: { 'content-type': encoded.contentType, accept: 'application/json' },
      body: encoded.body,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
    if (res.status < 200 || res.status >= 300) {
      throw httpError({ method: 'POST', url: res.url, status: res.status, body: res.body.toString('utf8'), location: res.headers.location });
    }
    return res;
  }

  private async sendImagesApi(path: string, request: ImageRequest, options: SendOptions): Promise<ImageResponse> {
    const encoded = path === PATHS.edits ? await buildEditMultipart(request, this.model) : jsonBody(buildGenerationJson(request, this.model));
    const res = await this.post(path, encoded, options);
    const ctx: ResponseContext = { method: 'POST', url: res.url, status: res.status };
    const json = parseJson(res.body.toString('utf8'), ctx);
    return this.respond(res, json, extractImagesApiImage(json, ctx), path);
  }

  private async sendChat(request: ImageRequest, options: SendOptions): Promise<ImageResponse> {
    const res = await this.post(PATHS.chat, jsonBody(buildChatJson(request, this.model)), options);
    const ctx: ResponseContext = { method: 'POST', url: res.url, status: res.status };
    const json = parseJson(res.body.toString('utf8'), ctx);
    return this.respond(res, json, extractChatImage(json, ctx), PATHS.chat);
  }

  /** Call right after the image is decoded: e2e ends now. */
  private respond(res: HttpResponse, json: unknown, image: DecodedImage, path: string): ImageResponse {
    const decodedAt = performance.now();
    const t = findServerTimings(json);
    return {
      image: image.bytes,
      mime: image.mime,
      stages: { ...serverStages(t), upload: res.timings.uploadMs, download: res.timings.downloadMs },
      e2eMs: decodedAt - res.timings.startedAt,
      ...(t.stageDurations === undefined ? {} : { serverStageDurations: t.stageDurations }),
      ...(t.baselineTimings === undefined ? {} : { serverTimings: t.baselineTimings }),
      peakMemoryMb: t.peakMemoryMb,
      endpoint: `POST ${path}`,
      ...(t.notes.length ? { notes: t.notes } : {}),
    };
  }
}

/** Side A: vLLM-Omni, any version from 0.12 on (chat fallback for the older ones). */
export class VllmOmniAdapter extends OpenAiImageAdapter {
  constructor(baseUrl: string, options: AdapterOptions = {}) {
    super('vllm-omni', baseUrl, options, true);
  }
}
