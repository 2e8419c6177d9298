import { describe, expect, it } from 'vitest';
import { compareBenchResults } from './bench-compare.ts';
import { parseBenchText } from './bench-parse.ts';
import { sweepBenchResults } from './bench-sweep.ts';
import { sweepFixture } from './sweep-fixture.ts';

describe('sweep points as benchmark results', () => {
  const sweep = sweepFixture({ name: 'demo' });

  it('one result per point and side, with --save-result keys where they apply', () => {
    const rs = sweepBenchResults(sweep, 'sweeps/demo/sweep.json');
    expect(rs).toHaveLength(6);
    const a1 = rs[0]!;
    expect(a1).toMatchObject({ kind: 'sweep', name: 'demo 1×512 c1 A', sweepPoint: { pointId: 'b1-p512-c1-rinf', side: 'A', label: '1×512 c1' } });
    // A at c1: 350, 360, 370, 380 ms back to back.
    expect(a1.metrics).toMatchObject({
      completed: 4,
      failed: 0,
      num_prompts: 4,
      max_concurrency: 1,
      request_rate: 'inf',
      duration: 1.46,
      mean_e2el_ms: 365,
      median_e2el_ms: 365,
      p99_e2el_ms: 379.7,
      mean_denoise_ms: 219,
      peak_memory_mib: 22048,
    });
    expect(a1.metrics.request_throughput).toBeCloseTo(4 / 1.46, 12);
  });

  it('sweep.json parses into the same results, and A vs B at a point compares like vllm results', () => {
    const rs = parseBenchText(JSON.stringify(sweep), 'sweep.json');
    expect(rs).toEqual(sweepBenchResults(sweep, 'sweep.json'));
    const cmp = compareBenchResults([rs[1]!, rs[0]!]); // B as the baseline, A against it
    expect(cmp.rows.find((r) => r.key === 'mean_e2el_ms')?.deltas[1]).toMatchObject({ abs: -400, judgement: 'better' });
    expect(cmp.verdicts[0]?.outcome).toBe('worth-it');
  });

  it('a sweep.json that does not match the schema says which field', () => {
    const broken = JSON.parse(JSON.stringify(sweep)) as { points: Array<{ point: { batch: unknown } }> };
    broken.points[0]!.point.batch = 'four';
    expect(() => parseBenchText(JSON.stringify(broken), 'sweep.json')).toThrow(/^sweep\.json: looks like a sweep's sweep\.json but points\.0\.point\.batch:/);
  });
});
