/**
 * Request guards of the loopback HTTP host, as small pure functions (the risky part, tested on its own).
 */
import { lstatSync } from 'node:fs';
import { resolve, sep } from 'node:path';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * The Host header must name a loopback address with our port. A page on evil.example whose DNS later points
 * at 127.0.0.1 (DNS rebinding) sends "Host: evil.example" and is refused here.
 */
export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const value = hostHeader.trim().toLowerCase();
  return LOOPBACK_NAMES.some((name) => value === `${name}:${port}`);
}

/**
 * Calls must come from our own page. Browsers send Origin on POST and on cross-origin GETs, and Sec-Fetch-Site
 * on everything; a request with neither (curl, tests) is not a browser page attacking us and is allowed.
 */
export function isAllowedOrigin(origin: string | undefined, secFetchSite: string | string[] | undefined, port: number): boolean {
  const site = Array.isArray(secFetchSite) ? secFetchSite[0] : secFetchSite;
  if (site && site !== 'same-origin' && site !== 'none') return false;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && url.port === String(port) && LOOPBACK_NAMES.includes(url.hostname === '::1' ? '[::1]' : url.hostname);
}

/**
 * Map a URL path onto a file of the built UI, or null. Decoded first (so %2e%2e is caught), refused on NUL,
 * backslashes and any ".." segment, then checked for containment after resolving, and symlinks are not
 * followed out. "/" and unknown extension-less paths serve index.html (a single-page app).
 */
export function staticFilePath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter(Boolean);
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const rel = segments.length === 0 || !segments.at(-1)!.includes('.') ? 'index.html' : segments.join('/');
  const base = resolve(root);
  const abs = resolve(base, rel);
  if (!abs.startsWith(base + sep)) return null;
  try {
    const st = lstatSync(abs);
    if (!st.isFile()) return null;
  } catch {
    return null;
  }
  return abs;
}
