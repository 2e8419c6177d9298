import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ComparisonSchema } from '../../shared/model.ts';
import { comparisonRecord } from './record.ts';
import type { CompareOutput, PixelDiffOutput } from './types.ts';

function diff(patch: Partial<PixelDiffOutput> = {}): PixelDiffOutput {
  return {
    pixels: 6,
    ratio: 6 / 100,
    heatmapPng: new Uint8Array([1, 2, 3]),
    bounds: { x: 1, y: 1, width: 2, height: 3 },
    width: 10,
    height: 10,
    sizeMismatch: null,
    ...patch,
  };
}

describe('comparisonRecord', () => {
  it('stores each heatmap and returns a record that satisfies ComparisonSchema', async () => {
    const stored: Uint8Array[] = [];
    const putImage = async (bytes: Uint8Array) => {
      stored.push(bytes);
      return { id: createHash('sha256').update(bytes).digest('hex') };
    };
    const output: CompareOutput = {
      ab: { ...diff(), ssim: 0.9, psnr: 30, identical: false },
      vsSource: { A: diff({ heatmapPng: new Uint8Array([9]), sourceResizedFrom: '5x5' }), B: null },
      threshold: 0.1,
      metricsSize: 256,
    };
    const record = await comparisonRecord('poster#t1#r1', output, putImage);
    expect(() => ComparisonSchema.parse(record)).not.toThrow();
    expect(stored).toHaveLength(2);
    expect(record.ab.heatmapId).toBe(createHash('sha256').update(new Uint8Array([1, 2, 3])).digest('hex'));
    expect(record.ab).toMatchObject({ pixels: 6, ssim: 0.9, psnr: 30, identical: false });
    expect(record.vsSource.A).toMatchObject({ sourceResizedFrom: '5x5' });
    expect(record.vsSource.B).toBeNull();
  });

  it('keeps a size mismatch without a heatmap', async () => {
    const output: CompareOutput = {
      ab: {
        ...diff({ pixels: null, ratio: null, heatmapPng: null, bounds: null, sizeMismatch: { first: '10x10', second: '20x20' } }),
        ssim: 0.5,
        psnr: 12,
        identical: false,
      },
      vsSource: { A: null, B: null },
      threshold: 0.1,
      metricsSize: 256,
    };
    const record = await comparisonRecord('k', output, async () => {
      throw new Error('must not store anything');
    });
    expect(record.ab).toMatchObject({ heatmapId: null, sizeMismatch: { first: '10x10', second: '20x20' } });
    expect(() => ComparisonSchema.parse(record)).not.toThrow();
  });

  it('stores an infinite PSNR (identical images) and a NaN SSIM as null, so the record stays valid', async () => {
    const output: CompareOutput = {
      ab: { ...diff({ pixels: 0, ratio: 0, heatmapPng: null, bounds: null }), ssim: Number.NaN, psnr: Number.POSITIVE_INFINITY, identical: true },
      vsSource: { A: null, B: null },
      threshold: 0.1,
      metricsSize: 256,
    };
    const record = await comparisonRecord('same', output, async () => {
      throw new Error('no heatmap to store');
    });
    expect(record.ab).toMatchObject({ ssim: null, psnr: null, identical: true, pixels: 0 });
    expect(() => ComparisonSchema.parse(record)).not.toThrow();
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });
});
