import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareBenchResults, displayWidth, formatMetricDelta, renderComparisonMarkdown, renderComparisonText } from './bench-compare.ts';
import { compareMetricKeys, metricInfo } from './bench-metrics.ts';
import { parseBenchText } from './bench-parse.ts';
import type { BenchResult, BenchValue } from './bench-result.ts';

function result(name: string, metrics: Record<string, BenchValue>): BenchResult {
  return { source: `${name}.json`, kind: 'json', lineNumber: 1, heading: null, name, layout: 'test', metrics, detailOmitted: {}, unparsed: [], warnings: [] };
}

describe('metric directions', () => {
  it.each([
    ['request_throughput', 'higher'],
    ['output_throughput', 'higher'],
    ['completed', 'higher'],
    ['mean_ttft_ms', 'lower'],
    ['p99.9_e2el_ms', 'lower'],
    ['failed', 'lower'],
    ['request_rate', 'setting'],
    ['max_concurrency', 'setting'],
    ['total_input_tokens', 'info'],
    ['something_new', 'info'],
  ])('%s is %s', (key, direction) => {
    expect(metricInfo(key).direction).toBe(direction);
  });

  it('sorts keys the way vLLM prints them', () => {
    const keys = ['p99_e2el_ms', 'mean_ttft_ms', 'zeta', 'p99_ttft_ms', 'request_throughput', 'completed', 'mean_tpot_ms', 'median_ttft_ms'];
    expect([...keys].sort(compareMetricKeys)).toEqual(['completed', 'request_throughput', 'mean_ttft_ms', 'median_ttft_ms', 'p99_ttft_ms', 'mean_tpot_ms', 'p99_e2el_ms', 'zeta']);
  });
});

describe('compareBenchResults', () => {
  const before = result('before', { completed: 100, failed: 0, request_rate: 4, request_throughput: 3.9, mean_ttft_ms: 400, p99_e2el_ms: 9000 });

  it('absolute and relative deltas against the baseline, judged by direction', () => {
    const after = result('after', { completed: 100, failed: 0, request_rate: 4, request_throughput: 4.29, mean_ttft_ms: 300, p99_e2el_ms: 9045 });
    const cmp = compareBenchResults([before, after]);
    const row = (key: string) => cmp.rows.find((r) => r.key === key);
    expect(row('request_throughput')?.deltas[1]).toMatchObject({ judgement: 'better' });
    expect(row('request_throughput')?.deltas[1]?.rel).toBeCloseTo(0.1, 9);
    expect(row('mean_ttft_ms')?.deltas[1]).toEqual({ abs: -100, rel: -0.25, judgement: 'better' });
    expect(row('p99_e2el_ms')?.deltas[1]).toEqual({ abs: 45, rel: 0.005, judgement: 'same' }); // inside the 1 % band
    expect(row('request_rate')?.deltas[1]?.judgement).toBeNull();
    expect(row('mean_ttft_ms')?.deltas[0]).toBeNull();
    expect(cmp.verdicts).toHaveLength(1);
    expect(cmp.verdicts[0]?.outcome).toBe('worth-it');
    expect(cmp.verdicts[0]?.text).toBe('Worth it (after vs before): mean TTFT −25 %, request throughput +10 %; nothing worse beyond ±1.0 %.');
  });

  it('failures appearing from zero are worse, and turn the verdict mixed', () => {
    const after = result('after', { completed: 98, failed: 2, request_rate: 4, request_throughput: 4.5, mean_ttft_ms: 400, p99_e2el_ms: 9000 });
    const cmp = compareBenchResults([before, after]);
    expect(cmp.rows.find((r) => r.key === 'failed')?.deltas[1]).toEqual({ abs: 2, rel: null, judgement: 'worse' });
    expect(cmp.verdicts[0]?.outcome).toBe('mixed');
    expect(cmp.verdicts[0]?.text).toMatch(/worse failed requests 0 → 2/);
  });

  it('not worth it, and no change', () => {
    const slower = result('slower', { ...before.metrics, mean_ttft_ms: 500 });
    expect(compareBenchResults([before, slower]).verdicts[0]?.outcome).toBe('not-worth-it');
    const same = result('same', { ...before.metrics, mean_ttft_ms: 401 });
    expect(compareBenchResults([before, same]).verdicts[0]?.text).toBe('No change (same vs before): every headline metric within ±1.0 %.');
    expect(compareBenchResults([before, same], { noise: 0 }).verdicts[0]?.outcome).toBe('not-worth-it');
  });

  it('ignores TTFT pairs of zeros (a non-streaming endpoint) in the verdict', () => {
    const a = result('a', { mean_ttft_ms: 0, request_throughput: 1 });
    const b = result('b', { mean_ttft_ms: 0, request_throughput: 1 });
    expect(compareBenchResults([a, b]).verdicts[0]?.outcome).toBe('no-change');
    expect(compareBenchResults([result('x', { foo: 1 }), result('y', { foo: 2 })]).verdicts[0]?.outcome).toBe('no-data');
  });

  it('measures every result against the chosen baseline and notes different loads', () => {
    const c = result('c', { ...before.metrics, request_rate: 8 });
    const cmp = compareBenchResults([before, c, result('d', before.metrics)], { baseline: 1 });
    expect(cmp.verdicts.map((v) => [v.index, v.baseline])).toEqual([
      [0, 1],
      [2, 1],
    ]);
    expect(cmp.notes).toEqual(['Request rate (RPS) differs (4 vs 8 vs 4): the results put different loads on the server.']);
    expect(() => compareBenchResults([before])).toThrow(/at least two/);
    expect(() => compareBenchResults([before, c], { baseline: 2 })).toThrow(/between 1 and 2/);
  });

  it('Before/After blocks of the team notes: worth it, on the numbers as printed', () => {
    const text = readFileSync(new URL('../fixtures/bench/notes-ascend-before-after.md', import.meta.url), 'utf8');
    const cmp = compareBenchResults(parseBenchText(text, 'notes.md'));
    expect(cmp.verdicts[0]?.outcome).toBe('worth-it');
    const ttft = cmp.rows.find((r) => r.key === 'mean_ttft_ms')?.deltas[1];
    expect(ttft?.rel).toBeCloseTo((301.9 - 412.36) / 412.36, 12);
  });
});

