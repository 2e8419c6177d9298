/**
 * Protocol B: our diffusers baseline server (reference/diffusers-qwen-image-edit.md §6). vLLM-Omni's endpoints and
 * field names, plus /v1/baseline/info, `metrics.timings` (ms), `stage_durations` under the profiler's keys and a
 * `baseline` block. Errors are `{"detail": "..."}`. One request at a time, first come first served.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import { decodeBase64Strict, parseDataUrl, parseMultipart, readBody, sendJson } from './http-util.ts';
import { runPipelineB } from './pipeline-b.ts';
import {
  RequestError,
  type SimInput,
  type SimRequest,
  checkResponseFormat,
  explicitSize,
  inspectImage,
  optBool,
  optFloat,
  optInt,
  optString,
  parseOutputFormat,
  pipelineSize,
  randomSeed,
} from './request.ts';
import { copies, serveImage } from './serve-image.ts';
import { DEFAULT_GENERATION_SIZE, calculateDimensions } from './sizes.ts';
import { acceptsMultipleImages } from './protocol-a-request.ts';
import { MAX_SEED } from '../../../shared/model.ts';


export const BASELINE_VERSIONS = { diffusers: '0.40.0 (simulated)', transformers: '5.17.0 (simulated)', torch: '2.11.0 (simulated)' };

export function editPipelineClass(model: string): string {
  return acceptsMultipleImages(model) ? 'QwenImageEditPlusPipeline' : 'QwenImageEditPipeline';
}

/** Every failure is a plain `{"detail": "..."}`; type and range problems are 400, missing prompt or image 422. */
function baselineError(err: RequestError): { status: number; body: unknown } {
  const status = err.status === 422 && err.validation ? (err.validation.type === 'missing' ? 422 : 400) : err.status;
  return { status, body: { detail: err.message } };
}

function headers(ctx: SimContext): Record<string, string> {
  return { 'x-omni-review-simulator': `${ctx.kind}/baseline` };
}

function info(ctx: SimContext): unknown {
  return {
    pipeline: editPipelineClass(ctx.model),
    pipelines: { edit: editPipelineClass(ctx.model), generate: 'QwenImagePipeline' },
    model: ctx.model,
    simulated: true,
    tiny: false,
    dtype: 'bfloat16',
    device: 'simulated (no GPU)',
    attention_backend: 'native',
    compiled: false,
    cpu_offload: false,
    mm_token_type_ids_fix: false,
    versions: BASELINE_VERSIONS,
    semantics: {
      cfg: 'true CFG runs only when true_cfg_scale > 1 and a negative_prompt is given (two transformer passes per step)',
      size_auto: 'edits: 1024*1024 pixel area at the aspect ratio of the first input (the last one for EditPlus), sides rounded to 32; generation: 1024x1024',
      size_multiple: 'width and height are floored to multiples of 16',
      rgb_conversion: 'inputs converted to RGB (alpha flattened onto white)',
      seed: 'missing seed: a random one is chosen and echoed in baseline.seed',
      generator_device: 'cuda by default, as vLLM-Omni',
      timing: 'simulated: modelled stage durations scaled by the simulator time scale; reported values are the time actually spent',
      concurrency: 'one request at a time, first come first served; queue_wait is the real wait',
      time_scale: ctx.timeScale,
    },
  };
}

