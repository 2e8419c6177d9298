import { describe, expect, it } from 'vitest';
import { axisFor, layoutWaterfall, niceTicks, sparklinePoints, sparkStats, stageColor } from './waterfall.ts';

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
    // A: no server total, so the rest of its wait is `not reported`; 20 ms in our own queue first.
    { stages: { upload: 10, text_encode: 100, denoise: 600, download: 40 }, e2eMs: 1000, clientWaitMs: 20, serverTotalMs: null },
    // B: stages in the wrong key order, a total (forward) of 1500; the server claims more than the client waited.
    { stages: { vae_decode: 300, denoise: 1000, upload: 5, download: 45 }, e2eMs: 1400, serverTotalMs: 1500 },
  ]);

  it('shares one axis between the rows', () => {
    expect(layout.axisMs).toBe(1500);
    expect(layout.ticks[layout.ticks.length - 1]).toBe(1500);
  });

  it('draws in time: client queue and upload first, stages in documented order, download ending at the last byte', () => {
    const [a] = layout.rows;
    expect(a?.segments.map((s) => [s.name, s.startMs, s.ms, s.placement])).toEqual([
      ['client_queue', 0, 20, 'measured'],
      ['upload', 20, 10, 'measured'],
      ['text_encode', 30, 100, 'documented'],
      ['denoise', 130, 600, 'documented'],
      ['not_reported', 730, 250, 'documented'],
      ['download', 980, 40, 'measured'],
    ]);
    expect(a?.segments[2]?.left).toBeCloseTo(30 / 1500);
    expect(a?.e2eAt).toBeCloseTo(1020 / 1500);
    expect(a?.stagesAt).toBeCloseTo(730 / 1500);
  });

  it('puts every millisecond in a bucket: the segments add up to client queue + e2e', () => {
    const sum = (i: number): number => layout.rows[i]!.segments.reduce((t, s) => t + s.ms, 0);
    expect(sum(0)).toBeCloseTo(1020, 9);
    // Row B: 1350 ms window, a 1500 ms server total: `not reported` is −150 (not drawn), overlap says so.
    expect(layout.rows[1]?.overlapMs).toBeCloseTo(150, 9);
    expect(layout.rows[1]?.segments.map((s) => s.name)).toEqual(['upload', 'denoise', 'vae_decode', 'other_server', 'download']);
    expect(layout.rows[1]?.segments.find((s) => s.name === 'other_server')?.ms).toBe(200);
  });

  it('builds the legend from both rows in drawing order', () => {
    expect(layout.stageNames).toEqual(['client_queue', 'upload', 'text_encode', 'denoise', 'not_reported', 'download', 'vae_decode', 'other_server']);
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
