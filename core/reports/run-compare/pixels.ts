/**
 * Did the optimization change the pictures? Each matched pair's output of one side in the first run against the
 * same side's output in the second, through the comparison engine's worker pool (core/compare: pixelmatch, the
 * same threshold as A ↔ B). Images are content-addressed in a run folder (images/xx/<sha256>.png), so two files
 * with the same name are the same bytes: identical without decoding.
 *
 * Bounded and cached: the pool runs at most `defaultPoolSize()` comparisons at once; results are kept in the
 * comparison folder's `.cache/pixels.json` keyed by the two image ids (only this comparison's entries, so it never
 * grows past one entry per pair and side), and the thumbnails there are reused when their file already exists.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import type { Side } from '../../../shared/model.ts';
import type { PixelChange, PairMatch } from '../../../shared/run-compare.ts';
import type { ReportPair } from '../../../shared/report.ts';
import { createComparePool } from '../../compare/pool.ts';
import type { ComparePool } from '../../compare/types.ts';
import { writeFileAtomic } from '../../fs/atomic-write.ts';
import { containedFileOrNull } from '../../paths/containment.ts';
import { SHARP_LIMITS } from '../../store/image-limits.ts';

const SIDES = ['A', 'B'] as const;
/** Longest edge of the thumbnails written beside the comparison (and embedded in compare.html). */
export const THUMB_SIZE = 240;
/** Sides (pair × side) whose pictures are shown, most changed first; the others are listed with figures only. */
export const MAX_PICTURED = 120;
const IMAGE_ID = /^([0-9a-f]{64})\.(?:png|jpg|webp)$/;

const CacheEntrySchema = z
  .object({
    state: z.enum(['identical', 'changed', 'size-changed']),
    ratio: z.number().nullable(),
    pixels: z.number().int().nullable(),
    note: z.string().nullable(),
  })
  .strict();
type CacheEntry = z.infer<typeof CacheEntrySchema>;
const CacheSchema = z.object({ version: z.literal(1), entries: z.record(z.string(), CacheEntrySchema) }).strict();

export interface PixelOptions {
  outDir: string;
  dirs: { before: string; after: string };
  /** An existing pool (the app's); otherwise one is made and closed here. */
  pool?: ComparePool;
  compareWorkerUrl?: URL;
}

/** The content id of a stored image from its report path, null for anything else (a tampered path, an old layout). */
function imageIdOf(rel: string | null): string | null {
  if (!rel) return null;
  const m = IMAGE_ID.exec(basename(rel));
  return m ? (m[1] as string) : null;
}

async function readCache(file: string): Promise<Map<string, CacheEntry>> {
  try {
    const parsed = CacheSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return new Map(parsed.success ? Object.entries(parsed.data.entries) : []);
  } catch {
    // No cache yet, or one we cannot read: measure again.
    return new Map();
  }
}

async function thumbnail(input: string | Uint8Array, file: string): Promise<boolean> {
  if (existsSync(file)) return true;
  try {
    const data = await sharp(input, SHARP_LIMITS).resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 72 }).toBuffer();
    await writeFileAtomic(file, data);
    return true;
  } catch {
    return false;
  }
}