describe('rendering', () => {
  const cmp = compareBenchResults([
    result('Before (ascend 优化)', { completed: 10, mean_ttft_ms: 412.36, request_throughput: 3.91 }),
    result('After | tuned', { completed: 10, mean_ttft_ms: 301.9, request_throughput: 3.93 }),
  ]);

  it('the terminal table shows values in units, deltas with words, sources and the verdict last', () => {
    const text = renderComparisonText(cmp);
    expect(text).toMatch(/Mean TTFT\s+412 ms\s+302 ms\s+−110 ms \(−27 %\) better/);
    expect(text).toMatch(/Request throughput\s+3\.91 req\/s\s+3\.93 req\/s\s+\+0\.02 req\/s \(\+0\.51 %\) same/);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^Worth it \(After \| tuned vs Before \(ascend 优化\)\)/);
    // CJK takes two columns: the first value column ends at the same display column in the header and the rows.
    const lines = text.split('\n');
    const header = lines[0] ?? '';
    const ttftLine = lines.find((l) => l.startsWith('Mean TTFT')) ?? '';
    const endOf = (line: string, cell: string) => displayWidth(line.slice(0, line.indexOf(cell) + cell.length));
    expect(endOf(header, '(baseline)')).toBe(endOf(ttftLine, '412 ms'));
  });

  it('Markdown escapes pipes and right-aligns numbers', () => {
    const md = renderComparisonMarkdown(cmp);
    const lines = md.split('\n');
    expect(lines[0]).toBe('| Metric | Before (ascend 优化) (baseline) | After \\| tuned | Δ After \\| tuned |');
    expect(lines[1]).toBe('| --- | ---: | ---: | ---: |');
    expect(md).toMatch(/\| Mean TTFT \| 412 ms \| 302 ms \| −110 ms \(−27 %\) better \|/);
    expect(md).toMatch(/\*\*Worth it/);
  });

  it('differences too small to show read as none', () => {
    expect(formatMetricDelta('mean_ttft_ms', -0.001)).toBe('±0');
    expect(formatMetricDelta('request_throughput', 0.04)).toBe('+0.04 req/s');
    expect(formatMetricDelta('duration', -0.59)).toBe('−590 ms');
    expect(displayWidth('优化 ab')).toBe(7);
  });
});

describe('sweep stage keys', () => {
  it('sort in pipeline order after the e2e statistics', () => {
    const keys = ['mean_vae_decode_ms', 'mean_denoise_ms', 'mean_upload_ms', 'p99_e2el_ms', 'mean_text_encode_ms', 'mean_download_ms', 'mean_zeta_ms'];
    expect([...keys].sort(compareMetricKeys)).toEqual(['p99_e2el_ms', 'mean_upload_ms', 'mean_text_encode_ms', 'mean_denoise_ms', 'mean_vae_decode_ms', 'mean_download_ms', 'mean_zeta_ms']);
  });
});
