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
import type { OcrLine, OcrReadOptions } from './types.ts';

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
  const result = await engine.read(input.image, input.read);
  const expected = joinExpected(input.expected);
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
