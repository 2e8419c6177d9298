/**
 * Protocol A: vLLM-Omni's OpenAI-style server (reference/vllm-omni-api.md).
 *
 * `current` (the newer servers): /health JSON, /v1/models, multipart /v1/images/edits, JSON /v1/images/generations,
 * /v1/chat/completions; per-request stage_durations and peak_memory_mb; FastAPI `{"detail"}` errors on the image
 * endpoints, nested `{"error":{…}}` on chat.
 * `legacy` (0.12-era): /health 200 with an empty body, /v1/models 500, no edits endpoint (404), a generations endpoint
 * that always fails with 500, chat only (parameters from a literal `extra_body` object only, no timings in the
 * content, flat error shape), one request at a time.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import { decodeBase64Strict, parseDataUrl, parseMultipart, readBody, sendJson, sendRaw } from './http-util.ts';
import { runPipelineA } from './pipeline-a.ts';
import {
  RequestError,
  type SimInput,
  type SimRequest,
  checkResponseFormat,
  checkSingleOutput,
  explicitSize,
  inspectImage,
  missingField,
  optBool,
  optFloat,
  optInt,
  optString,
  parseOutputFormat,
  pipelineSize,
  randomSeed,
} from './request.ts';
import { type ImageEndpoint, serveImage } from './serve-image.ts';
import { DEFAULT_GENERATION_SIZE, pipelineDefaultEditSize } from './sizes.ts';
import { MAX_SEED, type Dimensions } from '../../../shared/model.ts';

const DEFAULT_STEPS = 50;
const DEFAULT_TRUE_CFG = 4.0;

/** Models that take several input images (QwenImageEditPlusPipeline). */
export function acceptsMultipleImages(model: string): boolean {
  return /2509|2511/.test(model);
}

function serverHeader(ctx: SimContext): Record<string, string> {
  return { 'x-omni-review-simulator': `${ctx.kind}/${ctx.generation}` };
}

// ------------------------------------------------------------------------------------------------------------
// Error shapes
// ------------------------------------------------------------------------------------------------------------

/** FastAPI: HTTPException → {"detail": "..."}; request validation → 422 {"detail": [{type, loc, msg, input}]}. */
export function fastApiError(err: RequestError): { status: number; body: unknown } {
  if (err.validation) {
    return {
      status: 422,
      body: { detail: [{ type: err.validation.type, loc: ['body', err.field ?? 'body'], msg: err.validation.msg, input: err.validation.input }] },
    };
  }
  return { status: err.status, body: { detail: err.message } };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'BadRequestError',
  404: 'NotFoundError',
  413: 'BadRequestError',
  422: 'BadRequestError',
  500: 'InternalServerError',
  503: 'ServiceUnavailableError',
};

/** vLLM's ErrorResponse: nested {"error":{…}} on current servers, flat {"object":"error",…} on legacy ones. */
export function openAiError(generation: 'current' | 'legacy', err: RequestError): { status: number; body: unknown } {
  // vLLM turns request validation failures into 400 BadRequestError.
  const status = err.status === 422 ? 400 : err.status;
  const inner = { message: err.message, type: ERROR_TYPES[status] ?? 'InternalServerError', param: err.field ?? null, code: status };
  return { status, body: generation === 'current' ? { error: inner } : { object: 'error', ...inner } };
}

// ------------------------------------------------------------------------------------------------------------
// Routing
// ------------------------------------------------------------------------------------------------------------

const ROUTES: Record<string, string> = {
  '/health': 'GET',
  '/v1/models': 'GET',
  '/v1/images/edits': 'POST',
  '/v1/images/generations': 'POST',
  '/v1/chat/completions': 'POST',
};

