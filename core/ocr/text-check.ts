/**
 * Checking the text of one image or a manifest of images (issue 11): OCR through the engine, scored by
 * shared/text-metrics.ts. The CLI `text-check` uses this; a run scores its outputs with the same calls.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { checkText, type TextCheckResult, type TextThresholds } from '../../shared/text-metrics.ts';
import { containedFile } from '../paths/containment.ts';
import type { OcrEngine } from './engine.ts';
import type { OcrLine, OcrReadOptions, OcrRegion, OcrResult } from './types.ts';

export interface ImageTextCheck extends TextCheckResult {
  expected: string;
  lines: OcrLine[];
  width: number;
  height: number;
  /** OCR time inside the worker (ms). */
  ocrMs: number;
}

/** Several expected spans (a suite's expected_text list) are scored as one text, joined by a space. */
export function joinExpected(expected: string | readonly string[]): string {
  return typeof expected === 'string' ? expected : expected.join(' ');
}

/** The margin added around a line's box for its re-read, as a share of the line's height (each side). */
export const REREAD_MARGIN = 0.15;

/**
 * Read an image for a text check, re-reading failed lines once. The whole-image read comes first; when it fails
 * the check, the lines that carry the expected text are read again from their own regions with a margin of
 * REREAD_MARGIN × the line height (PP-OCR's recogniser on the crop, no detection). The re-read is used only when
 * it passes the check; each replaced line then keeps its first text in `firstRead`, so reports show that a
 * re-read decided. Why: the detector's tight boxes sometimes cut into a line's ends or merge narrow letters
 * ("ARTEMIS II" read "ARTEMISI"); the recogniser on a slightly wider crop reads them. A rendering error reads
 * the same from any crop, so this removes false alarms without hiding real ones (docs/text-check.md figures).
 * Tesseract was tried as the second reader and read these crops worse (nothing, or Latin for Chinese).
 */
export async function readForCheck(
  engine: Pick<OcrEngine, 'read'>,
  image: string | Uint8Array,
  expected: string,
  options: { thresholds?: Partial<TextThresholds>; read?: OcrReadOptions } = {},
): Promise<OcrResult> {
  const first = await engine.read(image, options.read);
  if (expected.trim() === '' || (options.read?.regions?.length ?? 0) > 0) return first;
  const thresholds = options.thresholds ? { thresholds: options.thresholds } : {};
  const check = checkText({ expected, lines: first.lines, ...thresholds });
  if (check.pass || check.usedLines.length === 0) return first;
  const regions = check.usedLines.map((i) => marginRegion(first.lines[i]!.box, first.width, first.height));
  const again = await engine.read(image, { ...options.read, regions });
  // The recogniser returns one line per region, in reading order; match them back to the regions by box.
  const lines = first.lines.slice();
  check.usedLines.forEach((lineIndex, k) => {
    const region = regions[k]!;
    const hit = again.lines.find((l) => sameRegion(l.box, region));
    if (hit) lines[lineIndex] = { ...first.lines[lineIndex]!, text: hit.text, confidence: hit.confidence, firstRead: first.lines[lineIndex]!.text };
  });
  const recheck = checkText({ expected, lines, ...thresholds });
  if (!recheck.pass) return first;
  return { ...first, lines: lines.map((l, i) => (l.firstRead !== undefined && l.firstRead === l.text ? first.lines[i]! : l)), ms: first.ms + again.ms };
}

function marginRegion(box: OcrLine['box'], width: number, height: number): OcrRegion {
  const xs = box.map((p) => p[0]);
  const ys = box.map((p) => p[1]);
  const x0 = Math.min(...xs);
  const y0 = Math.min(...ys);
  const m = REREAD_MARGIN * (Math.max(...ys) - y0);
  const x = Math.max(0, Math.floor(x0 - m));
  const y = Math.max(0, Math.floor(y0 - m));
  return {
    x,
    y,
    width: Math.min(width, Math.ceil(Math.max(...xs) + m)) - x,
    height: Math.min(height, Math.ceil(Math.max(...ys) + m)) - y,
  };
}

function sameRegion(box: OcrLine['box'], region: OcrRegion): boolean {
  const xs = box.map((p) => p[0]);
  const ys = box.map((p) => p[1]);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  return cx >= region.x && cx <= region.x + region.width && cy >= region.y && cy <= region.y + region.height;
}

