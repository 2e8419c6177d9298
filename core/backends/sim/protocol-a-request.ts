/**
 * Protocol A's request parsing for the image endpoints (multipart edits, JSON generations) and the parameter
 * rules every route shares (model check, CFG defaults per generation, image count per model).
 */
import type { IncomingMessage } from 'node:http';
import type { SimContext } from './context.ts';
import { parseDataUrl, parseMultipart, readBody } from './http-util.ts';
import {
  RequestError,
  type SimInput,
  type SimRequest,
  checkResponseFormat,
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
import { DEFAULT_GENERATION_SIZE } from './sizes.ts';
import { MAX_SEED, type Dimensions } from '../../../shared/model.ts';

const DEFAULT_STEPS = 50;
const DEFAULT_TRUE_CFG = 4.0;

/** Models that take several input images (QwenImageEditPlusPipeline). */
export function acceptsMultipleImages(model: string): boolean {
  return /2509|2511/.test(model);
}

/** A JSON object body, with FastAPI's 422 shapes for anything else. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
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

export function checkModel(ctx: SimContext, raw: unknown): void {
  const model = optString('model', raw);
  if (model !== undefined && model !== '' && model !== ctx.model) {
    throw new RequestError(400, `Model mismatch: request specifies '${model}' but the server serves '${ctx.model}'. Omit "model" or send the served name.`, {
      field: 'model',
    });
  }
}

export interface CommonParams {
  negativePrompt: string | undefined;
  seed: number | undefined;
  steps: number | undefined;
  trueCfgScale: number | undefined;
}

export function commonParams(get: (key: string) => unknown): CommonParams {
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

export function buildRequest(
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

export function checkImageCount(ctx: SimContext, count: number): void {
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

export async function parseEdit(ctx: SimContext, req: IncomingMessage): Promise<SimRequest> {
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
  const n = optInt('n', text('n'), 1, 10) ?? 1;
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
  return { ...buildRequest(ctx, prompt, params, dims, sizeText ?? null, inputs, outputFormat), n };
}

export async function parseGeneration(ctx: SimContext, req: IncomingMessage): Promise<SimRequest> {
  const body = await readJson(req);
  const prompt = optString('prompt', body.prompt);
  if (prompt === undefined || prompt === '') throw missingField('prompt');
  checkModel(ctx, body.model);
  const n = optInt('n', body.n, 1, 10) ?? 1;
  checkResponseFormat(body.response_format);
  const outputFormat = parseOutputFormat(body.output_format);
  const params = commonParams((k) => body[k]);
  const sizeText = optString('size', body.size);
  const size = explicitSize(sizeText);
  const dims = size === null || size === 'auto' ? DEFAULT_GENERATION_SIZE : size;
  return { ...buildRequest(ctx, prompt, params, dims, sizeText ?? null, [], outputFormat), n };
}
