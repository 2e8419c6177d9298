/**
 * The omni:// protocol handler (registered with `protocol.handle` in index.ts). It serves three things and
 * nothing else (see urls.ts): the built UI from one folder, run images by id and exported run files by run
 * id + relative name. Run images and files are looked up through the engine (CoreApp.resolveImage /
 * resolveRunFile), so no path the page sends is ever opened directly; the UI folder goes through the
 * three-layer containment check of path-guard.ts.
 *
 * Written against the fetch `Response` and a small fs interface so vitest drives it without Electron.
 */
import type { CoreApp } from '../../core/app/types.ts';
import { decodePathSegments, resolveStaticFile, type StaticFs } from './path-guard.ts';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, IMAGE_HOST, RUN_FILE_HOST, parseUrl } from './urls.ts';

/**
 * The app's Content-Security-Policy, sent as a header with every UI response (renderer/index.html carries
 * a meta tag too; a page is bound by both, so the stricter of the two wins per directive). No remote
 * origins at all; images only from the app, the image/file hosts, blob: and data:.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' blob: data: ${APP_SCHEME}://${IMAGE_HOST} ${APP_SCHEME}://${RUN_FILE_HOST}`,
  `connect-src 'self' ${APP_SCHEME}://${IMAGE_HOST}`,
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Images and exported files are data, never a document that may run script, even if opened directly. */
export const DATA_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";

const MIME_BY_EXT: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  ico: 'image/x-icon',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  wasm: 'application/wasm',
};

export function mimeForPath(path: string): string {
  const dot = path.lastIndexOf('.');
  const ext = dot >= 0 ? path.slice(dot + 1).toLowerCase() : '';
  return MIME_BY_EXT[ext] ?? 'application/octet-stream';
}

export interface ProtocolFs extends StaticFs {
  readFile(path: string): Promise<Uint8Array>;
}

export interface ProtocolHandlerOptions {
  /** Absolute path of the built renderer (out/renderer). */
  rendererRoot: string;
  /** The engine, or null while it is starting or after it failed (images then answer 503). */
  getCore: () => Pick<CoreApp, 'resolveImage' | 'resolvePreview' | 'resolveRunFile'> | null;
  fs: ProtocolFs;
  /** Diagnostics for refused or failed requests (main-process log; never sent to the page). */
  log?: (message: string) => void;
}

/** The request fields the handler reads (a fetch Request satisfies it). */
export interface ProtocolRequest {
  url: string;
  method: string;
}

function textResponse(status: number, text: string, extraHeaders: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...extraHeaders },
  });
}

export function createProtocolHandler(options: ProtocolHandlerOptions): (request: ProtocolRequest) => Promise<Response> {
  const log = options.log ?? (() => {});

  async function fileResponse(method: string, path: string, mime: string, headers: Record<string, string>): Promise<Response> {
    // Bodies are read whole: UI assets and run images are at most a few MB, and a buffered body lets the
    // handler answer a clean 404 when the file vanished between lookup and read.
    let body: Uint8Array;
    try {
      body = await options.fs.readFile(path);
    } catch {
      return textResponse(404, 'not found');
    }
    const init = { status: 200, headers: { 'Content-Type': mime, 'Content-Length': String(body.byteLength), 'X-Content-Type-Options': 'nosniff', ...headers } };
    return new Response(method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), init);
  }

  async function serveApp(method: string, url: URL): Promise<Response> {
    const pathname = url.pathname === '/' || url.pathname === '' ? '/index.html' : url.pathname;
    const found = await resolveStaticFile(options.rendererRoot, pathname, options.fs);
    if (!found.ok) {
      if (found.reason !== 'not-found') {
        log(`omni protocol: refused ${url.href} (${found.reason})`);
        return textResponse(400, 'bad path');
      }
      return textResponse(404, 'not found');
    }
    return fileResponse(method, found.path, mimeForPath(found.path), {
      'Content-Security-Policy': APP_CSP,
      'Cache-Control': 'no-cache',
    });
  }

  async function serveFromCore(method: string, url: URL, kind: 'image' | 'file'): Promise<Response> {
    const decoded = decodePathSegments(url.pathname);
    if (!decoded.ok) {
      log(`omni protocol: refused ${url.href} (${decoded.reason})`);
      return textResponse(400, 'bad path');
    }
    const [runId, ...rest] = decoded.segments;
    const wellFormed = runId !== undefined && (kind === 'image' ? rest.length === 1 : rest.length >= 1);
    if (!wellFormed) return textResponse(404, 'not found');
    const core = options.getCore();
    if (!core) return textResponse(503, 'the engine is not running');
    // ?max=N asks for a display-sized copy of an image (one of a few sizes); anything else is refused.
    const max = kind === 'image' ? url.searchParams.get('max') : null;
    if (max !== null && !/^\d{1,5}$/.test(max)) return textResponse(400, 'bad size');
    let resolved;
    try {
      resolved =
        kind === 'file'
          ? core.resolveRunFile(runId, rest.join('/'))
          : max === null
            ? core.resolveImage(runId, rest[0] as string)
            : await core.resolvePreview(runId, rest[0] as string, Number(max));
    } catch (error) {
      log(`omni protocol: ${kind} lookup failed for ${url.href}: ${error instanceof Error ? error.message : String(error)}`);
      return textResponse(500, 'lookup failed');
    }
    if (!resolved) return textResponse(404, 'not found');
    return fileResponse(method, resolved.path, resolved.mime, {
      'Content-Security-Policy': DATA_CSP,
      // The page lives on omni://app, a different origin: allow it to read pixels (canvas diff views).
      'Access-Control-Allow-Origin': APP_ORIGIN,
      'Cache-Control': kind === 'image' ? 'private, max-age=31536000, immutable' : 'no-cache',
    });
  }

  return async (request) => {
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return textResponse(405, 'method not allowed', { Allow: 'GET, HEAD' });
    const url = parseUrl(request.url);
    if (!url || url.protocol !== `${APP_SCHEME}:` || url.username !== '' || url.password !== '' || url.port !== '') {
      return textResponse(404, 'not found');
    }
    switch (url.host) {
      case APP_HOST:
        return serveApp(method, url);
      case IMAGE_HOST:
        return serveFromCore(method, url, 'image');
      case RUN_FILE_HOST:
        return serveFromCore(method, url, 'file');
      default:
        return textResponse(404, 'not found');
    }
  };
}
