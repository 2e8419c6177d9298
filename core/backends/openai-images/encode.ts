/**
 * Request bodies of the OpenAI-style image API (pure): the multipart edit, the JSON generation and the
 * chat-completions body that vLLM-Omni's older servers need. Nothing here does I/O.
 */
import { parseSize } from '../../../shared/model.ts';
import type { ImageRequest } from '../types.ts';

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
  form.append('n', String(request.n ?? 1));
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
    n: request.n ?? 1,
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
      num_outputs_per_prompt: request.n ?? 1,
    },
  };
}

/** A JSON request body. */
export function jsonBody(value: unknown): EncodedBody {
  return { body: new TextEncoder().encode(JSON.stringify(value)), contentType: 'application/json' };
}
