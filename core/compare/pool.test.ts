import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { THUMBNAIL_CACHE_DIR, ThumbnailCache, thumbnailSpecOf } from '../reports/thumbnails.ts';
import { createComparePool, defaultPoolSize } from './pool.ts';
import { BASE_HEIGHT as H, BASE_WIDTH as W, baseRgba, fillRect, imageDir, type ImageDir } from './test-fixtures/images.ts';

const CRASHING_WORKER = new URL('./test-fixtures/crashing-worker.ts', import.meta.url);

let imgs: ImageDir;
let base: string;
let small: string;
let large: string;
let jpeg: string;

beforeAll(async () => {
  imgs = await imageDir('omni-pool-');
  const px = baseRgba();
  base = await imgs.write('base.png', px, W, H);
  small = await imgs.write('small.png', fillRect(px, W, { x: 1, y: 1, width: 2, height: 3 }, [250, 250, 20]), W, H);
  large = await imgs.write('large.png', fillRect(px, W, { x: 20, y: 2, width: 12, height: 10 }, [250, 250, 20]), W, H);
  jpeg = await imgs.write('base.jpg', px, W, H, 'jpeg');
});
afterAll(async () => {
  await imgs.cleanup();
});

describe('defaultPoolSize', () => {
  it('leaves a core for the main thread and never exceeds 2', () => {
    expect(defaultPoolSize(1)).toBe(1);
    expect(defaultPoolSize(2)).toBe(1);
    expect(defaultPoolSize(3)).toBe(2);
    expect(defaultPoolSize(64)).toBe(2);
  });
});

