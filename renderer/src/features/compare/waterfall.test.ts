import { describe, expect, it } from 'vitest';
import { axisFor, layoutWaterfall, niceTicks, sparklinePoints, sparkStats, stageColor, stageEntries } from './waterfall.ts';

describe('stageEntries', () => {
  it('orders canonical stages by pipeline position, unknown keys after, totals dropped', () => {
    const entries = stageEntries({ vae_decode: 3, zeta_custom: 1, queue: 1, denoise: 10, total: 99, e2e: 50, text_encode: 2, alpha_custom: 1 });
    expect(entries.map(([n]) => n)).toEqual(['queue', 'text_encode', 'denoise', 'vae_decode', 'alpha_custom', 'zeta_custom']);
  });

  it('drops negative and non-finite values', () => {
    expect(stageEntries({ denoise: -1, queue: NaN, decode: 5 })).toEqual([['decode', 5]]);
  });
});

describe('niceTicks / axisFor', () => {
  it('chooses round steps', () => {
    expect(niceTicks(1000)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(2.3, 5)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(niceTicks(0)).toEqual([0]);
  });

  it('ends the axis on a tick at or past the longest row', () => {
    expect(axisFor([{ stagesMs: 900, e2eMs: 1250 }, { stagesMs: 1300, e2eMs: null }])).toBe(1500);
    expect(axisFor([{ stagesMs: 1000, e2eMs: 1000 }])).toBe(1000);
    expect(axisFor([{ stagesMs: 0, e2eMs: null }])).toBe(0);
  });
});

describe('layoutWaterfall', () => {
  const layout = layoutWaterfall([
    { stages: { denoise: 600, text_encode: 100, queue: 50 }, e2eMs: 1000 },
    { stages: { denoise: 1500, vae_decode: 300 }, e2eMs: 1700 },
  ]);

  it('shares one axis between the rows', () => {
    expect(layout.axisMs).toBe(2000);
    expect(layout.ticks[layout.ticks.length - 1]).toBe(2000);
  });

  it('lays stages end to end in pipeline order', () => {
    const [a] = layout.rows;
    expect(a?.segments.map((s) => [s.name, s.startMs, s.ms])).toEqual([
      ['queue', 0, 50],
      ['text_encode', 50, 100],
      ['denoise', 150, 600],
    ]);
    expect(a?.segments[1]?.left).toBeCloseTo(50 / 2000);
    expect(a?.segments[2]?.width).toBeCloseTo(600 / 2000);
    expect(a?.stagesAt).toBeCloseTo(750 / 2000);
    expect(a?.e2eAt).toBeCloseTo(1000 / 2000);
  });

  it('reports unaccounted time and overlap', () => {
    expect(layout.rows[0]?.unaccountedMs).toBe(250);
    expect(layout.rows[0]?.overlapMs).toBe(0);
    expect(layout.rows[1]?.unaccountedMs).toBe(0);
    expect(layout.rows[1]?.overlapMs).toBe(100);
  });

  it('builds the legend from both rows', () => {
    expect(layout.stageNames).toEqual(['queue', 'text_encode', 'denoise', 'vae_decode']);
  });

  it('copes with a side that has no timings', () => {
    const l = layoutWaterfall([{ stages: {}, e2eMs: null }, { stages: { denoise: 10 }, e2eMs: 12 }]);
    expect(l.rows[0]).toMatchObject({ segments: [], e2eAt: null, unaccountedMs: 0 });
    expect(l.axisMs).toBeGreaterThanOrEqual(12);
  });
});

describe('stageColor', () => {
  it('is stable and distinguishes stages', () => {
    expect(stageColor('denoise')).toBe(stageColor('denoise'));
    expect(stageColor('denoise')).not.toBe(stageColor('text_encode'));
    expect(stageColor('some.unknown_key')).toMatch(/^hsl\(\d+ /);
  });
});

describe('sparkline', () => {
  it('summarises steps', () => {
    expect(sparkStats([10, 20, 30])).toEqual({ count: 3, min: 10, max: 30, mean: 20, total: 60 });
    expect(sparkStats([])).toBeNull();
  });

  it('draws from a zero baseline so a flat series stays flat', () => {
    const pts = sparklinePoints([10, 10, 10], 22, 12).split(' ');
    expect(pts).toHaveLength(3);
    const ys = pts.map((p) => Number(p.split(',')[1]));
    expect(new Set(ys).size).toBe(1);
    expect(ys[0]).toBeCloseTo(1); // the max sits at the top inset
    expect(pts[0]?.startsWith('1.0,')).toBe(true);
    expect(pts[2]?.startsWith('21.0,')).toBe(true);
  });

  it('uses a shared maximum when given', () => {
    const [p] = sparklinePoints([5, 5], 10, 12, 10).split(' ');
    expect(Number(p?.split(',')[1])).toBeCloseTo(6); // halfway down the 10 px inner height
  });
});
