/**
 * startSimServer: a loopback HTTP server speaking protocol A (vLLM-Omni) or B (the diffusers baseline).
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SimContext, createContext, snapshotStats } from './context.ts';
import { BodyTooLargeError, pathOf, sendJson } from './http-util.ts';
import { SimClosedError } from './lifecycle.ts';
import { handleProtocolA } from './protocol-a.ts';
import { openAiError } from './protocol-a-errors.ts';
import { handleProtocolB } from './protocol-b.ts';
import { RequestError } from './request.ts';
import { isShutdownError } from './serve-image.ts';
import { DEFAULT_TIME_SCALE } from './defaults.ts';
import { FAULT_NAMES, type FaultProfile, type SimOptions, type SimServer } from './types.ts';

export const DEFAULT_SIM_MODEL = 'Qwen/Qwen-Image-Edit';
/**
 * 0.05: a 1024² edit that takes ~23 s on the real baseline takes ~1 s here, so the modelled stage shapes (B's
 * queueing, A's shared denoise) stay larger than the simulators' own image work, and the demo suite still
 * finishes in about a minute on 2 cores.
 */
export { DEFAULT_TIME_SCALE };

function checkOptions(options: SimOptions): { timeScale: number; faults: FaultProfile } {
  const timeScale = options.timeScale ?? DEFAULT_TIME_SCALE;
  if (!Number.isFinite(timeScale) || timeScale < 0) {
    throw new Error(`simulator timeScale must be a number ≥ 0 (1 = real-world seconds), got ${timeScale}`);
  }
  const faults: FaultProfile = {};
  for (const [name, p] of Object.entries(options.faults ?? {})) {
    if (!(FAULT_NAMES as readonly string[]).includes(name)) {
      throw new Error(`unknown simulator fault "${name}" (valid names: ${FAULT_NAMES.join(', ')})`);
    }
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new Error(`simulator fault "${name}" needs a probability from 0 to 1, got ${String(p)}`);
    }
    faults[name as keyof FaultProfile] = p;
  }
  return { timeScale, faults };
}

export async function startSimServer(options: SimOptions): Promise<SimServer> {
  const { timeScale, faults } = checkOptions(options);
  if (options.kind === 'diffusers' && options.generation === 'legacy') {
    throw new Error('generation "legacy" only applies to kind vllm-omni (the diffusers baseline has one protocol)');
  }
  const ctx = createContext({
    kind: options.kind,
    generation: options.generation ?? 'current',
    timeScale,
    model: options.model ?? DEFAULT_SIM_MODEL,
    faults,
    emit: (event) => {
      try {
        options.onEvent?.(event);
      } catch {
        // A listener's bug must not take the simulator down.
      }
    },
  });
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const p = handle(ctx, req, res);
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  });
  // Loopback clients reuse connections; keep idle ones briefly, like uvicorn's default.
  server.keepAliveTimeout = 5_000;

  await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    kind: options.kind,
    stats: () => snapshotStats(ctx),
    lastDrop: () => ctx.lastDrop,
    close: () => {
      closing ??= shutdown(ctx, server, inFlight);
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(new Error(`simulator could not listen on ${host}:${port}: ${err.message}`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function shutdown(ctx: SimContext, server: Server, inFlight: Set<Promise<void>>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Wake every sleeper and every queued request: they answer 503 where they still can.
  ctx.life.close();
  ctx.gate.close(new SimClosedError());
  await new Promise<void>((resolve) => setImmediate(resolve));
  // Then end every connection: keep-alive sockets, "timeout" requests held open, uploads still arriving.
  if (inFlight.size > 0 || ctx.hanging.size > 0) ctx.lastDrop = 'it was shut down with the request still in flight (the run was stopping or the app closing)';
  server.closeAllConnections();
  ctx.hanging.clear();
  await Promise.allSettled([...inFlight]);
  await closed;
}

async function handle(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = pathOf(req);
  const method = req.method ?? 'GET';
  const key = `${method} ${path}`;
  const t0 = performance.now();
  ctx.requestCounts.set(key, (ctx.requestCounts.get(key) ?? 0) + 1);
  ctx.emit({ type: 'request', method, path });
  res.on('close', () => {
    ctx.emit({ type: 'response', method, path, status: res.writableFinished ? res.statusCode : null, ms: performance.now() - t0 });
  });
  try {
    if (ctx.life.closed) throw new SimClosedError();
    if (ctx.kind === 'vllm-omni') await handleProtocolA(ctx, req, res, path);
    else await handleProtocolB(ctx, req, res, path);
  } catch (err) {
    if (res.headersSent) {
      ctx.lastDrop = `it failed after it had started answering (${(err as Error).message ?? String(err)}), which is a bug in the simulator`;
      res.destroy();
      return;
    }
    if (err instanceof BodyTooLargeError) return sendError(ctx, res, path, new RequestError(413, err.message));
    if (err instanceof SimClosedError) {
      res.setHeader('connection', 'close');
      return sendError(ctx, res, path, new RequestError(503, 'the simulator is shutting down'));
    }
    if (isShutdownError(err)) return;
    // A bug in the simulator: say so in the protocol's shape rather than hanging up.
    sendError(ctx, res, path, new RequestError(500, `simulator internal error: ${(err as Error).message ?? String(err)}`));
  }
}

function sendError(ctx: SimContext, res: ServerResponse, path: string, err: RequestError): void {
  if (ctx.kind === 'vllm-omni' && path === '/v1/chat/completions') {
    const { status, body } = openAiError(ctx.generation, err);
    return sendJson(res, status, body);
  }
  sendJson(res, err.status, { detail: err.message });
}

