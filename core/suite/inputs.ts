/**
 * Checks a suite's input images before a run starts: that the path is a readable file, that it decodes as an image
 * the servers take, and that it is not larger than they accept. The header is read first (sharp metadata), so a
 * file too large is refused without decoding it; then the whole image is decoded once, within the pixel budget,
 * because a truncated file has a good header and would otherwise only fail halfway through a run.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { isReallyInsideAny } from '../paths/containment.ts';
import { SHARP_LIMITS } from '../store/image-limits.ts';
import { MAX_SIDE } from './size.ts';
import { closestMatch } from './suggest.ts';

export interface InputImageInfo {
  /** Absolute path. */
  path: string;
  /** Pixel size as displayed, i.e. after the EXIF orientation is applied. */
  width: number;
  height: number;
  /** sharp's format name: png, jpeg, webp, gif or tiff. */
  format: string;
}

/** Formats both sharp (simulators, comparisons) and PIL (vLLM-Omni, diffusers) decode. */
export const INPUT_FORMATS: readonly string[] = ['png', 'jpeg', 'webp', 'gif', 'tiff'];

export type InputCheck = { ok: true; info: InputImageInfo } | { ok: false; problem: string; hint: string };

const RELATIVE_HINT = 'Check the path is relative to the suite file.';

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/** A file in `dir` whose name is a likely typo of `name`, for "did you mean". */
async function similarFile(dir: string, name: string): Promise<string | undefined> {
  try {
    const entries = await readdir(dir);
    return closestMatch(name, entries);
  } catch {
    return undefined;
  }
}

async function notFound(written: string, absolute: string, suggestWithin?: readonly string[]): Promise<InputCheck> {
  const dir = path.dirname(absolute);
  // A caller limited to some folders learns nothing about the others: not their files, not even that they exist.
  if (suggestWithin && !isReallyInsideAny(suggestWithin, dir)) {
    return { ok: false, problem: `file not found: ${written}`, hint: RELATIVE_HINT };
  }
  const dirExists = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!dirExists) {
    const hint = written.startsWith('~') ? `${RELATIVE_HINT} "~" is not expanded: write the full path.` : RELATIVE_HINT;
    return { ok: false, problem: `file not found: ${written} (looked in ${dir}, which does not exist)`, hint };
  }
  const similar = await similarFile(dir, path.basename(absolute));
  const suggestion = similar ? ` Did you mean ${path.posix.join(path.posix.dirname(written.replaceAll('\\', '/')), similar)}?` : '';
  return { ok: false, problem: `file not found: ${written} (looked in ${dir})`, hint: `${RELATIVE_HINT}${suggestion}` };
}

/**
 * Check one input image. `written` is the path as the suite file spells it (used in messages); `absolute` is where
 * it resolves. Never throws for a bad file: every expected failure comes back as a problem with a fix.
 */
export async function checkInputImage(written: string, absolute: string, suggestWithin?: readonly string[]): Promise<InputCheck> {
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return notFound(written, absolute, suggestWithin);
    if (code === 'EACCES' || code === 'EPERM') {
      return { ok: false, problem: `cannot read ${written}: permission denied (${absolute})`, hint: 'Make the file readable.' };
    }
    return { ok: false, problem: `cannot read ${written}: ${code ?? String(error)} (${absolute})`, hint: RELATIVE_HINT };
  }
  if (info.isDirectory()) {
    return { ok: false, problem: `${written} is a directory, not an image (${absolute})`, hint: 'Point it at an image file.' };
  }
  if (!info.isFile()) return { ok: false, problem: `${written} is not a regular file (${absolute})`, hint: 'Point it at an image file.' };
  // What is checked is what will be sent: the file behind every symlink (absolute paths and paths outside the
  // suite's folder are allowed, as documented, but a link is followed here once, not again at upload time).
  let real: string;
  try {
    real = await realpath(absolute);
  } catch (error) {
    return { ok: false, problem: `cannot read ${written}: ${errorCode(error) ?? String(error)} (${absolute})`, hint: RELATIVE_HINT };
  }

  let metadata;
  try {
    metadata = await sharp(real, { limitInputPixels: false }).metadata(); // header only; sizes checked below
  } catch (error) {
    // sharp's messages are one line ("Input file contains unsupported image format"); keep it so, just in case.
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
    const code = errorCode(error);
    if (code === 'EACCES' || /permission denied/i.test(reason)) {
      return { ok: false, problem: `cannot read ${written}: permission denied (${absolute})`, hint: 'Make the file readable.' };
    }
    return { ok: false, problem: `${written} is not a decodable image (${reason})`, hint: 'Use a PNG, JPEG or WebP file.' };
  }
  const format = String(metadata.format);
  if (!INPUT_FORMATS.includes(format)) {
    return {
      ok: false,
      problem: `${written} is ${format.toUpperCase()}, which the servers do not take as an input image`,
      hint: 'Convert it to PNG or JPEG.',
    };
  }
  const width = metadata.autoOrient?.width ?? metadata.width;
  const height = metadata.autoOrient?.height ?? metadata.height;
  if (!width || !height) {
    return { ok: false, problem: `${written} is not a decodable image (no width or height)`, hint: 'Use a PNG, JPEG or WebP file.' };
  }
  if (width > MAX_SIDE || height > MAX_SIDE) {
    return {
      ok: false,
      problem: `${written} is ${width}x${height} px, larger than ${MAX_SIDE} px on a side`,
      hint: 'Downscale it; about 1024 px on the long edge is what the models work at.',
    };
  }
  try {
    await sharp(real, SHARP_LIMITS).raw().toBuffer();
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
    return {
      ok: false,
      problem: `${written} does not decode: its ${format.toUpperCase()} header says ${width}x${height} but the pixels are truncated or corrupt (${reason})`,
      hint: 'Export or download the image again.',
    };
  }
  return { ok: true, info: { path: real, width, height, format } };
}