export async function measurePixelChanges(match: PairMatch, options: PixelOptions): Promise<Map<string, Partial<Record<Side, PixelChange>>>> {
  const cacheDir = join(options.outDir, '.cache');
  const imagesDir = join(options.outDir, 'images');
  await mkdir(cacheDir, { recursive: true });
  await mkdir(imagesDir, { recursive: true });
  const cacheFile = join(cacheDir, 'pixels.json');
  const cache = await readCache(cacheFile);
  const used = new Map<string, CacheEntry>();
  const out = new Map<string, Partial<Record<Side, PixelChange>>>();
  const pictured: Array<{ ratio: number; fileB: string; fileA: string; idB: string | null; idA: string | null; change: PixelChange }> = [];
  const pool = options.pool ?? createComparePool(options.compareWorkerUrl ? { workerUrl: options.compareWorkerUrl } : {});

  async function one(before: ReportPair, after: ReportPair, side: Side): Promise<PixelChange> {
    const relB = before[side].image;
    const relA = after[side].image;
    const base = { before: relB, after: relA, thumbs: null };
    if (!relB || !relA) {
      const which = !relB && !relA ? 'no image in either run' : !relB ? 'no image in the first run' : 'no image in the second run';
      return { ...base, state: 'missing', ratio: null, pixels: null, note: which };
    }
    const idB = imageIdOf(relB);
    const idA = imageIdOf(relA);
    // Paths come from the runs' own records: still contained, a tampered report cannot point outside its folder.
    const fileB = containedFileOrNull(options.dirs.before, relB);
    const fileA = containedFileOrNull(options.dirs.after, relA);
    if (!fileB || !fileA) {
      return { ...base, state: 'missing', ratio: null, pixels: null, note: `image file missing or outside its run folder: ${!fileB ? relB : relA}` };
    }
    if (idB !== null && idB === idA) return { ...base, state: 'identical', ratio: 0, pixels: 0, note: null };
    const key = `${idB ?? relB}:${idA ?? relA}`;
    let entry = idB && idA ? cache.get(key) : undefined;
    let heatmapPng: Uint8Array | null = null;
    const heatFile = join(imagesDir, `heat-${(idB ?? '').slice(0, 16)}-${(idA ?? '').slice(0, 16)}.webp`);
    if (!entry || (entry.state === 'changed' && !existsSync(heatFile))) {
      try {
        const res = await pool.compare({ a: fileB, b: fileA });
        const d = res.ab;
        heatmapPng = d.heatmapPng;
        entry = d.sizeMismatch
          ? { state: 'size-changed', ratio: null, pixels: null, note: `${d.sizeMismatch.first} → ${d.sizeMismatch.second}` }
          : d.identical || d.pixels === 0
            ? // Other bytes, yet no pixel past pixelmatch's threshold (re-encoding, ±2 drift): the picture did not change.
              { state: 'identical', ratio: d.ratio, pixels: d.pixels, note: d.identical ? null : 'other bytes, no pixel past the diff threshold' }
            : { state: 'changed', ratio: d.ratio, pixels: d.pixels, note: null };
      } catch (err) {
        return { ...base, state: 'failed', ratio: null, pixels: null, note: (err as Error).message };
      }
    }
    if (idB && idA) used.set(key, entry);
    if (entry.state === 'identical') return { ...base, state: 'identical', ratio: entry.ratio, pixels: entry.pixels, note: entry.note };
    // The heatmap exists only now (its PNG bytes are not kept): its small thumbnail is written at once. The
    // outputs' thumbnails wait for the second pass, which pictures only the most changed pairs.
    const okH = heatmapPng ? await thumbnail(heatmapPng, heatFile) : existsSync(heatFile);
    const change: PixelChange = {
      ...base,
      state: entry.state,
      ratio: entry.ratio,
      pixels: entry.pixels,
      note: entry.note,
      thumbs: { before: null, after: null, heatmap: okH && entry.state === 'changed' ? `images/${basename(heatFile)}` : null },
    };
    pictured.push({ ratio: entry.ratio ?? 1, fileB, fileA, idB, idA, change });
    return change;
  }

  try {
    // Every comparison is queued at once: the pool bounds how many run, and its queue keeps the order.
    await Promise.all(
      match.matched.map(async ({ before, after }) => {
        const [a, b] = await Promise.all(SIDES.map((s) => one(before, after, s)));
        out.set(after.key, { A: a as PixelChange, B: b as PixelChange });
      }),
    );
  } finally {
    if (!options.pool) await pool.close();
  }
  // Bounded: before/after thumbnails for the most changed sides only (a size change counts as all changed), so a
  // comparison of thousands of changed pairs stays a page, not a gallery. The rest keep their figures.
  pictured.sort((x, y) => y.ratio - x.ratio || `${x.idB}${x.idA}`.localeCompare(`${y.idB}${y.idA}`));
  for (const [i, p] of pictured.entries()) {
    const change = p.change;
    if (i >= MAX_PICTURED) {
      change.thumbs = null;
      continue;
    }
    const thumbB = join(imagesDir, `out-${(p.idB ?? 'x').slice(0, 16)}.webp`);
    const thumbA = join(imagesDir, `out-${(p.idA ?? 'y').slice(0, 16)}.webp`);
    const [okB, okA] = await Promise.all([thumbnail(p.fileB, thumbB), thumbnail(p.fileA, thumbA)]);
    change.thumbs = { before: okB ? `images/${basename(thumbB)}` : null, after: okA ? `images/${basename(thumbA)}` : null, heatmap: change.thumbs?.heatmap ?? null };
  }
  await writeFileAtomic(cacheFile, JSON.stringify({ version: 1, entries: Object.fromEntries(used) }));
  return out;
}
