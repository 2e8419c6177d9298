/**
 * The adapter for the OpenAI-style image API that vLLM-Omni (side A) and our diffusers baseline (side B) both
 * speak: connect (wait for /health, read /v1/models, then the subclass's detection) and send (POST the images
 * endpoint, decode the image, map the timings). The two backends (../vllm-omni.ts, ../diffusers.ts) add only what
 * differs: how the server is detected and, for vLLM-Omni, the fallback to chat completions.
 *
 * - Servers only listen once every stage has loaded, so connect() polls /health for minutes.
 * - FastAPI answers GET on a POST-only route with 405 and on a missing route with 404: a free probe.
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { SizeSchema, type BackendKind, type ServerInfo } from '../../../shared/model.ts';
import {
  BackendError,
  type BackendAdapter,
  type ConnectOptions,
  type ImageRequest,
  type ImageResponse,
  type SendOptions,
} from '../types.ts';
import { HttpClient, type HttpResponse } from '../http.ts';
import { cancelledError, formatDuration, httpError, snippet, type RequestContext } from '../errors.ts';
import { buildEditMultipart, buildGenerationJson, jsonBody, type EncodedBody } from './encode.ts';
import { extractImagesApiImage, parseJson, tryParseJson, type DecodedImage, type ResponseContext } from './decode.ts';
import { findServerTimings, serverStages } from './timings.ts';
import { reportedPromptTokens, returnedImageCount } from './counts.ts';

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

/** Probe and parse result of GET /v1/models. */
export interface ModelsProbe {
  status: number;
  id: string | null;
}

const ModelsSchema = z.looseObject({ data: z.array(z.looseObject({ id: z.string() })) });

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

/**
 * Connect and send over the OpenAI-style image API. Subclasses decide the API generation and paths (`detect`)
 * and may route a request elsewhere (`sendTo`).
 */
export abstract class OpenAiImageAdapter implements BackendAdapter {
  readonly kind: BackendKind;
  readonly baseUrl: string;
  protected readonly http: HttpClient;
  protected readonly model: string | undefined;
  protected readonly options: AdapterOptions;
  protected info: ServerInfo = { model: null, generation: 'unknown', editPath: null, generatePath: null, notes: [] };
  private connected = false;

  constructor(kind: BackendKind, baseUrl: string, options: AdapterOptions) {
    this.kind = kind;
    this.http = new HttpClient(baseUrl, options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes });
    this.baseUrl = this.http.baseUrl;
    this.model = options.model === undefined || options.model.trim() === '' ? undefined : options.model.trim();
    this.options = options;
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
    return this.sendTo(path, isEdit, request, options);
  }

  /** Decide the API generation and the edit and generation paths into `this.info`. */
  protected abstract detect(models: ModelsProbe, signal: AbortSignal | undefined): Promise<void>;

  /** Send to the path detection chose; a subclass may fall back elsewhere. */
  protected sendTo(path: string, _isEdit: boolean, request: ImageRequest, options: SendOptions): Promise<ImageResponse> {
    return this.sendImagesApi(path, request, options);
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
      const parsed = ModelsSchema.safeParse(tryParseJson(res.body.toString('utf8')));
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

  // --- send ------------------------------------------------------------------------------------------------

  protected async post(path: string, encoded: EncodedBody, options: SendOptions): Promise<HttpResponse> {
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

  protected async sendImagesApi(path: string, request: ImageRequest, options: SendOptions): Promise<ImageResponse> {
    const encoded = path === PATHS.edits ? await buildEditMultipart(request, this.model) : jsonBody(buildGenerationJson(request, this.model));
    const res = await this.post(path, encoded, options);
    const ctx: ResponseContext = { method: 'POST', url: res.url, status: res.status };
    const json = parseJson(res.body.toString('utf8'), ctx);
    return this.respond(res, json, extractImagesApiImage(json, ctx), path);
  }

  /**
   * The result of one answer. e2e is the client's clock from issuing the request to the last byte of the answer
   * (http.ts): parsing, the base64 check, decoding and hashing happen after it stopped, so they are not timed.
   */
  protected respond(res: HttpResponse, json: unknown, image: DecodedImage, path: string): ImageResponse {
    const t = findServerTimings(json);
    return {
      image: image.bytes,
      mime: image.mime,
      stages: { ...serverStages(t), upload: res.timings.uploadMs, download: res.timings.downloadMs },
      e2eMs: res.timings.endedAt - res.timings.startedAt,
      ...(t.stageDurations === undefined ? {} : { serverStageDurations: t.stageDurations }),
      ...(t.baselineTimings === undefined ? {} : { serverTimings: t.baselineTimings }),
      peakMemoryMb: t.peakMemoryMb,
      endpoint: `POST ${path}`,
      ...(t.notes.length ? { notes: t.notes } : {}),
      imageCount: returnedImageCount(json),
      promptTokens: reportedPromptTokens(json),
    };
  }
}
