/**
 * A loopback HTTP server that answers from recorded responses (fixtures/recorded/**) by "METHOD /path", and records
 * every request it receives. It stands for "a vLLM-Omni-compatible server that is not our simulator" in adapter tests.
 *
 * Like FastAPI, a path routed for another method answers 405 and an unknown path 404, so GET probes of POST-only
 * routes behave as on a real server without extra routes.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export interface ReplayReply {
  status: number;
  /** Content-Type header; null sends none. Default application/json. */
  contentType?: string | null;
  /** JSON body (serialised as is). */
  body?: unknown;
  /** Raw body text; wins over `body`. */
  bodyText?: string;
  headers?: Record<string, string>;
  /** Wait this long before sending anything. */
  delayMs?: number;
  /** Never answer: the client has to time out or abort. Closed when the server closes. */
  hang?: boolean;
  /** Close the connection without answering (the client sees "socket hang up"). */
  destroy?: boolean;
  /** Send the headers and half the body, then wait this long before the rest (a slow download). */
  bodyPauseMs?: number;
}

/** One reply for every request, or a sequence: each request takes the next; the last one repeats. */
export type ReplayRoute = ReplayReply | readonly ReplayReply[];

export interface RecordedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
  bytes: Uint8Array;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Query string without "?", "" when none. */
  query: string;
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
  /** Client port of the connection: equal ports mean a reused keep-alive connection. */
  remotePort?: number;
  /** Parsed body of an application/json request (undefined when it is not JSON). */
  json?: unknown;
  /** Text fields of a multipart/form-data request, by name (repeated names keep every value, in order). */
  fields?: Record<string, string[]>;
  /** File parts of a multipart/form-data request, in order. */
  files?: RecordedFile[];
}

export interface ReplayServer {
  readonly url: string;
  /** Every request received so far, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Requests to one "METHOD /path". */
  requestsTo(key: string): RecordedRequest[];
  /** Resolves once at least `count` requests have been received (and recorded). */
  waitForRequests(count: number): Promise<void>;
  /** Set or replace the route for "METHOD /path" (its sequence starts over). */
  route(key: string, route: ReplayRoute): void;
  close(): Promise<void>;
}

export type FixtureSet = 'vllm-omni/current' | 'vllm-omni/legacy' | 'diffusers-baseline';

const FIXTURES = new URL('../../../fixtures/recorded/', import.meta.url);

/** Load one recorded reply, e.g. loadRecorded('vllm-omni/current', 'edits'). */
export function loadRecorded(set: FixtureSet, name: string): ReplayReply {
  const file = new URL(`${set}/${name}.json`, FIXTURES);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as ReplayReply & { source?: string };
  const { source: _source, ...reply } = raw;
  return reply;
}

/** The routes of a healthy server of one version, from the recorded fixtures. */
export function recordedRoutes(set: FixtureSet): Record<string, ReplayRoute> {
  const r = (name: string): ReplayReply => loadRecorded(set, name);
  if (set === 'diffusers-baseline') {
    return {
      'GET /health': r('health'),
      'GET /v1/models': r('models'),
      'GET /v1/baseline/info': r('info'),
      'POST /v1/images/edits': r('edits'),
      'POST /v1/images/generations': r('edits'),
    };
  }
  const base: Record<string, ReplayRoute> = {
    'GET /health': r('health'),
    'GET /v1/models': r('models'),
    'GET /v1/images/edits': r('probe-edits'),
    'GET /v1/images/generations': r('probe-generations'),
    'POST /v1/images/generations': r('generations'),
    'POST /v1/chat/completions': r('chat'),
  };
  if (set === 'vllm-omni/current') base['POST /v1/images/edits'] = r('edits');
  return base;
}

function bodyOf(reply: ReplayReply): Buffer {
  if (reply.bodyText !== undefined) return Buffer.from(reply.bodyText, 'utf8');
  if (reply.body === undefined) return Buffer.alloc(0);
  return Buffer.from(JSON.stringify(reply.body), 'utf8');
}

