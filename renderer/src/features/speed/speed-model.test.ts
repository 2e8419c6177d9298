import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { describe, expect, it } from 'vitest';
import { imageThroughputChart, latencyChart, memoryChart, stageStackChart, throughputChart, type ChartSpec } from './chart-options.ts';
import {
  UNACCOUNTED,
  axisGroups,
  axisValues,
  defaultGroup,
  resultRows,
  resultsMarkdown,
  stageRows,
  stageStack,
  sweepCsv,
  teamMarkdown,
  teamRows,
} from './speed-model.ts';
import { sweepFixture } from '../../../../shared/sweep-fixture.ts';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, SVGRenderer]);

/** The chart as ECharts draws it (SVG, server-side): what the screen and the SVG export show. */
function svgOf(spec: ChartSpec): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 800, height: 360 });
  chart.setOption(spec.option);
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

// Latencies we set: A = 300 + 50·c + 10·i ms, B = 700 + 50·c + 10·i ms for the i-th of 4 requests at concurrency c.
const result = sweepFixture();

describe('the team A-vs-B table', () => {
  it('mean e2e seconds, B − A, (B − A)/B to two decimals and the speed-up, computed from the latencies', () => {
    const rows = teamRows(result);
    expect(rows.map((r) => r.label)).toEqual(['1×512 c1 (n=4)', '1×512 c2 (n=4)', '1×512 c4 (n=4)']);
    // c = 1: A mean = 365 ms, B mean = 765 ms → 0.4 s, (0.765 − 0.365) / 0.765 = 52.29 %, 0.765 / 0.365 = 2.10×.
    expect(rows[0]).toMatchObject({ a: '0.365', b: '0.765', difference: '0.4', improvement: '52.29', speedup: 'A 2.10× faster', aFaster: true });
    expect(teamMarkdown(result).split('\n').slice(0, 3)).toEqual([
      '| Configuration | A E2E (s) | B E2E (s) | B − A (s) | Improvement (%) | Speed-up |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      '| 1×512 c1 (n=4) | 0.365 | 0.765 | 0.4 | 52.29 | A 2.10× faster |',
    ]);
  });
});

describe('the results table per point and side', () => {
  it('counts, throughput and e2e percentiles through the unit rule', () => {
    const withFailure = sweepFixture({ fails: (p, side, i) => p.concurrency === 2 && side === 'B' && i === 3 });
    const rows = resultRows(withFailure);
    expect(rows).toHaveLength(6);
    const a1 = rows.find((r) => r.key === 'b1-p512-c1-rinf:A');
    // A at c1: 350, 360, 370, 380 ms, one after another (duration 1.46 s) → 2.74 req/s; numpy P99 = 379.7 ms.
    expect(a1?.cells).toMatchObject({ ok: '4', failed: '0', duration: '1,460 ms', requestThroughput: '2.74 req/s', mean: '365 ms', p99: '380 ms', median: '365 ms' });
    expect(a1?.cells.peakMemory).toBe('21.5 GB');
    expect(a1?.cells.promptTokens).toBe('≈512 est.');
    const b2 = rows.find((r) => r.key === 'b1-p512-c2-rinf:B');
    expect(b2?.cells).toMatchObject({ ok: '3', failed: '1', promptTokens: '512' });
    expect(resultsMarkdown(withFailure).split('\n')[0]).toBe(
      '| Point | Side | Successful | Failed | Duration | Requests/s | Images/s | E2E mean | Median | P90 | P95 | P99 | Std dev | Peak memory | Prompt tokens |',
    );
  });

  it('stage percentiles for a point, compared stages in pipeline order', () => {
    const rows = stageRows(result.points[0]!);
    expect([...new Set(rows.map((r) => r.stage))]).toEqual(['upload', 'text_encode', 'denoise', 'vae_decode', 'download']);
    const denoiseA = rows.find((r) => r.stage === 'denoise' && r.side === 'A');
    expect(denoiseA?.stats.mean).toBeCloseTo(365 * 0.6, 9);
  });
});