export async function checkImageText(
  engine: OcrEngine,
  input: {
    image: string | Uint8Array;
    expected: string | readonly string[];
    sourceText?: string;
    thresholds?: Partial<TextThresholds>;
    read?: OcrReadOptions;
  },
): Promise<ImageTextCheck> {
  const expected = joinExpected(input.expected);
  const result = await readForCheck(engine, input.image, expected, {
    ...(input.thresholds ? { thresholds: input.thresholds } : {}),
    ...(input.read ? { read: input.read } : {}),
  });
  const check = checkText({
    expected,
    lines: result.lines,
    ...(input.sourceText !== undefined ? { sourceText: input.sourceText } : {}),
    ...(input.thresholds ? { thresholds: input.thresholds } : {}),
  });
  return { ...check, expected, lines: result.lines, width: result.width, height: result.height, ocrMs: result.ms };
}

// ---------------------------------------------------------------------------------------------------------
// Manifests
// ---------------------------------------------------------------------------------------------------------

/** A manifest larger than this is refused before it is parsed (a list of paths and short texts). */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
export const MAX_MANIFEST_ITEMS = 100_000;

const ManifestItemSchema = z
  .object({
    image: z.string().min(1, 'must name an image file'),
    expected: z.union([z.string(), z.array(z.string())]),
    /** For edits: the text the source image showed (enables text.source_kept). */
    source: z.string().optional(),
  })
  // Other fields (a labelled set's `label`, `split`, `lang`) are kept for the caller and otherwise ignored.
  .loose();
export type ManifestItem = z.infer<typeof ManifestItemSchema>;

export interface ResolvedManifestItem {
  index: number;
  item: ManifestItem;
  /** The image's real path inside the manifest's folder, or why it cannot be read. */
  path: string | null;
  problem: string | null;
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/**
 * Read and check a manifest: a JSON list of `{ "image": "path relative to the manifest", "expected": "…" }`.
 * A malformed manifest, or an image path that leaves the manifest's folder, is a ManifestError (bad input);
 * an image that is missing is reported per item (`problem`), so the rest are still checked.
 */
export async function loadManifest(manifestPath: string): Promise<ResolvedManifestItem[]> {
  const abs = resolve(manifestPath);
  let size: number;
  try {
    const s = await stat(abs);
    if (!s.isFile()) throw new ManifestError(`${manifestPath}: not a file; pass a JSON list of { "image", "expected" } items`);
    size = s.size;
  } catch (err) {
    if (err instanceof ManifestError) throw err;
    throw new ManifestError(`${manifestPath}: not found; pass a JSON list of { "image", "expected" } items`);
  }
  if (size > MAX_MANIFEST_BYTES) throw new ManifestError(`${manifestPath}: ${size} bytes, more than the ${MAX_MANIFEST_BYTES}-byte limit for a manifest; split it`);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(abs, 'utf8'));
  } catch (err) {
    throw new ManifestError(`${manifestPath}: not valid JSON (${(err as Error).message}); it must be a list of { "image", "expected" } items`);
  }
  if (!Array.isArray(raw)) throw new ManifestError(`${manifestPath}: must be a JSON list (array) of { "image", "expected" } items`);
  if (raw.length > MAX_MANIFEST_ITEMS) throw new ManifestError(`${manifestPath}: ${raw.length} items, more than the ${MAX_MANIFEST_ITEMS} limit; split it`);
  const root = dirname(abs);
  return raw.map((entry, index) => {
    const parsed = ManifestItemSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length > 0 ? issue.path.join('.') : '(item)';
      throw new ManifestError(`${manifestPath}: item ${index + 1}, field ${field}: ${issue.message}; each item is { "image": "path relative to the manifest", "expected": "text" }`);
    }
    const item = parsed.data;
    const found = containedFile(root, item.image);
    if (!found.ok && found.reason === 'outside-root') {
      throw new ManifestError(`${manifestPath}: item ${index + 1}, field image: "${item.image}" leaves the manifest's folder; images must lie in or below it`);
    }
    return {
      index,
      item,
      path: found.ok ? found.path : null,
      problem: found.ok ? null : found.reason === 'not-found' ? 'file not found' : 'not a regular file',
    };
  });
}
