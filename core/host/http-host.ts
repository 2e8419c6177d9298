/**
 * Browser mode: the same UI and the same contract as the desktop app, over loopback HTTP.
 *
 *   GET  /, /assets/*          the built renderer (out/renderer)
 *   POST /rpc/<channel>         one contract call: JSON in, JSON out (errors: {code, message} with a 4xx/5xx)
 *   GET  /events                Server-Sent Events: one UiEvent per message
 *   GET  /img/<run>/<image id>  a run's image by content id (?max=512|1024|2048: a display-sized copy)
 *   GET  /files/<run>/<path>    a run's exported report files and the images they link
 *
 * Any web page the user visits can send requests to a loopback port, so every request must carry our own Host
 * (defeats DNS rebinding) and state-changing calls must come from our own origin (defeats cross-site POSTs).
 * Any other user of the machine can reach the port too, so every request on every route must also carry this
 * launch's random token (./token.ts); without it the answer is 401 and nothing else.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import type { CoreApp } from '../app/types.ts';
import { toRpcErrorBody } from '../rpc.ts';
import { isAllowedHost, isAllowedOrigin, staticFilePath } from './guards.ts';
import { checkToken, newAccessToken, sessionCookie } from './token.ts';

export interface HttpHostOptions {
  app: CoreApp;
  /** Folder of the built renderer (index.html + assets). */
  staticDir: string;
  host?: string;
  port?: number;
  /** Largest accepted request body (a dropped suite YAML is the biggest thing sent). */
  maxBodyBytes?: number;
  /** The access token every request must carry; a fresh random one when not given. */
  token?: string;
}

export interface HttpHost {
  /** The origin with a trailing slash (no token). */
  readonly url: string;
  /** The address to open: `url` with this launch's token (`?token=…`). Print it only to the user who started us. */
  readonly openUrl: string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

const STATIC_MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  // The bundled CJK fallback font (renderer/src/styles/theme.css).
  '.ttf': 'font/ttf',
};

