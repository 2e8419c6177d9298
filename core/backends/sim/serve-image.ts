/**
 * The life of one image request, common to every image endpoint of both protocols: parse → decide faults → (queue)
 * → run the pipeline → deliver, with faults injected at the points a real failure would happen.
 */
import type { ServerResponse } from 'node:http';
import { type SimContext, nextAttempt, shownTextOf } from './context.ts';
import { decideFaults } from './faults.ts';
import { ClientGoneError, type Lifecycle, SimClosedError } from './lifecycle.ts';
import { RequestError, type SimRequest, requestIdentity } from './request.ts';
import { sendRaw } from './http-util.ts';
import type { RenderJob } from './render.ts';
import type { FaultName } from './types.ts';

export interface ImageJob {
  request: SimRequest;
  identity: string;
  attempt: number;
  faults: ReadonlySet<FaultName>;
  /** Aborts when the client closes the connection. */
  signal: AbortSignal;
  /** performance.now() when the request arrived. */
  arrivedAt: number;
  /** performance.now() when the body was read and parsed. */
  parsedAt: number;
  /** Time spent waiting for the FIFO gate (0 where requests run concurrently). */
  queueWaitMs: number;
  /** Whether an earlier request already ran the pipeline. */
  warm: boolean;
}

/**
 * What the image renderer needs from a request: its content, identity, the faults to draw in, and the text its
 * first input shows when this server drew it (a chain's earlier turn).
 */
export function renderJobOf(ctx: SimContext, job: ImageJob): RenderJob {
  const r = job.request;
  const sourceText = shownTextOf(ctx, r.inputs[0]?.bytes);
  return {
    kind: ctx.kind,
    prompt: r.prompt,
    seed: r.seed,
    width: r.width,
    height: r.height,
    inputs: r.inputs.map((i) => i.bytes),
    identity: job.identity,
    faults: { typo: job.faults.has('typo'), blank: job.faults.has('blank'), wrongSize: job.faults.has('wrong-size') },
    ...(sourceText ? { sourceText } : {}),
  };
}

export interface ImageEndpoint {
  /** Read and validate the request. Throws RequestError for what the client must fix. */
  parse(): Promise<SimRequest>;
  /** The protocol's error status and body for a RequestError. */
  errorBody(err: RequestError): { status: number; body: unknown };
  /** Run the pipeline; returns the JSON body of a successful response. */
  run(job: ImageJob): Promise<unknown>;
  /** Serve one request at a time (first come, first served). */
  serial: boolean;
  headers?: Record<string, string>;
}

/** How long a "slow-body" fault trickles the body: a few seconds × timeScale × 100. */
export function slowBodyMs(timeScale: number): number {
  return 3000 * timeScale * 100;
}

const SLOW_BODY_CHUNKS = 12;

export async function serveImage(ctx: SimContext, res: ServerResponse, path: string, endpoint: ImageEndpoint): Promise<void> {
  const arrivedAt = performance.now();
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const headers = { ...endpoint.headers };

  let request: SimRequest;
  try {
    request = await endpoint.parse();
  } catch (err) {
    if (err instanceof RequestError) {
      const { status, body } = endpoint.errorBody(err);
      sendRaw(res, status, JSON.stringify(body), 'application/json', headers);
      return;
    }
    throw err;
  }
  const parsedAt = performance.now();
  const identity = requestIdentity(request);
  const attempt = nextAttempt(ctx, identity);
  const faults = decideFaults(ctx.faults, identity, attempt, ctx.kind);
  for (const f of faults) {
    ctx.faultCounts.set(f, (ctx.faultCounts.get(f) ?? 0) + 1);
    ctx.emit({ type: 'fault', fault: f, path, attempt });
  }

  if (faults.has('timeout')) {
    // Never answer: the client gives up, or close() destroys the socket.
    ctx.hanging.add(res);
    res.on('close', () => ctx.hanging.delete(res));
    return;
  }
  if (faults.has('5xx')) {
    const { status, body } = endpoint.errorBody(
      new RequestError(503, 'Simulated fault "5xx": the server is temporarily unavailable; retry the request'),
    );
    sendRaw(res, status, JSON.stringify(body), 'application/json', headers);
    return;
  }
  const slow = faults.has('slow-body');
  if (slow) {
    res.writeHead(200, { ...headers, 'content-type': 'application/json' });
    res.flushHeaders();
  }

  let text: string;
  try {
    let release: (() => void) | undefined;
    const queuedAt = performance.now();
    if (endpoint.serial) release = await ctx.gate.acquire(abort.signal);
    const queueWaitMs = endpoint.serial ? performance.now() - queuedAt : 0;
    try {
      const warm = ctx.runs > 0;
      ctx.runs++;
      const body = await endpoint.run({ request, identity, attempt, faults, signal: abort.signal, arrivedAt, parsedAt, queueWaitMs, warm });
      text = JSON.stringify(body);
    } finally {
      release?.();
    }
  } catch (err) {
    if (err instanceof RequestError) {
      const { status, body } = endpoint.errorBody(err);
      // With slow-body the 200 is already out: the error can only travel in the body.
      if (slow) res.end(JSON.stringify(body));
      else sendRaw(res, status, JSON.stringify(body), 'application/json', headers);
      return;
    }
    throw err;
  }

  if (faults.has('malformed-json')) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  if (slow) await trickle(ctx.life, res, text, slowBodyMs(ctx.timeScale), abort.signal);
  else sendRaw(res, 200, text, 'application/json', headers);
}

async function trickle(life: Lifecycle, res: ServerResponse, text: string, totalMs: number, signal: AbortSignal): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  const chunk = Math.ceil(bytes.length / SLOW_BODY_CHUNKS);
  for (let i = 0; i < SLOW_BODY_CHUNKS; i++) {
    await life.sleep(totalMs / SLOW_BODY_CHUNKS, signal);
    res.write(bytes.subarray(i * chunk, (i + 1) * chunk));
  }
  res.end();
}

/** Errors that end a request quietly: the simulator closed or the client left. */
export function isShutdownError(err: unknown): boolean {
  return err instanceof SimClosedError || err instanceof ClientGoneError;
}

/**
 * The `data` list of an images answer for `n` images: the one rendered image n times. Rendering n distinct images
 * would cost the 2-core test machine real CPU for nothing the speed review reads; the timing model charges for n.
 */
export function copies(b64: string, n: number | undefined): Array<{ b64_json: string; url: null; revised_prompt: null }> {
  return Array.from({ length: Math.max(1, n ?? 1) }, () => ({ b64_json: b64, url: null, revised_prompt: null }));
}