describe('exports', () => {
  it('CSV carries every figure: one row per point and side, stage columns, the team row beside it', () => {
    const csv = sweepCsv(result).trimEnd().split('\n');
    expect(csv).toHaveLength(1 + 3 * 2);
    const header = csv[0]!.split(',');
    expect(header).toEqual(expect.arrayContaining(['e2e_p99_ms', 'stage_denoise_p95_ms', 'peak_memory_mib', 'improvement_percent', 'speedup_b_over_a']));
    const row = Object.fromEntries(csv[1]!.split(',').map((v, i) => [header[i], v]));
    expect(row).toMatchObject({ point_id: 'b1-p512-c1-rinf', side: 'A', ok: '4', e2e_mean_ms: '365', a_e2e_mean_s: '0.365', b_e2e_mean_s: '0.765' });
    expect(Number(row.improvement_percent)).toBeCloseTo(52.287581, 5);
  });

  it('guards CSV cells a spreadsheet would run as a formula', () => {
    const r = sweepFixture({ name: '=HYPERLINK("x")' });
    r.points[0]!.row.label = '=cmd|x';
    expect(sweepCsv(r).split('\n')[1]).toContain(`,'=cmd|x,`);
  });
});

describe('chart series', () => {
  it('one group per combination of the other axes, sorted along the axis', () => {
    const two = sweepFixture({ axes: { batch: [1, 2], concurrency: [4, 1], requestRate: [2, 'inf'] } });
    expect(axisValues(two, 'requestRate')).toEqual([2, 'inf']);
    const groups = axisGroups(two, 'concurrency');
    expect(groups.map((g) => g.label)).toEqual([
      'batch size 1 · request rate 2/s',
      'batch size 1 · request rate inf',
      'batch size 2 · request rate 2/s',
      'batch size 2 · request rate inf',
    ]);
    expect(groups[0]?.points.map((p) => p.point.concurrency)).toEqual([1, 4]);
    // Charts open on the saturated load where there is one; along the rate axis itself, on the first group.
    expect(defaultGroup(groups, 'concurrency')?.label).toBe('batch size 1 · request rate inf');
    expect(defaultGroup(axisGroups(two, 'requestRate'), 'requestRate')?.label).toBe('batch size 1 · concurrency 4'); // the spec lists concurrency 4 first
    expect(axisGroups(result, 'concurrency').map((g) => g.label)).toEqual(['all points']);
  });

  it('the stage stack puts each point\'s A bar beside its B bar, each adding up to the mean e2e', () => {
    const stack = stageStack(result);
    expect(stack.categories.slice(0, 2)).toEqual(['1×512 c1 · A', '1×512 c1 · B']);
    const total = (i: number) => stack.stages.reduce((s, st) => s + (st.values[i] ?? 0), 0);
    expect(total(0)).toBeCloseTo(365, 9);
    expect(total(1)).toBeCloseTo(765, 9);
    // 5 + 5 ms of transfer and 90 % of e2e in stages leave the rest unaccounted, shown as such.
    expect(stack.stages.at(-1)?.stage).toBe(UNACCOUNTED);
  });

  it('every chart draws its series and ticks (ECharts, SVG)', () => {
    const g = axisGroups(result, 'concurrency')[0]!;
    const latency = svgOf(latencyChart(g, 'concurrency'));
    for (const text of ['A P50', 'B P50', 'A P99', 'B P99', 'Latency (P50, P99) vs concurrency', '>4<']) expect(latency).toContain(text);
    expect(latency).toMatch(/<path[^>]*stroke="#7fb4ff"/);
    expect(svgOf(throughputChart(g, 'concurrency'))).toContain('Throughput vs concurrency');
    const batch = sweepFixture({ axes: { batch: [1, 2, 4], concurrency: [1] } });
    const bg = axisGroups(batch, 'batch')[0]!;
    expect(svgOf(memoryChart(bg))).toMatch(/>\d+(\.\d+)? GB</); // ticks in GB through the unit rule
    expect(svgOf(imageThroughputChart(bg))).toContain('Throughput vs batch size');
    const stack = svgOf(stageStackChart(result));
    for (const text of ['denoise', 'text encode', UNACCOUNTED, '1×512 c1 · A']) expect(stack).toContain(text);
  });
});