/** The UI's policy: its own scripts and styles, images from itself, no framing, no plugins. */
export const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STATUS_FOR_CODE: Record<string, number> = {
  'bad-request': 400,
  'not-found': 404,
  'unknown-channel': 404,
  conflict: 409,
  failed: 500,
};

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function sendFile(req: IncomingMessage, res: ServerResponse, path: string, mime: string, extra: Record<string, string> = {}): void {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    send(res, 404, 'not found');
    return;
  }
  res.writeHead(200, {
    'content-type': mime,
    'content-length': size,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...extra,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(path).on('error', () => res.destroy()).pipe(res);
}

/** decodeURIComponent, or null for a malformed escape such as `%zz` (a client error, not a server one). */
function decodeOrNull(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw Object.assign(new Error(`request body over ${limit} bytes`), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const { app } = options;
  const staticDir = resolve(options.staticDir);
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const sseClients = new Set<ServerResponse>();
  const token = options.token ?? newAccessToken();
  let port = 0;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, (err as { status?: number }).status ?? 500, toRpcErrorBody(err));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, port)) {
      send(res, 421, 'misdirected request: this server only answers to its loopback address');
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const path = url.pathname;

    // The token before anything else: no route, file name or error message is revealed without it.
    const carried = checkToken({ cookie: req.headers.cookie, authorization: req.headers.authorization, queryToken: url.searchParams.get('token') }, port, token);
    if (!carried) {
      return send(res, 401, 'unauthorized: open the address that `omni-review serve` printed (it carries this launch\'s access token)\n', undefined, {
        'www-authenticate': 'Bearer realm="omni-review"',
      });
    }
    if (carried === 'query') {
      res.setHeader('set-cookie', sessionCookie(port, token));
      // A page opened from the printed address: the cookie carries the token from now on, so take it out of
      // the address bar (and history) by sending the browser to the same address without it.
      if (req.method === 'GET' && !/^\/(rpc|img|files|events)(\/|$)/.test(path)) {
        url.searchParams.delete('token');
        return send(res, 303, 'see other', undefined, { location: `${url.pathname}${url.search}` });
      }
    }

    if (path.startsWith('/rpc/')) {
      if (req.method !== 'POST') return send(res, 405, 'use POST', undefined, { allow: 'POST' });
      if (!isAllowedOrigin(req.headers.origin, req.headers['sec-fetch-site'], port)) {
        return sendJson(res, 403, { code: 'bad-request', message: 'cross-origin calls are refused' });
      }
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        return sendJson(res, 415, { code: 'bad-request', message: 'send the request as application/json' });
      }
      const channel = decodeOrNull(path.slice('/rpc/'.length));
      if (channel === null) return sendJson(res, 400, { code: 'bad-request', message: 'the channel in the address is not valid percent-encoding' });
      const text = await readBody(req, maxBody);
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        return sendJson(res, 400, { code: 'bad-request', message: 'request body is not valid JSON' });
      }
      try {
        sendJson(res, 200, await app.dispatcher.dispatch(channel, body));
      } catch (err) {
        const errorBody = toRpcErrorBody(err);
        sendJson(res, STATUS_FOR_CODE[errorBody.code] ?? 500, errorBody);
      }
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', undefined, { allow: 'GET, HEAD' });

    if (path === '/events') {
      if (!isAllowedOrigin(req.headers.origin, req.headers['sec-fetch-site'], port)) return send(res, 403, 'cross-origin');
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      res.write('retry: 2000\n\n');
      sseClients.add(res);
      const unsubscribe = app.subscribe((event) => res.write(`data: ${JSON.stringify(event)}\n\n`));
      // Comments keep proxies and idle timers from closing a quiet stream.
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      heartbeat.unref();
      req.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        sseClients.delete(res);
      });
      return;
    }

    const img = /^\/img\/([^/]+)\/([^/]+)$/.exec(path);
    if (img) {
      const runId = decodeOrNull(img[1]!);
      const imageId = decodeOrNull(img[2]!);
      if (runId === null || imageId === null) return send(res, 400, 'the address is not valid percent-encoding');
      const max = url.searchParams.get('max');
      // ?max=N asks for a display-sized copy (one of a few sizes); anything else is refused, not guessed.
      if (max !== null && !/^\d{1,5}$/.test(max)) return send(res, 400, 'max must be a number of pixels');
      const file = max === null ? app.resolveImage(runId, imageId) : await app.resolvePreview(runId, imageId, Number(max));
      if (!file) return send(res, 404, max === null ? 'no such image' : 'no such image at that size');
      // Content-addressed: the bytes behind an id never change.
      return sendFile(req, res, file.path, file.mime, { 'cache-control': 'private, max-age=31536000, immutable' });
    }

    const runFile = /^\/files\/([^/]+)\/(.+)$/.exec(path);
    if (runFile) {
      const runId = decodeOrNull(runFile[1]!);
      const rel = decodeOrNull(runFile[2]!);
      if (runId === null || rel === null) return send(res, 400, 'the address is not valid percent-encoding');
      const file = app.resolveRunFile(runId, rel);
      if (!file) return send(res, 404, 'no such file');
      const headers: Record<string, string> = { 'cache-control': 'no-store' };
      // The exported report carries its own strict CSP; serve it sandboxed (an opaque origin) as well, so a
      // script in it could never call /rpc with the app's origin.
      if (file.mime.startsWith('text/html')) {
        headers['content-security-policy'] = "sandbox allow-scripts; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'";
      }
      return sendFile(req, res, file.path, file.mime, headers);
    }

    const staticPath = staticFilePath(staticDir, path);
    if (!staticPath) return send(res, 404, 'not found');
    const mime = STATIC_MIME[extname(staticPath)] ?? 'application/octet-stream';
    const headers: Record<string, string> = mime.startsWith('text/html')
      ? { 'content-security-policy': UI_CSP, 'cache-control': 'no-store', 'x-frame-options': 'DENY' }
      : { 'cache-control': staticPath.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-store' };
    return sendFile(req, res, staticPath, mime, headers);
  }

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', fail);
      done();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const base = `http://${urlHost}:${port}/`;
  return {
    url: base,
    openUrl: `${base}?token=${encodeURIComponent(token)}`,
    token,
    port,
    async close() {
      for (const client of sseClients) client.end();
      sseClients.clear();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}
