/**
 * The app's own URL space. The UI, run images and exported run files are all served from one custom,
 * privileged scheme (never file://), split by host:
 *
 *   omni://app/<path>               the built renderer (out/renderer)
 *   omni://img/<runId>/<imageId>    a run image, by content id    → CoreApp.resolveImage (?max=N → resolvePreview)
 *   omni://file/<runId>/<relPath>   an exported file of a run     → CoreApp.resolveRunFile
 *
 * The renderer's Electron bridge builds exactly these shapes; keep them in step.
 *
 * Every check here parses with the WHATWG URL parser and compares parts: prefix tests such as
 * `url.startsWith('omni://app')` accept `omni://app.evil/` or `omni://app@evil/` and are never used.
 */

export const APP_SCHEME = 'omni';
export const APP_HOST = 'app';
export const IMAGE_HOST = 'img';
export const RUN_FILE_HOST = 'file';
/** Where the window starts. */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;
/**
 * The origin string Chromium reports for app pages (a standard scheme has a tuple origin). Node's URL gives
 * "null" as the origin of any non-special scheme, so code here compares protocol and host instead of `.origin`.
 */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Parse a URL given as unknown input; null for anything that is not a string holding an absolute URL. */
export function parseUrl(value: unknown): URL | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 8192) return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** omni://<host>/… with nothing that could make the authority mean something else (user info, a port). */
function isOwnUrl(url: URL, host: string): boolean {
  return url.protocol === `${APP_SCHEME}:` && url.host === host && url.username === '' && url.password === '' && url.port === '';
}

/** True only for pages of the app itself (omni://app/…). */
export function isAppUrl(value: unknown): boolean {
  const url = value instanceof URL ? value : parseUrl(value);
  return url !== null && isOwnUrl(url, APP_HOST);
}

export function isRunFileUrl(url: URL): boolean {
  return isOwnUrl(url, RUN_FILE_HOST);
}

/** Image URL as the renderer's bridge builds it (segments percent-encoded). */
export function imageUrl(runId: string, imageId: string): string {
  return `${APP_SCHEME}://${IMAGE_HOST}/${encodeURIComponent(runId)}/${encodeURIComponent(imageId)}`;
}

/** Exported-file URL as the renderer's bridge builds it (each path segment percent-encoded). */
export function runFileUrl(runId: string, relPath: string): string {
  const encoded = relPath.split('/').map(encodeURIComponent).join('/');
  return `${APP_SCHEME}://${RUN_FILE_HOST}/${encodeURIComponent(runId)}/${encoded}`;
}