async function describeBody(base: RecordedRequest, body: Buffer): Promise<RecordedRequest> {
  const rec: RecordedRequest = { ...base };
  const headers = base.headers;
  const type = (headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    try {
      rec.json = JSON.parse(body.toString('utf8'));
    } catch {
      // left undefined: the test sees a non-JSON body
    }
  } else if (type.startsWith('multipart/form-data')) {
    // The platform's multipart parser, so the test checks what a standard server would read.
    const form = await new Request('http://replay.invalid/', {
      method: 'POST',
      headers: { 'content-type': headers['content-type']! },
      body: new Uint8Array(body),
    }).formData();
    const fields: Record<string, string[]> = {};
    const files: RecordedFile[] = [];
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') (fields[name] ??= []).push(value);
      else {
        const bytes = new Uint8Array(await value.arrayBuffer());
        files.push({ field: name, filename: value.name, contentType: value.type, size: bytes.length, bytes });
      }
    }
    rec.fields = fields;
    rec.files = files;
  }
  return rec;
}

export function startReplayServer(options: { routes?: Record<string, ReplayRoute>; host?: string } = {}): Promise<ReplayServer> {
  const routes = new Map<string, ReplayRoute>(Object.entries(options.routes ?? {}));
  const served = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const record = (rec: RecordedRequest): void => {
    requests.push(rec);
    for (const w of [...waiters]) {
      if (requests.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const pick = (method: string, path: string): ReplayReply => {
    const key = `${method} ${path}`;
    const route = routes.get(key);
    if (route === undefined) {
      const otherMethod = [...routes.keys()].some((k) => k.slice(k.indexOf(' ') + 1) === path);
      return otherMethod ? { status: 405, body: { detail: 'Method Not Allowed' } } : { status: 404, body: { detail: 'Not Found' } };
    }
    if (!Array.isArray(route)) return route as ReplayReply;
    const n = served.get(key) ?? 0;
    served.set(key, n + 1);
    const list = route as readonly ReplayReply[];
    return list[Math.min(n, list.length - 1)]!;
  };

  const answer = (res: http.ServerResponse, reply: ReplayReply): void => {
    if (reply.hang) return;
    if (reply.destroy) {
      res.socket?.destroy();
      return;
    }
    const body = bodyOf(reply);
    const headers: Record<string, string> = { ...reply.headers, 'content-length': String(body.length) };
    const type = reply.contentType === undefined ? 'application/json' : reply.contentType;
    if (type !== null) headers['content-type'] = type;
    res.writeHead(reply.status, headers);
    if (reply.bodyPauseMs !== undefined && body.length > 1) {
      const half = Math.floor(body.length / 2);
      res.write(body.subarray(0, half));
      later(reply.bodyPauseMs, () => res.end(body.subarray(half)));
    } else {
      res.end(body);
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
      const reply = pick(method, path);
      const body = Buffer.concat(chunks);
      const base: RecordedRequest = {
        method,
        path,
        query,
        headers: req.headers,
        bodyBytes: body.length,
        ...(req.socket.remotePort === undefined ? {} : { remotePort: req.socket.remotePort }),
      };
      describeBody(base, body)
        .catch((): RecordedRequest => base)
        .then((rec) => {
          record(rec);
          if (reply.delayMs) later(reply.delayMs, () => answer(res, reply));
          else answer(res, reply);
        });
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const host = options.host ?? '127.0.0.1';
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        requests,
        requestsTo: (key) => requests.filter((r) => `${r.method} ${r.path}` === key),
        waitForRequests: (count) =>
          requests.length >= count ? Promise.resolve() : new Promise<void>((r) => waiters.push({ count, resolve: r })),
        route: (key, route) => {
          routes.set(key, route);
          served.delete(key);
        },
        close: () =>
          new Promise<void>((done) => {
            for (const t of timers) clearTimeout(t);
            timers.clear();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