export async function handleProtocolA(ctx: SimContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const headers = serverHeader(ctx);
  const legacy = ctx.generation === 'legacy';
  // The 0.12-era server has no edits route at all: 404 for every method (a 405 would say the route exists).
  const method = legacy && path === '/v1/images/edits' ? undefined : ROUTES[path];
  if (method === undefined) {
    await readBody(req).catch(() => undefined);
    return sendJson(res, 404, { detail: 'Not Found' }, headers);
  }
  if (req.method !== method) return sendJson(res, 405, { detail: 'Method Not Allowed' }, headers);

  switch (path) {
    case '/health':
      // The 0.12-era health check called a no-op: 200 with no body at all.
      return legacy ? sendRaw(res, 200, '', 'text/plain; charset=utf-8', headers) : sendJson(res, 200, { status: 'healthy' }, headers);
    case '/v1/models':
      if (legacy) return sendRaw(res, 500, 'Internal Server Error', 'text/plain; charset=utf-8', headers);
      return sendJson(
        res,
        200,
        { object: 'list', data: [{ id: ctx.model, object: 'model', created: 0, owned_by: 'vllm-omni', root: ctx.model, parent: null }] },
        headers,
      );
    case '/v1/images/edits':
      return serveImage(ctx, res, path, {
        parse: () => parseEdit(ctx, req),
        errorBody: fastApiError,
        run: async (job) => imagesResponse(job.request, await runPipelineA(ctx, job, job.request.outputFormat)),
        serial: false,
        headers: { ...headers, 'x-request-id': `img_edit-${randomUUID()}` },
      });
    case '/v1/images/generations':
      if (legacy) return legacyGenerations(req, res, headers);
      return serveImage(ctx, res, path, {
        parse: () => parseGeneration(ctx, req),
        errorBody: fastApiError,
        run: async (job) => imagesResponse(job.request, await runPipelineA(ctx, job, job.request.outputFormat)),
        serial: false,
        headers: { ...headers, 'x-request-id': `img_gen-${randomUUID()}` },
      });
    default:
      return serveImage(ctx, res, path, chatEndpoint(ctx, req, headers));
  }
}

/** The 0.12-era handler awaited an async generator, so every request failed after validation (reference §1a). */
async function legacyGenerations(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req)).toString('utf8'));
  } catch {
    return sendJson(res, 422, { detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} }] }, headers);
  }
  if (typeof body !== 'object' || body === null || typeof (body as { prompt?: unknown }).prompt !== 'string') {
    return sendJson(res, 422, { detail: [{ type: 'missing', loc: ['body', 'prompt'], msg: 'Field required', input: body }] }, headers);
  }
  return sendJson(res, 500, { detail: "Image generation failed: object async_generator can't be used in 'await' expression" }, headers);
}

function imagesResponse(r: SimRequest, out: Awaited<ReturnType<typeof runPipelineA>>): unknown {
  return {
    created: Math.floor(Date.now() / 1000),
    data: [{ b64_json: out.b64, url: null, revised_prompt: null }],
    output_format: r.outputFormat,
    size: r.requestedSize && r.requestedSize !== 'auto' ? r.requestedSize : `${r.width}x${r.height}`,
    metrics: { stage_durations: out.stageDurations, peak_memory_mb: out.peakMemoryMb },
  };
}

// ------------------------------------------------------------------------------------------------------------
// Parsing
// ------------------------------------------------------------------------------------------------------------

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req)).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new RequestError(422, `request body is not valid JSON: ${(err as Error).message}`, {
      field: 'body',
      validation: { type: 'json_invalid', msg: 'JSON decode error', input: {} },
    });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestError(422, 'request body must be a JSON object', {
      field: 'body',
      validation: { type: 'model_attributes_type', msg: 'Input should be a valid dictionary or object to extract fields from', input: body },
    });
  }
  return body as Record<string, unknown>;
}

function checkModel(ctx: SimContext, raw: unknown): void {
  const model = optString('model', raw);
  if (model !== undefined && model !== '' && model !== ctx.model) {
    throw new RequestError(400, `Model mismatch: request specifies '${model}' but the server serves '${ctx.model}'. Omit "model" or send the served name.`, {
      field: 'model',
    });
  }
}

interface CommonParams {
  negativePrompt: string | undefined;
  seed: number | undefined;
  steps: number | undefined;
  trueCfgScale: number | undefined;
}