describe('createComparePool', () => {
  it('compares in worker threads and gives every caller its own result', async () => {
    const pool = createComparePool({ size: 2 });
    try {
      const [s, l, same, mixed] = await Promise.all([
        pool.compare({ a: base, b: small }),
        pool.compare({ a: base, b: large, sourceA: base, sourceB: base }),
        pool.compare({ a: base, b: base }),
        pool.compare({ a: base, b: jpeg }),
      ]);
      expect(s.ab.pixels).toBe(6);
      expect(s.ab.bounds).toEqual({ x: 1, y: 1, width: 2, height: 3 });
      expect(l.ab.pixels).toBe(120);
      expect(l.vsSource.B?.bounds).toEqual({ x: 20, y: 2, width: 12, height: 10 });
      expect(l.vsSource.A?.pixels).toBe(0);
      // Heatmap bytes survive the thread hop as a real PNG.
      expect(Buffer.from(l.ab.heatmapPng as Uint8Array).subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(same.ab.identical).toBe(true);
      expect(mixed.ab.identical).toBe(false);
      expect(mixed.ab.ssim).toBeGreaterThan(0.9);
    } finally {
      await pool.close();
    }
  });

  it('rejects an undecodable file with a message naming it, and keeps working', async () => {
    const notes = await imgs.writeBytes('notes.txt', 'hello');
    const pool = createComparePool({ size: 1 });
    try {
      await expect(pool.compare({ a: notes, b: base })).rejects.toThrow(/cannot decode image .*notes\.txt/);
      await expect(pool.compare({ a: base, b: small })).resolves.toMatchObject({ ab: { pixels: 6 } });
    } finally {
      await pool.close();
    }
  });

  it('rejects bad task options without reaching a worker', async () => {
    const pool = createComparePool({ size: 1 });
    try {
      await expect(pool.compare({ a: base, b: base, metricsSize: 4 })).rejects.toThrow(/metricsSize must be/);
      await expect(pool.compare({ a: '', b: base })).rejects.toThrow(/file paths of both outputs/);
    } finally {
      await pool.close();
    }
  });

  it('rejects a bad pool size', () => {
    expect(() => createComparePool({ size: 0 })).toThrow(/pool size must be an integer between 1 and 64/);
  });

  it('close() drains queued work, then refuses new tasks; closing twice is harmless', async () => {
    const pool = createComparePool({ size: 1 });
    const tasks = [pool.compare({ a: base, b: small }), pool.compare({ a: base, b: large }), pool.compare({ a: base, b: base })];
    const closing = pool.close();
    const results = await Promise.all(tasks);
    expect(results.map((r) => r.ab.pixels)).toEqual([6, 120, 0]);
    await closing;
    await pool.close();
    await expect(pool.compare({ a: base, b: base })).rejects.toThrow(/pool is closed/);
  });

  it('makes report thumbnails on a worker into the folder\'s cache, keyed as the report keys them', async () => {
    await imgs.writeBytes('notes.txt', 'hello');
    const pool = createComparePool({ size: 1 });
    try {
      const job = {
        reportDir: imgs.dir,
        images: [
          { rel: 'base.png', heatmap: false },
          { rel: 'large.png', heatmap: true },
          { rel: 'notes.txt', heatmap: false },
          { rel: 'gone.png', heatmap: false },
        ],
      };
      // An image that is not one, or is missing, is counted and left to the report; the job still succeeds.
      await expect(pool.thumbnails(job)).resolves.toEqual({ ready: 2, failed: 2 });
      const cache = new ThumbnailCache(join(imgs.dir, THUMBNAIL_CACHE_DIR));
      const keyOf = (rel: string, heatmap: boolean): Promise<string> => {
        const spec = thumbnailSpecOf(heatmap);
        return ThumbnailCache.keyOf(join(imgs.dir, rel), `${spec.format}|${spec.size}|${spec.quality}`);
      };
      await expect(cache.get(await keyOf('base.png', false))).resolves.toMatchObject({ mime: 'image/avif' });
      await expect(cache.get(await keyOf('large.png', true))).resolves.toMatchObject({ mime: 'image/webp' });
      // Again (a resumed run): found in the cache, not made again (a thumbnail made again is a new file).
      const files = async (): Promise<Array<[string, number]>> => {
        const names = (await readdir(join(imgs.dir, THUMBNAIL_CACHE_DIR))).sort();
        return Promise.all(names.map(async (n): Promise<[string, number]> => [n, (await stat(join(imgs.dir, THUMBNAIL_CACHE_DIR, n))).ino]));
      };
      const before = await files();
      await expect(pool.thumbnails(job)).resolves.toEqual({ ready: 2, failed: 2 });
      expect(await files()).toEqual(before);
    } finally {
      await pool.close();
    }
  });

  it('close() on a pool that never worked returns at once', async () => {
    await createComparePool().close();
  });
});

describe('createComparePool worker failures', () => {
  it('rejects the task of a worker that exits mid-task and replaces the worker', async () => {
    const pool = createComparePool({ size: 1, workerUrl: CRASHING_WORKER });
    try {
      const crashed = pool.compare({ a: `${imgs.dir}/crash-exit.png`, b: base });
      const after = pool.compare({ a: base, b: large });
      await expect(crashed).rejects.toThrow(/comparison worker crashed while comparing .*crash-exit\.png and .*base\.png: exited with code 7/);
      await expect(after).resolves.toMatchObject({ ab: { pixels: 120 } });
    } finally {
      await pool.close();
    }
  });

  it('rejects a thumbnail job whose worker crashes, and keeps comparing', async () => {
    const pool = createComparePool({ size: 1, workerUrl: CRASHING_WORKER });
    try {
      const crashed = pool.thumbnails({ reportDir: `${imgs.dir}/crash-exit`, images: [{ rel: 'base.png', heatmap: false }] });
      const after = pool.compare({ a: base, b: large });
      await expect(crashed).rejects.toThrow(/comparison worker crashed while making report thumbnails in .*crash-exit: exited with code 7/);
      await expect(after).resolves.toMatchObject({ ab: { pixels: 120 } });
    } finally {
      await pool.close();
    }
  });

  it('reports an uncaught exception in a worker as the crash reason', async () => {
    const pool = createComparePool({ size: 1, workerUrl: CRASHING_WORKER });
    try {
      await expect(pool.compare({ a: `${imgs.dir}/crash-throw.png`, b: base })).rejects.toThrow(/crashed .*simulated worker bug/);
      await expect(pool.compare({ a: base, b: small })).resolves.toMatchObject({ ab: { pixels: 6 } });
    } finally {
      await pool.close();
    }
  });

  it('fails queued tasks with the start error when the worker module cannot load, without respawning forever', async () => {
    const missing = new URL('./test-fixtures/no-such-worker.ts', import.meta.url);
    const pool = createComparePool({ size: 2, workerUrl: missing });
    try {
      const results = await Promise.allSettled([pool.compare({ a: base, b: base }), pool.compare({ a: base, b: small })]);
      for (const r of results) {
        expect(r.status).toBe('rejected');
        expect(String((r as PromiseRejectedResult).reason)).toMatch(/comparison worker failed to start \(file:.*no-such-worker\.ts\)/);
      }
    } finally {
      await pool.close();
    }
  });
});