export async function handleProtocolB(ctx: SimContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const h = headers(ctx);
  const routes: Record<string, string> = {
    '/health': 'GET',
    '/v1/models': 'GET',
    '/v1/baseline/info': 'GET',
    '/v1/images/edits': 'POST',
    '/v1/images/generations': 'POST',
  };
  const method = routes[path];
  if (method === undefined) return sendJson(res, 404, { detail: `Not Found: ${req.method} ${path}` }, h);
  if (req.method !== method) return sendJson(res, 405, { detail: `Method Not Allowed: ${req.method} ${path} (use ${method})` }, h);
  switch (path) {
    case '/health':
      return sendJson(res, 200, { status: 'healthy' }, h);
    case '/v1/models':
      return sendJson(res, 200, { object: 'list', data: [{ id: ctx.model, object: 'model', owned_by: 'diffusers-baseline' }] }, h);
    case '/v1/baseline/info':
      return sendJson(res, 200, info(ctx), h);
    default: {
      const isEdit = path === '/v1/images/edits';
      let extras: BaselineExtras = { generatorDevice: 'cuda', stepTimings: true, conditionSize: null };
      return serveImage(ctx, res, path, {
        parse: async () => {
          const parsed = isEdit ? await parseEdit(ctx, req) : await parseGeneration(ctx, req);
          extras = parsed.extras;
          return parsed.request;
        },
        errorBody: baselineError,
        run: async (job) => {
          const r = job.request;
          const pipeline = isEdit ? editPipelineClass(ctx.model) : 'QwenImagePipeline';
          const out = await runPipelineB(ctx, job, { pipeline, stepTimings: extras.stepTimings, conditionSize: extras.conditionSize });
          return {
            created: Math.floor(Date.now() / 1000),
            data: copies(out.b64, r.n),
            output_format: r.outputFormat,
            size: `${r.width}x${r.height}`,
            metrics: {
              stage_durations: out.stageDurations,
              peak_memory_mb: out.peakMemoryMb,
              peak_memory_allocated_mb: out.peakMemoryAllocatedMb,
              preprocess_time_ms: out.timings.preprocess,
              postprocess_time_ms: out.timings.postprocess,
              timings: out.timings,
            },
            baseline: {
              pipeline,
              simulated: true,
              seed: r.seed,
              generator_device: extras.generatorDevice,
              cfg: r.cfg,
              true_cfg_scale: r.trueCfgScale,
              num_inference_steps: r.steps,
              width: r.width,
              height: r.height,
              condition_size: out.conditionSize,
              image_seq_len: out.imageSeqLen,
              text_seq_len: out.textSeqLen,
            },
          };
        },
        serial: true,
        headers: h,
      });
    }
  }
}

interface BaselineExtras {
  generatorDevice: 'cuda' | 'cpu';
  stepTimings: boolean;
  conditionSize: [number, number] | null;
}

interface Fields {
  get(key: string): unknown;
  inputs: Array<{ bytes: Buffer; label: string } | { url: string; label: string }>;
}