function commonParams(get: (key: string) => unknown): CommonParams {
  optFloat('guidance_scale', get('guidance_scale'), 0, 20);
  return {
    negativePrompt: optString('negative_prompt', get('negative_prompt')),
    seed: optInt('seed', get('seed'), 0, MAX_SEED),
    steps: optInt('num_inference_steps', get('num_inference_steps'), 1, 200),
    trueCfgScale: optFloat('true_cfg_scale', get('true_cfg_scale'), 0, 20),
  };
}

/**
 * Current servers run true CFG only when a negative prompt is given (as diffusers does); the 0.12-era servers
 * defaulted the negative prompt to "" and so ran it whenever the scale was above 1, treating 0 as "use 4.0".
 */
function resolveCfg(generation: 'current' | 'legacy', p: CommonParams): { trueCfgScale: number; cfg: boolean } {
  if (generation === 'legacy') {
    const scale = p.trueCfgScale || DEFAULT_TRUE_CFG;
    return { trueCfgScale: scale, cfg: scale > 1 };
  }
  const scale = p.trueCfgScale ?? DEFAULT_TRUE_CFG;
  return { trueCfgScale: scale, cfg: p.negativePrompt !== undefined && scale > 1 };
}

function buildRequest(
  ctx: SimContext,
  prompt: string,
  p: CommonParams,
  size: Dimensions,
  requestedSize: string | null,
  inputs: SimInput[],
  outputFormat: SimRequest['outputFormat'],
): SimRequest {
  const out = pipelineSize(size);
  return {
    mode: inputs.length > 0 ? 'edit' : 'generate',
    prompt,
    negativePrompt: p.negativePrompt,
    seed: p.seed ?? randomSeed(),
    seedGiven: p.seed !== undefined,
    steps: p.steps ?? DEFAULT_STEPS,
    ...resolveCfg(ctx.generation, p),
    width: out.width,
    height: out.height,
    requestedSize,
    inputs,
    outputFormat,
  };
}

function checkImageCount(ctx: SimContext, count: number): void {
  if (count > 1 && !acceptsMultipleImages(ctx.model)) {
    throw new RequestError(400, 'Received multiple input images. Only a single image is supported by this model.', { field: 'image' });
  }
}

/** An image given by URL: data: URLs are decoded; the simulator never fetches http(s) URLs. */
async function imageFromUrl(url: string, label: string): Promise<SimInput> {
  if (/^https?:\/\//i.test(url)) {
    throw new RequestError(400, `${label}: the simulator never fetches remote images; send "${url.slice(0, 60)}" as a data: URL (data:image/png;base64,…) or an image upload`, {
      field: 'url',
    });
  }
  const data = parseDataUrl(url);
  if (!data) throw new RequestError(400, `${label}: not a base64 data: URL (expected data:image/png;base64,…)`, { field: 'url' });
  return inspectImage(data.bytes, label);
}

