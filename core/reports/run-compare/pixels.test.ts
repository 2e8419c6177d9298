/**
 * Each side's pixel change between two seeded runs (the real store, the real compare pool): identical bytes are not
 * decoded, changed outputs get a heatmap, only the MAX_PICTURED most changed sides get before/after thumbnails, and a
 * second pass into the same folder reads the cache instead of comparing again.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchPairs } from '../../../shared/run-compare.ts';
import type { ComparePool, CompareTask } from '../../compare/types.ts';
import { createComparePool } from '../../compare/pool.ts';
import { seedRun } from '../../testing/seed-run.ts';
import { loadRunForCompare } from './load-run.ts';
import { MAX_PICTURED, measurePixelChanges } from './pixels.ts';

let root: string;
const PAIRS = MAX_PICTURED + 10;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'omni-compare-pixels-'));
  await seedRun(join(root, 'before'), { id: 'before', pairs: PAIRS, chainEvery: 0 });
  await seedRun(join(root, 'after'), { id: 'after', pairs: PAIRS, chainEvery: 0, aImageChangeEvery: 1 });
}, 120_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The real pool, counting the comparisons it is asked for. */
function countingPool(): { pool: ComparePool; tasks: CompareTask[] } {
  const real = createComparePool();
  const tasks: CompareTask[] = [];
  return { tasks, pool: { compare: (t) => (tasks.push(t), real.compare(t)), close: () => real.close() } };
}

describe('measurePixelChanges', () => {
  it('compares only what differs, pictures the most changed sides, and reuses its cache', async () => {
    const before = await loadRunForCompare(join(root, 'before'), 'first run');
    const after = await loadRunForCompare(join(root, 'after'), 'second run');
    const match = matchPairs(before.report, after.report);
    const outDir = join(root, 'cmp');
    const first = countingPool();
    let changes;
    try {
      changes = await measurePixelChanges(match, { outDir, dirs: { before: before.dir, after: after.dir }, pool: first.pool });
    } finally {
      await first.pool.close();
    }
    // B's outputs are the same bytes in both runs: never sent to the pool.
    expect(first.tasks).toHaveLength(PAIRS);
    const all = [...changes.values()];
    expect(all.every((c) => c.B?.state === 'identical')).toBe(true);
    expect(all.every((c) => c.A?.state === 'changed' && (c.A.ratio ?? 0) > 0.99)).toBe(true);
    const withPictures = all.filter((c) => c.A?.thumbs?.before && c.A.thumbs.after && c.A.thumbs.heatmap);
    expect(withPictures).toHaveLength(MAX_PICTURED);
    expect(all.filter((c) => c.A?.thumbs === null)).toHaveLength(PAIRS - MAX_PICTURED);
    const files = await readdir(join(outDir, 'images'));
    expect(files.filter((f) => f.startsWith('heat-')).length).toBeGreaterThan(0);

    const second = countingPool();
    try {
      const again = await measurePixelChanges(match, { outDir, dirs: { before: before.dir, after: after.dir }, pool: second.pool });
      expect(second.tasks).toHaveLength(0);
      expect([...again.values()].map((c) => c.A?.state)).toEqual(all.map((c) => c.A?.state));
    } finally {
      await second.pool.close();
    }
  }, 180_000);
});
