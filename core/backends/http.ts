/**
 * A small HTTP client on node:http / node:https (not fetch) so the client-side stages can be measured where they
 * happen: `upload` = start → request body flushed to the socket ('finish'), `wait` = → response headers,
 * `download` = headers → last byte. Every failure becomes a BackendError (errors.ts).
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { BackendError } from './types.ts';
import { cancelledError, protocolError, timeoutError, transportError, type RequestContext } from './errors.ts';

/** Large enough for a base64 PNG of a 4096² image with room to spare; small enough to stop a runaway body. */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

export interface HttpRequestInit {
  method: 'GET' | 'POST';
  /** Path (and query) below the base URL, starting with "/". */
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  signal?: AbortSignal;
  /** Whole request: connect, upload, server time and download. */
  timeoutMs: number;
  maxResponseBytes?: number;
}

export interface HttpTimings {
  /** performance.now() when the request was issued. */
  startedAt: number;
  /** performance.now() when the last byte arrived. */
  endedAt: number;
  uploadMs: number;
  waitMs: number;
  downloadMs: number;
}

export interface HttpResponse {
  method: string;
  url: string;
  status: number;
  /** Lower-cased media type without parameters, "" when absent. */
  contentType: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  timings: HttpTimings;
}

/**
 * Normalise a user-given base URL: must be http(s); a trailing slash and a trailing "/v1" (the usual OpenAI SDK
 * base) are dropped because every path we send starts with /v1 or /health.
 */
export function normalizeBaseUrl(input: string): string {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    throw new BackendError(`backend URL "${input}" is not a valid URL: use e.g. http://127.0.0.1:8000`, {
      kind: 'network',
      url: input,
      retryable: false,
    });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new BackendError(`backend URL "${input}" must start with http:// or https:// (e.g. http://127.0.0.1:8000)`, {
      kind: 'network',
      url: input,
      retryable: false,
    });
  }
  u.search = '';
  u.hash = '';
  const path = u.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${u.origin}${path}`;
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

export class HttpClient {
  readonly baseUrl: string;
  private readonly maxResponseBytes: number;
  // One keep-alive agent per client (per adapter): repeated requests to one server reuse their connection, so
  // `upload` measures sending, not TCP setup. Idle sockets are unref'd by Node and never keep the process alive.
  private readonly agent: http.Agent;

  constructor(baseUrl: string, options: { maxResponseBytes?: number } = {}) {
    this.baseUrl = normalizeBaseUrl(baseUrl);
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.agent = this.baseUrl.startsWith('https:') ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** Close idle keep-alive connections. The client stays usable (new requests open new connections). */
  close(): void {
    this.agent.destroy();
  }

  request(init: HttpRequestInit): Promise<HttpResponse> {
    const url = this.url(init.path);
    const ctx: RequestContext = { method: init.method, url };
    const max = init.maxResponseBytes ?? this.maxResponseBytes;
    return new Promise<HttpResponse>((resolve, reject) => {
      if (init.signal?.aborted) {
        reject(cancelledError(ctx));
        return;
      }
      const transport = url.startsWith('https:') ? https : http;
      const headers: Record<string, string> = { ...init.headers };
      if (init.body !== undefined) headers['content-length'] = String(init.body.byteLength);

      let settled = false;
      let finishedAt: number | undefined;
      const startedAt = performance.now();
      const req = transport.request(url, { method: init.method, headers, agent: this.agent });

      const cleanup = (): void => {
        clearTimeout(timer);
        init.signal?.removeEventListener('abort', onAbort);
      };
      const fail = (error: BackendError): void => {
        if (settled) return;
        settled = true;
        cleanup();
        req.destroy();
        reject(error);
      };
      const onAbort = (): void => fail(cancelledError(ctx));
      const timer = setTimeout(() => fail(timeoutError(ctx, init.timeoutMs)), init.timeoutMs);
      init.signal?.addEventListener('abort', onAbort, { once: true });

      req.on('finish', () => {
        finishedAt = performance.now();
      });
      req.on('error', (err) => fail(transportError(err, ctx)));
      req.on('response', (res) => {
        const headersAt = performance.now();
        const status = res.statusCode ?? 0;
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > max) {
          fail(protocolError({ ...ctx, status }, `the response declares ${declared} bytes, over the ${max}-byte limit`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > max) {
            fail(protocolError({ ...ctx, status }, `the response is larger than the ${max}-byte limit`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err) => fail(transportError(err, ctx)));
        res.on('close', () => {
          // A body cut short (server crashed mid-response) closes without 'end'.
          if (!res.complete) fail(transportError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), ctx));
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          cleanup();
          const endedAt = performance.now();
          // A server may answer before the body is fully sent (an early 4xx): then upload ends at the headers.
          const sent = Math.min(finishedAt ?? headersAt, headersAt);
          resolve({
            method: init.method,
            url,
            status,
            contentType: mediaType(res.headers['content-type']),
            headers: res.headers,
            body: Buffer.concat(chunks),
            timings: {
              startedAt,
              endedAt,
              uploadMs: sent - startedAt,
              waitMs: headersAt - sent,
              downloadMs: endedAt - headersAt,
            },
          });
        });
      });
      req.end(init.body === undefined ? undefined : Buffer.from(init.body.buffer, init.body.byteOffset, init.body.byteLength));
    });
  }
}