async function parseEdit(ctx: SimContext, req: IncomingMessage): Promise<SimRequest> {
  const contentType = req.headers['content-type'] ?? '';
  const body = await readBody(req);
  if (!/^multipart\/form-data/i.test(contentType)) {
    // FastAPI form endpoints see no fields at all in a JSON body.
    throw missingField('prompt');
  }
  let form: FormData;
  try {
    form = await parseMultipart(body, contentType);
  } catch (err) {
    throw new RequestError(400, `There was an error parsing the body: ${(err as Error).message}`);
  }
  const field = (key: string): unknown => {
    const v = form.get(key);
    return v === null ? undefined : v;
  };
  const text = (key: string): unknown => {
    const v = field(key);
    if (v !== undefined && typeof v !== 'string') {
      throw new RequestError(422, `field "${key}" must be a text field, not a file`, {
        field: key,
        validation: { type: 'string_type', msg: 'Input should be a valid string', input: '<file>' },
      });
    }
    return v;
  };

  const prompt = optString('prompt', text('prompt'));
  if (prompt === undefined || prompt === '') throw missingField('prompt');
  checkModel(ctx, text('model'));
  checkSingleOutput('n', optInt('n', text('n'), 1, 10));
  checkResponseFormat(text('response_format'));
  if (optBool('stream', text('stream'))) {
    throw new RequestError(400, 'Streaming is only supported for multi-stage pipelines; Qwen-Image-Edit is single-stage. Send stream=false.', {
      field: 'stream',
    });
  }
  const outputFormat = parseOutputFormat(text('output_format'));
  const params = commonParams(text);
  const sizeText = optString('size', text('size'));
  const size = explicitSize(sizeText);

  const sources: Array<{ kind: 'file'; file: File; label: string } | { kind: 'url'; url: string; label: string }> = [];
  let fileIndex = 0;
  let urlIndex = 0;
  for (const [key, value] of form.entries()) {
    if (key === 'image' || key === 'image[]') {
      const label = `image[${fileIndex++}]`;
      if (typeof value === 'string') {
        throw new RequestError(422, `${label} must be a file upload, not a text field`, {
          field: key,
          validation: { type: 'value_error', msg: "Value error, Expected UploadFile, received: <class 'str'>", input: value.slice(0, 40) },
        });
      }
      sources.push({ kind: 'file', file: value, label: value.name ? `${label} (${value.name})` : label });
    } else if (key === 'url' || key === 'url[]') {
      if (typeof value !== 'string') throw new RequestError(400, `url[${urlIndex}] must be a text field`, { field: key });
      sources.push({ kind: 'url', url: value, label: `url[${urlIndex++}]` });
    }
  }
  if (sources.length === 0) throw new RequestError(422, "Field 'image' or 'url' is required", { field: 'image' });
  checkImageCount(ctx, sources.length);
  const inputs: SimInput[] = [];
  for (const s of sources) {
    inputs.push(s.kind === 'file' ? await inspectImage(Buffer.from(await s.file.arrayBuffer()), s.label) : await imageFromUrl(s.url, s.label));
  }
  const first = inputs[0]!;
  const dims = size === null || size === 'auto' ? { width: first.width, height: first.height } : size;
  return buildRequest(ctx, prompt, params, dims, sizeText ?? null, inputs, outputFormat);
}

async function parseGeneration(ctx: SimContext, req: IncomingMessage): Promise<SimRequest> {
  const body = await readJson(req);
  const prompt = optString('prompt', body.prompt);
  if (prompt === undefined || prompt === '') throw missingField('prompt');
  checkModel(ctx, body.model);
  checkSingleOutput('n', optInt('n', body.n, 1, 10));
  checkResponseFormat(body.response_format);
  const outputFormat = parseOutputFormat(body.output_format);
  const params = commonParams((k) => body[k]);
  const sizeText = optString('size', body.size);
  const size = explicitSize(sizeText);
  const dims = size === null || size === 'auto' ? DEFAULT_GENERATION_SIZE : size;
  return buildRequest(ctx, prompt, params, dims, sizeText ?? null, [], outputFormat);
}

// ------------------------------------------------------------------------------------------------------------
// Chat completions (both generations)
// ------------------------------------------------------------------------------------------------------------

const EXTRA_KEYS = [
  'height',
  'width',
  'size',
  'num_inference_steps',
  'guidance_scale',
  'true_cfg_scale',
  'cfg_scale',
  'seed',
  'negative_prompt',
  'num_outputs_per_prompt',
] as const;

interface ChatParsed {
  request: SimRequest;
  words: number;
}

