/**
 * Protocol A's /v1/chat/completions (both generations): text and data: URL images from the user messages,
 * generation parameters from a literal `extra_body` (and, on current servers, the top level), the image back as
 * a data: URL content item (with stage timings on current servers).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { SimContext } from './context.ts';
import { decodeBase64Strict, parseDataUrl } from './http-util.ts';
import { runPipelineA } from './pipeline-a.ts';
import { openAiError } from './protocol-a-errors.ts';
import { buildRequest, commonParams, readJson } from './protocol-a-request.ts';
import { RequestError, type SimInput, type SimRequest, checkSingleOutput, explicitSize, inspectImage, optFloat, optInt, optString } from './request.ts';
import type { ImageEndpoint } from './serve-image.ts';
import { DEFAULT_GENERATION_SIZE, pipelineDefaultEditSize } from './sizes.ts';

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

export function chatEndpoint(ctx: SimContext, req: IncomingMessage, headers: Record<string, string>): ImageEndpoint {
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
