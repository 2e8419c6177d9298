/**
 * Protocol A: vLLM-Omni's OpenAI-style server (reference/vllm-omni-api.md).
 *
 * `current` (the newer servers): /health JSON, /v1/models, multipart /v1/images/edits, JSON /v1/images/generations,
 * /v1/chat/completions; per-request stage_durations and peak_memory_mb; FastAPI `{"detail"}` errors on the image
 * endpoints, nested `{"error":{…}}` on chat.
 * `legacy` (0.12-era): /health 200 with an empty body, /v1/models 500, no edits endpoint (404), a generations endpoint
 * that always fails with 500, chat only (parameters from a literal `extra_body` object only, no timings in the
 * content, flat error shape), one request at a time.
 *
 * This file routes and answers; request parsing is in protocol-a-request.ts, chat completions in
 * protocol-a-chat.ts, the error bodies in protocol-a-errors.ts.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import { readBody, sendJson, sendRaw } from './http-util.ts';
import { runPipelineA } from './pipeline-a.ts';
import { chatEndpoint } from './protocol-a-chat.ts';
import { fastApiError } from './protocol-a-errors.ts';
import { parseEdit, parseGeneration } from './protocol-a-request.ts';
import type { SimRequest } from './request.ts';
import { copies, serveImage } from './serve-image.ts';

function serverHeader(ctx: SimContext): Record<string, string> {
  return { 'x-omni-review-simulator': `${ctx.kind}/${ctx.generation}` };
}

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
    data: copies(out.b64, r.n),
    output_format: r.outputFormat,
    size: r.requestedSize && r.requestedSize !== 'auto' ? r.requestedSize : `${r.width}x${r.height}`,
    metrics: { stage_durations: out.stageDurations, peak_memory_mb: out.peakMemoryMb },
  };
}