function chatEndpoint(ctx: SimContext, req: IncomingMessage, headers: Record<string, string>): ImageEndpoint {
  let words = 0;
  return {
    parse: async () => {
      const parsed = await parseChat(ctx, req);
      words = parsed.words;
      return parsed.request;
    },
    errorBody: (err) => openAiError(ctx.generation, err),
    run: async (job) => {
      const out = await runPipelineA(ctx, job, 'png');
      const item: Record<string, unknown> = { type: 'image_url', image_url: { url: `data:image/png;base64,${out.b64}` } };
      if (ctx.generation === 'current') {
        item.stage_durations = out.stageDurations;
        item.peak_memory_mb = out.peakMemoryMb;
      }
      const response: Record<string, unknown> = {
        id: `chatcmpl-${randomBytes(8).toString('hex')}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: ctx.model,
        choices: [{ index: 0, message: { role: 'assistant', content: [item] }, logprobs: null, finish_reason: 'stop', stop_reason: null }],
        usage: { prompt_tokens: words, completion_tokens: 1, total_tokens: words + 1 },
      };
      if (ctx.generation === 'current') response.metrics = null;
      return response;
    },
    // The 0.12-era engine ran on a one-thread executor.
    serial: ctx.generation === 'legacy',
    headers,
  };
}

async function parseChat(ctx: SimContext, req: IncomingMessage): Promise<ChatParsed> {
  let body: Record<string, unknown>;
  try {
    body = await readJson(req);
  } catch (err) {
    if (err instanceof RequestError) throw new RequestError(400, err.message);
    throw err;
  }
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new RequestError(400, 'messages: a non-empty list of chat messages is required', { field: 'messages' });
  }
  const texts: string[] = [];
  const inputs: SimInput[] = [];
  for (const [mi, message] of messages.entries()) {
    if (typeof message !== 'object' || message === null) throw new RequestError(400, `messages[${mi}] must be an object`, { field: 'messages' });
    const { role, content } = message as { role?: unknown; content?: unknown };
    // Only user messages count: system and assistant turns (earlier outputs included) are ignored.
    if (role !== 'user') continue;
    if (typeof content === 'string') {
      texts.push(content);
      continue;
    }
    if (!Array.isArray(content)) continue;
    for (const [ci, part] of content.entries()) {
      if (typeof part !== 'object' || part === null) continue;
      const p = part as Record<string, unknown>;
      const label = `messages[${mi}].content[${ci}]`;
      if (typeof p.text === 'string' && (p.type === 'text' || p.type === undefined)) texts.push(p.text);
      else if (p.type === 'image_url') {
        const iu = p.image_url;
        const url = typeof iu === 'string' ? iu : typeof iu === 'object' && iu !== null ? (iu as { url?: unknown }).url : undefined;
        // Remote URLs are skipped without a word, as the real server does: only data:image URLs are read.
        if (typeof url === 'string' && url.startsWith('data:image')) {
          const data = parseDataUrl(url);
          if (!data) throw new RequestError(400, `${label}: the image data URL is not base64`, { field: 'messages' });
          inputs.push(await inspectImage(data.bytes, label));
        }
      } else if (typeof p.image === 'string') {
        const bytes = decodeBase64Strict(p.image);
        if (!bytes) throw new RequestError(400, `${label}: "image" must be raw base64`, { field: 'messages' });
        inputs.push(await inspectImage(bytes, label));
      }
    }
  }
  const prompt = texts.join(' ').trim();
  if (prompt === '') throw new RequestError(400, 'No text prompt found in the user messages', { field: 'messages' });

  const extra = typeof body.extra_body === 'object' && body.extra_body !== null && !Array.isArray(body.extra_body) ? (body.extra_body as Record<string, unknown>) : {};
  // Current servers fall back to top-level extra fields (what the OpenAI SDK sends); 0.12-era ones read extra_body only.
  const get = (key: string): unknown => (key in extra ? extra[key] : ctx.generation === 'current' && (EXTRA_KEYS as readonly string[]).includes(key) ? body[key] : undefined);
  checkSingleOutput('num_outputs_per_prompt', optInt('num_outputs_per_prompt', get('num_outputs_per_prompt'), 1, 10));
  const params = commonParams(get);
  if (params.trueCfgScale === undefined && ctx.generation === 'current') params.trueCfgScale = optFloat('cfg_scale', get('cfg_scale'), 0, 20);
  const sizeText = optString('size', get('size'));
  const explicit = explicitSize(sizeText);
  const height = optInt('height', get('height'), 16, 1 << 16);
  const width = optInt('width', get('width'), 16, 1 << 16);
  const first = inputs[0];
  const fallback = first ? pipelineDefaultEditSize(first) : DEFAULT_GENERATION_SIZE;
  const dims =
    explicit !== null && explicit !== 'auto'
      ? explicit
      : height !== undefined || width !== undefined
        ? { width: width ?? fallback.width, height: height ?? fallback.height }
        : fallback;
  return {
    request: buildRequest(ctx, prompt, params, dims, sizeText ?? null, inputs, 'png'),
    words: prompt.split(/\s+/).filter(Boolean).length,
  };
}
