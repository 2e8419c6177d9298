import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from './random.ts';
import {
  formatTeamDifference,
  formatTeamImprovement,
  formatTeamSeconds,
  latencyStats,
  summarizeSide,
  sweepPoints,
  tableRow,
  type SweepAxes,
  type SweepRequestRecord,
} from './sweep.ts';
import { formatDuration } from './units.ts';

const testdata = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/sweeps/testdata/${name}`, import.meta.url), 'utf8'));

describe('percentiles against numpy', () => {
  // fixtures/sweeps/testdata/numpy-reference.json is written by scripts/sweep-percentile-reference.py (numpy's default
  // linear interpolation, np.std ddof=0) from latencies a demo sweep recorded.
  const recorded = testdata('recorded-latencies.json') as { samples: Record<string, number[]> };
  const reference = testdata('numpy-reference.json') as { numpy: string; stats: Record<string, Record<string, number>> };
  const keys = Object.keys(recorded.samples);

  it('covers every recorded sample, the pooled ones of ~100 requests included', () => {
    expect(keys.length).toBeGreaterThan(40);
    expect(Object.keys(reference.stats).sort()).toEqual([...keys].sort());
    expect(recorded.samples['all/A']!.length).toBeGreaterThanOrEqual(90);
  });

  it.each(keys)('%s: mean, median, P90, P95, P99, std, min and max equal numpy to the printed digit', (key) => {
    const ours = latencyStats(recorded.samples[key]!);
    const ref = reference.stats[key]!;
    expect(ours.n).toBe(ref.n);
    for (const stat of ['mean', 'median', 'p90', 'p95', 'p99', 'std', 'min', 'max'] as const) {
      const value = ours[stat]!;
      // As printed (shared/units.ts) and far below it: the same arithmetic, not merely a close one.
      expect(formatDuration(value), `${key} ${stat}`).toBe(formatDuration(ref[stat]!));
      expect(Math.abs(value - ref[stat]!), `${key} ${stat}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref[stat]!)));
    }
  });
});

function record(pointId: string, side: 'A' | 'B', index: number, e2eMs: number, extra: Partial<SweepRequestRecord> = {}): SweepRequestRecord {
  return {
    pointId,
    side,
    index,
    warmup: false,
    session: 0,
    status: 'ok',
    scheduledMs: 0,
    sentMs: 0,
    clientWaitMs: 0,
    e2eMs,
    stages: {},
    peakMemoryMb: null,
    images: 1,
    promptTokens: 64,
    promptTokensSource: 'estimate',
    endpoint: 'POST /v1/images/edits',
    finishedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

describe('the A-vs-B table', () => {
  const axes: SweepAxes = { batch: [1, 2, 4], promptTokens: [512, 2048, 2560], concurrency: [1], requestRate: ['inf'], burstiness: 1 };

  it('improvement = (B − A) / B to two decimals, on seeded random latencies checked by an independent formula', () => {
    const rand = mulberry32(20261202);
    let rows = 0;
    for (const point of sweepPoints(axes)) {
      const n = 1 + Math.floor(rand() * 6);
      const a = Array.from({ length: n }, () => 50 + rand() * 2000);
      const b = Array.from({ length: n }, () => 50 + rand() * 2000);
      const records = [...a.map((ms, i) => record(point.id, 'A', i, ms)), ...b.map((ms, i) => record(point.id, 'B', i, ms))];
      const row = tableRow(point, axes, summarizeSide(point, 'A', records, n), summarizeSide(point, 'B', records, n));
      // Independently: sum in a different order, seconds first, then the team's formula.
      const aS = a.reduceRight((t, ms) => t + ms / 1000, 0) / n;
      const bS = b.reduceRight((t, ms) => t + ms / 1000, 0) / n;
      expect(formatTeamImprovement(row.improvementPercent)).toBe((((bS - aS) / bS) * 100).toFixed(2));
      expect(formatTeamDifference(row.differenceSeconds)).toBe((bS - aS).toFixed(4));
      expect(row.speedup).toBeCloseTo(bS / aS, 9);
      expect(row.label).toBe(`${point.batch}×${point.promptTokens} (n=${n})`);
      rows++;
    }
    expect(rows).toBe(9);
  });

  it("prints the team's row format", () => {
    const [point] = sweepPoints({ ...axes, batch: [4], promptTokens: [512] });
    const records = [record(point!.id, 'A', 0, 331.3), record(point!.id, 'A', 1, 331.3), record(point!.id, 'B', 0, 718.35), record(point!.id, 'B', 1, 718.35)];
    const row = tableRow(point!, { ...axes, batch: [4], promptTokens: [512] }, summarizeSide(point!, 'A', records, 2), summarizeSide(point!, 'B', records, 2));
    const line = [row.label, formatTeamSeconds(row.aSeconds), formatTeamSeconds(row.bSeconds), formatTeamDifference(row.differenceSeconds), formatTeamImprovement(row.improvementPercent)].join(' | ');
    // (0.71835 − 0.3313) / 0.71835 = 53.880 %: the team's 53.89 came from unrounded means.
    expect(line).toBe('4×512 (n=2) | 0.3313 | 0.71835 | 0.3871 | 53.88');
  });

  it('a side with failures: counted, never in the latencies; missing sides give no improvement', () => {
    const [point] = sweepPoints(axes);
    const records = [record(point!.id, 'A', 0, 100), record(point!.id, 'A', 1, 5, { status: 'error', error: { kind: 'http', message: 'x', retryable: false } })];
    const a = summarizeSide(point!, 'A', records, 2);
    expect(a).toMatchObject({ ok: 1, failed: 1, planned: 2 });
    expect(a.e2e.mean).toBe(100);
    expect(tableRow(point!, axes, a, null)).toMatchObject({ bSeconds: null, improvementPercent: null, speedup: null });
  });
});

describe('per point and side', () => {
  it('duration, throughput and images/s; warm-ups and sittings kept apart', () => {
    const [point] = sweepPoints({ batch: [2], promptTokens: [64], concurrency: [2], requestRate: ['inf'], burstiness: 1 });
    const id = point!.id;
    const records = [
      record(id, 'A', 0, 999, { warmup: true, sentMs: 0 }),
      record(id, 'A', 1, 100, { sentMs: 0, images: 2 }),
      record(id, 'A', 2, 100, { sentMs: 50, images: 2 }),
      // A second sitting (after --resume): its clock starts again; the downtime between does not count.
      record(id, 'A', 3, 200, { sentMs: 10, images: 2, session: 1 }),
    ];
    const s = summarizeSide(point!, 'A', records, 3);
    expect(s).toMatchObject({ ok: 3, failed: 0, warmup: 1 });
    expect(s.durationMs).toBe(150 + 200);
    expect(s.requestThroughput).toBeCloseTo(3 / 0.35, 9);
    expect(s.imageThroughput).toBeCloseTo(6 / 0.35, 9);
    expect(s.e2e.max).toBe(200);
  });
});
