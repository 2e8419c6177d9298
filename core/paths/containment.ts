/**
 * Path containment, the one helper every reader of an untrusted path uses (run folders, suite inputs, the hosts'
 * image and file routes, Electron's omni:// protocol). A lexical check alone is not enough: a symlinked folder
 * inside the root may lead anywhere. So the candidate is resolved with realpath (every component, not only the
 * last) and judged against the realpath of the root.
 */
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** True when `candidate` is `root` itself or below it (both absolute, already normalised). Lexical. */
export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  if (rel === '') return true;
  return !isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`);
}

/** Why a path was refused (for messages; never the file system's own answer). */
export type ContainmentRefusal = 'outside-root' | 'not-found' | 'not-a-file';

export type ContainedFile = { ok: true; path: string } | { ok: false; reason: ContainmentRefusal };

/** realpath that never throws: null when the path (or the root) does not exist or cannot be resolved. */
function realOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/**
 * The real path of the regular file `rel` names under `root` (rel may be relative or absolute), when that
 * file really lies inside the real root; otherwise why not. Checked lexically first (so `../x` is refused
 * without touching the disk), then after resolving every symlink on the way.
 */
export function containedFile(root: string, rel: string): ContainedFile {
  const base = resolve(root);
  const candidate = resolve(base, rel);
  if (rel.includes('\0') || !isInside(base, candidate)) return { ok: false, reason: 'outside-root' };
  const realRoot = realOrNull(base);
  const realFile = realOrNull(candidate);
  if (realRoot === null || realFile === null) return { ok: false, reason: 'not-found' };
  if (!isInside(realRoot, realFile)) return { ok: false, reason: 'outside-root' };
  try {
    if (!statSync(realFile).isFile()) return { ok: false, reason: 'not-a-file' };
  } catch {
    return { ok: false, reason: 'not-found' };
  }
  return { ok: true, path: realFile };
}

/** `containedFile` for callers that only need the path or null. */
export function containedFileOrNull(root: string, rel: string): string | null {
  const r = containedFile(root, rel);
  return r.ok ? r.path : null;
}

/** True when the existing directory `dir` really (after symlinks) lies inside one of `roots`. */
export function isReallyInsideAny(roots: readonly string[], dir: string): boolean {
  const real = realOrNull(dir);
  if (real === null) return false;
  return roots.some((root) => {
    const realRoot = realOrNull(root);
    return realRoot !== null && isInside(realRoot, real);
  });
}
