/**
 * A sweep's points as benchmark results, so `bench compare` reads them like `vllm bench serve` output: each point
 * and side becomes one result whose metrics use the same --save-result keys where they apply (completed, failed,
 * duration in s, request_throughput, mean_/median_/std_/p90_/p95_/p99_e2el_ms, client queue time) plus what only
 * a sweep has (images_per_s, peak_memory_mib, per-stage statistics as mean_<stage>_ms, …).
 */
import type { BenchResult, BenchValue } from './bench-result.ts';
import { configurationLabel, type LatencyStats, type SweepResult } from './sweep.ts';

const STAT_KEYS: ReadonlyArray<[keyof LatencyStats, string]> = [
  ['mean', 'mean'],
  ['median', 'median'],
  ['std', 'std'],
  ['p90', 'p90'],
  ['p95', 'p95'],
  ['p99', 'p99'],
];

function putStats(into: Record<string, BenchValue>, attr: string, stats: LatencyStats | undefined): void {
  if (!stats || stats.n === 0) return;
  for (const [field, prefix] of STAT_KEYS) into[`${prefix}_${attr}_ms`] = stats[field];
}

export function sweepBenchResults(sweep: SweepResult, source: string): BenchResult[] {
  const out: BenchResult[] = [];
  for (const p of sweep.points) {
    for (const side of ['A', 'B'] as const) {
      const s = side === 'A' ? p.A : p.B;
      if (!s) continue;
      const metrics: Record<string, BenchValue> = {
        completed: s.ok,
        failed: s.failed,
        num_prompts: s.planned,
        batch: p.point.batch,
        prompt_tokens: p.point.promptTokens,
        max_concurrency: p.point.concurrency,
        request_rate: p.point.requestRate,
        burstiness: p.point.burstiness,
        duration: s.durationMs === null ? null : s.durationMs / 1000,
        request_throughput: s.requestThroughput,
        images_per_s: s.imageThroughput,
        peak_memory_mib: s.peakMemoryMb,
      };
      putStats(metrics, 'e2el', s.e2e);
      putStats(metrics, 'client_queue_time', s.clientWait);
      for (const [stage, stats] of Object.entries(s.stages)) putStats(metrics, stage, stats);
      const label = configurationLabel(p.point, sweep.spec.axes, null);
      out.push({
        source,
        kind: 'sweep',
        lineNumber: null,
        heading: null,
        name: `${sweep.summary.name} ${label} ${side}`,
        layout: `omni-review sweep (${sweep.summary.backends[side].label}${sweep.summary.backends[side].simulated ? ', simulated' : ''})`,
        metrics,
        detailOmitted: {},
        unparsed: [],
        warnings: s.ok + s.failed < s.planned ? [`point ${p.point.id} side ${side} is unfinished: ${s.ok + s.failed} of ${s.planned} requests`] : [],
        sweepPoint: { sweepId: sweep.summary.id, pointId: p.point.id, label, side },
      });
    }
  }
  return out;
}
