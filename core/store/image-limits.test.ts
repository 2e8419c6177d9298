/**
 * Finding 2 of issue 9: a 31 KB PNG declaring 16000×16000 pixels came back as the output of a 1024×1024 request, was
 * stored as `ok` and decoded in full (3.4 GB, 9 minutes). Sizes are now checked from the header before any decode.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../compare/compare-images.ts';
import { inspectImage, InvalidImageError } from './image-file.ts';
import { MAX_IMAGE_PIXELS, oversizeProblem } from './image-limits.ts';
import { pngBomb } from './png-bomb.ts';
import { openRunStore } from './run-store.ts';
import { sampleRunConfig, solidPng, tempDir } from './testing.ts';

describe('oversizeProblem', () => {
  it('holds an output to four times the requested pixels and everything to the pixel budget', () => {
    const req = { width: 1024, height: 1024 };
    expect(oversizeProblem({ width: 1024, height: 1024 }, req)).toBeUndefined();
    expect(oversizeProblem({ width: 768, height: 1024 }, req)).toBeUndefined(); // a wrong size is the comparison's business
    expect(oversizeProblem({ width: 2048, height: 2048 }, req)).toBeUndefined();
    expect(oversizeProblem({ width: 2064, height: 2048 }, req)).toMatch(/2064x2048 .* for a 1024x1024 request, more than 4× the requested pixels/);
    expect(oversizeProblem({ width: 4096, height: 4096 })).toBeUndefined();
    expect(MAX_IMAGE_PIXELS).toBe(4096 * 4096);
    expect(oversizeProblem({ width: 4097, height: 4096 })).toMatch(/more than the 16\.8 MP limit/);
    expect(oversizeProblem({ width: 4096, height: 4096 }, { width: 4096, height: 4096 })).toBeUndefined();
    expect(oversizeProblem({ width: 8192, height: 8192 }, { width: 4096, height: 4096 })).toMatch(/16\.8 MP limit/);
  });
});

describe('a decompression bomb', () => {
  const bomb = pngBomb(16000, 16000);
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('bomb'));
  });
  afterEach(async () => cleanup());

  it('is a small file', () => {
    expect(bomb.length).toBeLessThan(40_000);
  });

  it('is refused from its header as the output of a 1024x1024 request, saying what it declares', async () => {
    const error = await inspectImage(bomb, { width: 1024, height: 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidImageError);
    expect((error as Error).message).toMatch(/header says 16000x16000 \(256\.0 MP\) for a 1024x1024 request.*not decoded/);
    expect((error as Error).message).not.toMatch(/truncated or corrupt/);
  });

  it('is refused by the pixel budget without a requested size, even one over sharp\'s own limit', async () => {
    await expect(inspectImage(bomb)).rejects.toThrow(/16000x16000 .*more than the 16\.8 MP limit/);
    const huge = pngBomb(30000, 30000);
    const error = await inspectImage(huge).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/30000x30000 \(900\.0 MP\)/);
    expect((error as Error).message).not.toMatch(/truncated or corrupt/);
  });

  it('is never stored by the run store', async () => {
    const store = await openRunStore(path.join(dir, 'run'), { create: sampleRunConfig() });
    try {
      await expect(store.putImage(bomb, { width: 1024, height: 1024 })).rejects.toThrow(InvalidImageError);
      // An image already stored is held to the requested size too when it comes back as an output.
      const big = await solidPng(1024, 1024, [10, 20, 30]);
      await store.putImage(big);
      await expect(store.putImage(big, { width: 256, height: 256 })).rejects.toThrow(/1024x1024 .* for a 256x256 request/);
      await expect(store.putImage(big, { width: 1024, height: 1024 })).resolves.toMatchObject({ width: 1024, height: 1024 });
    } finally {
      store.close();
    }
  });

  it('is refused by the comparison decoder before decoding (a file changed behind the store\'s back)', async () => {
    const file = path.join(dir, 'bomb.png');
    await writeFile(file, bomb);
    await expect(decodeImageFile(file)).rejects.toThrow(/bomb\.png is too large to compare: its header says 16000x16000/);
  });
});