async function readFields(req: IncomingMessage, allowImages: boolean): Promise<Fields> {
  const contentType = req.headers['content-type'] ?? '';
  const body = await readBody(req);
  if (/^multipart\/form-data/i.test(contentType)) {
    let form: FormData;
    try {
      form = await parseMultipart(body, contentType);
    } catch (err) {
      throw new RequestError(400, `could not parse the multipart body: ${(err as Error).message}`);
    }
    const inputs: Fields['inputs'] = [];
    let n = 0;
    for (const [key, value] of form.entries()) {
      if (!allowImages) break;
      if (key === 'image' || key === 'image[]') {
        const label = `image[${n++}]`;
        if (typeof value === 'string') throw new RequestError(400, `${label} must be a file upload, not a text field`, { field: 'image' });
        inputs.push({ bytes: Buffer.from(await value.arrayBuffer()), label: value.name ? `${label} (${value.name})` : label });
      } else if (key === 'url' || key === 'url[]') {
        if (typeof value === 'string') inputs.push({ url: value, label: `url[${n++}]` });
      }
    }
    return {
      get: (key) => {
        const v = form.get(key);
        if (v !== null && typeof v !== 'string') throw new RequestError(400, `field "${key}" must be a text field, not a file`, { field: key });
        return v ?? undefined;
      },
      inputs,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new RequestError(400, `request body is neither multipart/form-data nor valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new RequestError(400, 'request body must be a JSON object');
  const obj = json as Record<string, unknown>;
  const inputs: Fields['inputs'] = [];
  if (allowImages) {
    const list = obj.images ?? obj.image;
    const items = list === undefined || list === null ? [] : Array.isArray(list) ? list : [list];
    for (const [i, item] of items.entries()) {
      const label = `images[${i}]`;
      if (typeof item !== 'string') throw new RequestError(400, `${label} must be a base64 string or a data: URL`, { field: 'images' });
      if (item.startsWith('data:')) inputs.push({ url: item, label });
      else {
        const bytes = decodeBase64Strict(item);
        if (!bytes) throw new RequestError(400, `${label} is not valid base64`, { field: 'images' });
        inputs.push({ bytes, label });
      }
    }
  }
  return { get: (key) => obj[key], inputs };
}

interface Parsed {
  request: SimRequest;
  extras: BaselineExtras;
}

function commonFields(ctx: SimContext, f: Fields): Omit<SimRequest, 'mode' | 'width' | 'height' | 'requestedSize' | 'inputs'> & {
  extras: Omit<BaselineExtras, 'conditionSize'>;
  sizeText: string | undefined;
} {
  const prompt = optString('prompt', f.get('prompt'));
  if (prompt === undefined || prompt.trim() === '') throw new RequestError(422, 'Field "prompt" is required', { field: 'prompt' });
  const model = optString('model', f.get('model'));
  if (model !== undefined && model !== '' && model !== ctx.model) {
    throw new RequestError(400, `Model mismatch: request specifies '${model}' but the server serves '${ctx.model}'`, { field: 'model' });
  }
  const n = optInt('n', f.get('n'), 1, 10) ?? 1;
  checkResponseFormat(f.get('response_format'));
  optFloat('guidance_scale', f.get('guidance_scale'), 0, 20);
  optInt('max_sequence_length', f.get('max_sequence_length'), 1, 1024);
  const generatorDevice = optString('generator_device', f.get('generator_device')) ?? 'cuda';
  if (generatorDevice !== 'cuda' && generatorDevice !== 'cpu') {
    throw new RequestError(400, `generator_device must be "cuda" or "cpu", got "${generatorDevice}"`, { field: 'generator_device' });
  }
  const timing = optString('timing', f.get('timing')) ?? 'sync';
  if (!['sync', 'events', 'off'].includes(timing)) throw new RequestError(400, `timing must be "sync", "events" or "off", got "${timing}"`, { field: 'timing' });
  const negativePrompt = optString('negative_prompt', f.get('negative_prompt'));
  const trueCfgScale = optFloat('true_cfg_scale', f.get('true_cfg_scale'), 0, 20) ?? 4.0;
  const seed = optInt('seed', f.get('seed'), 0, MAX_SEED);
  return {
    prompt,
    negativePrompt,
    seed: seed ?? randomSeed(),
    seedGiven: seed !== undefined,
    steps: optInt('num_inference_steps', f.get('num_inference_steps'), 1, 200) ?? 50,
    trueCfgScale,
    // diffusers' rule (PR #12223): CFG needs a negative prompt and a scale above 1.
    cfg: negativePrompt !== undefined && trueCfgScale > 1,
    outputFormat: parseOutputFormat(f.get('output_format')),
    n,
    extras: { generatorDevice, stepTimings: optBool('step_timings', f.get('step_timings')) ?? true },
    sizeText: optString('size', f.get('size')),
  };
}

async function parseEdit(ctx: SimContext, req: IncomingMessage): Promise<Parsed> {
  const f = await readFields(req, true);
  const { extras, sizeText, ...common } = commonFields(ctx, f);
  if (f.inputs.length === 0) {
    throw new RequestError(422, 'Field "image" is required: send at least one input image (multipart "image", or JSON "images" as base64)', {
      field: 'image',
    });
  }
  const plus = acceptsMultipleImages(ctx.model);
  if (f.inputs.length > 1 && !plus) {
    throw new RequestError(400, `${editPipelineClass(ctx.model)} takes exactly one input image, got ${f.inputs.length}; serve a 2509/2511 model for several`, {
      field: 'image',
    });
  }
  const inputs: SimInput[] = [];
  for (const src of f.inputs) {
    if ('bytes' in src) inputs.push(await inspectImage(src.bytes, src.label));
    else {
      if (/^https?:/i.test(src.url)) throw new RequestError(400, `${src.label}: remote URLs are not fetched; send the image itself`, { field: 'image' });
      const data = parseDataUrl(src.url);
      if (!data) throw new RequestError(400, `${src.label}: not a base64 data: URL`, { field: 'image' });
      inputs.push(await inspectImage(data.bytes, src.label));
    }
  }
  // EditPlus sizes from the last image, Edit from the (only) first one.
  const ref = plus ? inputs[inputs.length - 1]! : inputs[0]!;
  const condition = calculateDimensions(1024 * 1024, ref.width / ref.height);
  const explicit = explicitSize(sizeText);
  const out = pipelineSize(explicit === null || explicit === 'auto' ? condition : explicit);
  return {
    request: { ...common, mode: 'edit', width: out.width, height: out.height, requestedSize: sizeText ?? null, inputs },
    extras: { ...extras, conditionSize: [condition.width, condition.height] },
  };
}

async function parseGeneration(ctx: SimContext, req: IncomingMessage): Promise<Parsed> {
  const f = await readFields(req, false);
  const { extras, sizeText, ...common } = commonFields(ctx, f);
  const explicit = explicitSize(sizeText);
  const out = pipelineSize(explicit === null || explicit === 'auto' ? DEFAULT_GENERATION_SIZE : explicit);
  return {
    request: { ...common, mode: 'generate', width: out.width, height: out.height, requestedSize: sizeText ?? null, inputs: [] },
    extras: { ...extras, conditionSize: null },
  };
}
