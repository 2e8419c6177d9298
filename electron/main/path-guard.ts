/**
 * Path containment for the omni:// protocol: a URL path from the renderer must never name a file outside the
 * folder it is served from. Checked in three layers because each one alone has known holes:
 *
 * 1. per decoded segment: no `..`/`.`, no empty segment (`//`), no `/` or `\` smuggled in encoded
 *    (`%2f`, `%5c`), no NUL or other control characters, no `:` (Windows drive letters, NTFS streams);
 * 2. after joining: the result is still inside the root by `path.relative` (lexical);
 * 3. after resolving symlinks: the real path is still inside the real root (a link inside the folder that
 *    points out of it is refused).
 *
 * Decoding happens exactly once, here; a doubly encoded `%252e%252e` stays the literal name `%2e%2e`.
 */
import { join } from 'node:path';
import { isInside } from '../../core/paths/containment.ts';

/** Why a path was refused, for logs (never shown to the page). */
export type PathRefusal = 'malformed-encoding' | 'empty-segment' | 'dot-segment' | 'separator' | 'control-character' | 'drive-or-stream' | 'outside-root';

export type SegmentsResult = { ok: true; segments: string[] } | { ok: false; reason: PathRefusal };

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Decode and check each segment of a URL pathname (`/a/b%20c` → ['a', 'b c']). */
export function decodePathSegments(pathname: string): SegmentsResult {
  const raw = pathname.startsWith('/') ? pathname.slice(1) : pathname;
  if (raw === '') return { ok: true, segments: [] };
  const segments: string[] = [];
  for (const part of raw.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return { ok: false, reason: 'malformed-encoding' };
    }
    if (segment === '') return { ok: false, reason: 'empty-segment' };
    if (segment === '.' || segment === '..') return { ok: false, reason: 'dot-segment' };
    if (segment.includes('/') || segment.includes('\\')) return { ok: false, reason: 'separator' };
    if (CONTROL_CHARS.test(segment)) return { ok: false, reason: 'control-character' };
    if (segment.includes(':')) return { ok: false, reason: 'drive-or-stream' };
    segments.push(segment);
  }
  return { ok: true, segments };
}

// The one containment helper lives in core (every reader of an untrusted path uses it); re-exported here.
export { isInside };

export type ContainedResult = { ok: true; path: string } | { ok: false; reason: PathRefusal };

/** Lexical layers 1 and 2: the absolute path a URL pathname maps to under `root`, or why not. */
export function containedPath(root: string, pathname: string): ContainedResult {
  const decoded = decodePathSegments(pathname);
  if (!decoded.ok) return decoded;
  const candidate = join(root, ...decoded.segments);
  if (!isInside(root, candidate)) return { ok: false, reason: 'outside-root' };
  return { ok: true, path: candidate };
}

/** The file system calls layer 3 needs; node:fs/promises satisfies it, tests can fake it. */
export interface StaticFs {
  realpath(path: string): Promise<string>;
  stat(path: string): Promise<{ isFile(): boolean }>;
}

export type StaticFileResult = { ok: true; path: string } | { ok: false; reason: PathRefusal | 'not-found' };

/**
 * All three layers: the real path of an existing regular file under `root` for a URL pathname. A missing
 * file, a directory or anything unreadable is 'not-found' (the caller answers 404 either way).
 */
export async function resolveStaticFile(root: string, pathname: string, fs: StaticFs): Promise<StaticFileResult> {
  const lexical = containedPath(root, pathname);
  if (!lexical.ok) return lexical;
  let realRoot: string;
  let realFile: string;
  try {
    realRoot = await fs.realpath(root);
    realFile = await fs.realpath(lexical.path);
  } catch {
    return { ok: false, reason: 'not-found' };
  }
  // A symlink inside the served folder may point anywhere; judge where it really leads.
  if (!isInside(realRoot, realFile)) return { ok: false, reason: 'outside-root' };
  try {
    if (!(await fs.stat(realFile)).isFile()) return { ok: false, reason: 'not-found' };
  } catch {
    return { ok: false, reason: 'not-found' };
  }
  return { ok: true, path: realFile };
}
