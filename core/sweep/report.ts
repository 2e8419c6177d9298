/**
 * A sweep's report files, written into the sweep folder: sweep.json (the SweepResult, every figure; the source the
 * others render from), sweep.csv (one row per point and side, every figure), sweep.md (the team's A-vs-B table and
 * the per-point figures as Markdown) and sweep.html (the same tables and static SVG charts, self-contained).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Side } from '../../shared/model.ts';
import { formatRatio, formatSpeedup } from '../../shared/speedup.ts';
import {
  configurationLabel,
  formatRequestRate,
  formatTeamDifference,
  formatTeamImprovement,
  formatTeamSeconds,
  type LatencyStats,
  type SweepPointResult,
  type SweepResult,
  type SweepSideSummary,
} from '../../shared/sweep.ts';
import { COMPARED_STAGES } from '../../shared/timing-breakdown.ts';
import { formatCount, formatDuration, formatMemory } from '../../shared/units.ts';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { csvRow, type CsvValue } from '../reports/csv.ts';
import { escapeHtml, Html } from '../reports/escape.ts';
import { pageCsp, renderPage } from '../reports/html-page.ts';
import { CHART_STYLE, lineChart, stackChart, type Series } from './charts.ts';
import type { SweepConfig } from './store.ts';

export interface SweepReportFiles {
  json: string;
  csv: string;
  md: string;
  html: string;
  /** Each chart of sweep.html as its own SVG file: charts/<id>.svg. */
  charts: string[];
}

const STAT_KEYS = ['mean', 'median', 'p90', 'p95', 'p99', 'std', 'min', 'max'] as const;

function stageNames(result: SweepResult): string[] {
  const names = new Set<string>();
  for (const p of result.points) for (const s of [p.A, p.B]) if (s) for (const k of Object.keys(s.stages)) names.add(k);
  const compared = COMPARED_STAGES.filter((k) => names.has(k));
  return [...compared, ...[...names].filter((k) => !(COMPARED_STAGES as readonly string[]).includes(k)).sort()];
}

// --- CSV ----------------------------------------------------------------------------------------------------

export function renderSweepCsv(result: SweepResult): string {
  const stages = stageNames(result);
  const statCols = (prefix: string) => STAT_KEYS.map((k) => `${prefix}_${k}_ms`);
  const header = [
    'point_id', 'configuration', 'batch', 'prompt_tokens', 'concurrency', 'request_rate', 'burstiness', 'side',
    'ok', 'failed', 'planned', 'warmup', 'duration_ms', 'request_throughput_per_s', 'image_throughput_per_s',
    'e2e_n', ...statCols('e2e'), ...statCols('client_wait'),
    ...stages.flatMap((s) => statCols(`stage_${s}`)),
    'peak_memory_mb', 'prompt_tokens_per_request', 'prompt_tokens_source',
    'table_a_s', 'table_b_s', 'table_difference_s', 'table_improvement_pct', 'table_speedup_b_over_a',
  ];
  const stats = (s: LatencyStats | undefined): CsvValue[] => STAT_KEYS.map((k) => s?.[k] ?? null);
  const lines = [csvRow(header)];
  for (const p of result.points) {
    for (const s of [p.A, p.B]) {
      if (!s) continue;
      const pt = p.point;
      lines.push(
        csvRow([
          pt.id, p.row.label, pt.batch, pt.promptTokens, pt.concurrency, pt.requestRate === 'inf' ? 'inf' : pt.requestRate, pt.burstiness, s.side,
          s.ok, s.failed, s.planned, s.warmup, s.durationMs, s.requestThroughput, s.imageThroughput,
          s.e2e.n, ...stats(s.e2e), ...stats(s.clientWait),
          ...stages.flatMap((name) => stats(s.stages[name])),
          s.peakMemoryMb, s.promptTokens, s.promptTokensSource,
          p.row.aSeconds, p.row.bSeconds, p.row.differenceSeconds, p.row.improvementPercent, p.row.speedup,
        ]),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

// --- Markdown -----------------------------------------------------------------------------------------------

/** Text from a spec or a backend in Markdown: one line, no table-breaking pipe, no raw HTML a renderer would run. */
function mdCell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

/** The team's table: `configuration | A (s) | B (s) | difference (s) | improvement (%)`, with the speed-up beside. */
export function renderTeamTable(points: readonly SweepPointResult[]): string {
  const lines = ['| configuration | A (s) | B (s) | difference (s) | improvement (%) | speed-up |', '|---|---:|---:|---:|---:|---|'];
  for (const p of points) {
    const r = p.row;
    lines.push(
      `| ${mdCell(r.label)} | ${formatTeamSeconds(r.aSeconds)} | ${formatTeamSeconds(r.bSeconds)} | ${formatTeamDifference(r.differenceSeconds)} | ${formatTeamImprovement(r.improvementPercent)} | ${formatSpeedup(r.aSeconds, r.bSeconds) ?? '—'} |`,
    );
  }
  return lines.join('\n');
}

function sideLine(s: SweepSideSummary | null, label: string): string {
  if (!s) return '';
  const tokens = s.promptTokens === null ? '—' : `${Math.round(s.promptTokens)}${s.promptTokensSource === 'server' ? '' : s.promptTokensSource === 'mixed' ? ' (partly estimated)' : ' (estimated)'}`;
  return `| ${mdCell(label)} | ${s.side} | ${formatCount(s.ok)} | ${formatCount(s.failed)} | ${formatDuration(s.durationMs)} | ${rate(s.requestThroughput)} | ${rate(s.imageThroughput)} | ${formatDuration(s.e2e.mean)} | ${formatDuration(s.e2e.median)} | ${formatDuration(s.e2e.p90)} | ${formatDuration(s.e2e.p95)} | ${formatDuration(s.e2e.p99)} | ${formatDuration(s.e2e.std)} | ${formatMemory(s.peakMemoryMb)} | ${tokens} |`;
}

function rate(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)}/s`;
}

export function renderSweepMarkdown(result: SweepResult, config: SweepConfig): string {
  const sims = (['A', 'B'] as Side[]).filter((s) => config.backends[s].simulated);
  const out = [
    `# Sweep ${mdCell(result.summary.name)}`,
    '',
    `A: ${mdCell(config.backends.A.label)} · B: ${mdCell(config.backends.B.label)} · state: ${result.summary.state}`,
    ...(sims.length ? ['', `**${sims.join(' and ')} ${sims.length > 1 ? 'are' : 'is'} SIMULATED**: the timings are a model, not real model output.`] : []),
    '',
    '## A vs B (mean end-to-end)',
    '',
    'Improvement = (B − A) / B; speed-up = B / A.',
    '',
    renderTeamTable(result.points),
    '',
    '## Per point and side',
    '',
    '| configuration | side | ok | failed | duration | req/s | images/s | e2e mean | median | P90 | P95 | P99 | std | peak memory | prompt tokens |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const p of result.points) {
    const label = configurationLabel(p.point, result.spec.axes, null);
    for (const s of [p.A, p.B]) if (s) out.push(sideLine(s, label));
  }
  const stages = stageNames(result).filter((s) => (COMPARED_STAGES as readonly string[]).includes(s) || ['upload', 'download', 'queue'].includes(s));
  if (stages.length) {
    out.push('', '## Stages (median / P99)', '', `| configuration | side | ${stages.map(mdCell).join(' | ')} |`, `|---|---|${stages.map(() => '---:').join('|')}|`);
    for (const p of result.points) {
      const label = configurationLabel(p.point, result.spec.axes, null);
      for (const s of [p.A, p.B]) {
        if (!s) continue;
        out.push(`| ${mdCell(label)} | ${s.side} | ${stages.map((n) => (s.stages[n] ? `${formatDuration(s.stages[n].median)} / ${formatDuration(s.stages[n].p99)}` : '—')).join(' | ')} |`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

// --- HTML ---------------------------------------------------------------------------------------------------

const COLORS: Record<Side, string[]> = { A: ['#4e9af1', '#1f6fd1', '#8ec1ff'], B: ['#f39c3d', '#c96f10', '#ffc98a'] };
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];

type AxisKey = 'concurrency' | 'requestRate' | 'batch';

function categoryOf(p: SweepPointResult, axis: AxisKey): string {
  return axis === 'requestRate' ? formatRequestRate(p.point.requestRate) : String(p.point[axis]);
}

/** Series over one axis: one per side and per combination of the other axes (at most three per side). */
function seriesOver(result: SweepResult, axis: AxisKey, metric: (s: SweepSideSummary) => number | null, sides: readonly Side[], suffix = ''): { categories: string[]; series: Series[] } {
  const values = axis === 'requestRate' ? result.spec.axes.requestRate.map(formatRequestRate) : result.spec.axes[axis].map(String);
  const others = (p: SweepPointResult): string => {
    const parts: string[] = [];
    if (axis !== 'batch' && result.spec.axes.batch.length > 1) parts.push(`n=${p.point.batch}`);
    if (result.spec.axes.promptTokens.length > 1) parts.push(`${p.point.promptTokens} tok`);
    if (axis !== 'concurrency' && result.spec.axes.concurrency.length > 1) parts.push(`c${p.point.concurrency}`);
    if (axis !== 'requestRate' && result.spec.axes.requestRate.length > 1) parts.push(`r${formatRequestRate(p.point.requestRate)}`);
    return parts.join(' ');
  };
  // At most three groups per side; those at rate inf (the saturated load, where queueing shows) first.
  const all = [...new Set(result.points.map(others))];
  const groups = [...all.filter((g) => g.includes('rinf')), ...all.filter((g) => !g.includes('rinf'))].slice(0, 3);
  const series: Series[] = [];
  for (const side of sides) {
    groups.forEach((g, gi) => {
      const vals = values.map((c) => {
        const p = result.points.find((x) => others(x) === g && categoryOf(x, axis) === c);
        const s = p ? p[side] : null;
        return s ? metric(s) : null;
      });
      series.push({ name: `${side}${g ? ` ${g}` : ''}${suffix}`, color: COLORS[side][gi % 3]!, dash: DASHES[gi % DASHES.length]!, values: vals });
    });
  }
  return { categories: values, series };
}

function latencySeries(result: SweepResult, axis: AxisKey): { categories: string[]; series: Series[] } {
  const p50 = seriesOver(result, axis, (s) => s.e2e.median, ['A', 'B'], ' P50');
  const p99 = seriesOver(result, axis, (s) => s.e2e.p99, ['A', 'B'], ' P99');
  // P99 dashed, P50 solid: the first group of each only, so the chart stays readable.
  const pick = (list: Series[], side: Side) => list.filter((s) => s.name.startsWith(side)).slice(0, 1);
  return {
    categories: p50.categories,
    series: [...pick(p50.series, 'A'), ...pick(p99.series, 'A').map((s) => ({ ...s, dash: '6 3' })), ...pick(p50.series, 'B'), ...pick(p99.series, 'B').map((s) => ({ ...s, dash: '6 3' }))],
  };
}

const rateFormat = (v: number): string => rate(v);

export function sweepCharts(result: SweepResult, sides: readonly Side[]): Array<{ id: string; svg: string }> {
  const charts: Array<{ id: string; svg: string }> = [];
  const axes = result.spec.axes;
  const add = (id: string, svg: string): void => void charts.push({ id, svg });
  if (axes.concurrency.length > 1) {
    const t = seriesOver(result, 'concurrency', (s) => s.requestThroughput, sides);
    add('throughput-vs-concurrency', lineChart({ title: 'Throughput vs concurrency', xLabel: 'concurrency (requests in flight)', yLabel: 'requests / s', ...t, format: rateFormat }));
    add('latency-vs-concurrency', lineChart({ title: 'Latency (P50 solid, P99 dashed) vs concurrency', xLabel: 'concurrency', yLabel: 'end-to-end', ...latencySeries(result, 'concurrency'), format: formatDuration }));
  }
  if (axes.requestRate.length > 1) {
    const t = seriesOver(result, 'requestRate', (s) => s.requestThroughput, sides);
    add('throughput-vs-rate', lineChart({ title: 'Throughput vs request rate', xLabel: 'request rate (requests / s offered)', yLabel: 'requests / s', ...t, format: rateFormat }));
    add('latency-vs-rate', lineChart({ title: 'Latency (P50 solid, P99 dashed) vs request rate', xLabel: 'request rate', yLabel: 'end-to-end', ...latencySeries(result, 'requestRate'), format: formatDuration }));
  }
  if (axes.batch.length > 1) {
    const t = seriesOver(result, 'batch', (s) => s.imageThroughput, sides);
    add('throughput-vs-batch', lineChart({ title: 'Image throughput vs batch size', xLabel: 'batch (images per request, n)', yLabel: 'images / s', ...t, format: rateFormat }));
    const m = seriesOver(result, 'batch', (s) => s.peakMemoryMb, sides);
    add('memory-vs-batch', lineChart({ title: 'Peak GPU memory vs batch size', xLabel: 'batch (images per request, n)', yLabel: 'peak memory', ...m, format: formatMemory, fitMin: true }));
  }
  const stageColors: Record<string, string> = { text_encode: '#7e57c2', vae_encode: '#26a69a', denoise: '#ef5350', vae_decode: '#ffa726', upload: '#90a4ae', download: '#607d8b', other: '#bdbdbd' };
  const bars = result.points.flatMap((p) =>
    sides.flatMap((side) => {
      const s = p[side];
      if (!s || s.e2e.mean === null) return [];
      const seg = COMPARED_STAGES.map((name) => ({ name, ms: s.stages[name]?.mean ?? 0 }));
      const up = s.stages.upload?.mean ?? 0;
      const down = s.stages.download?.mean ?? 0;
      const known = seg.reduce((t, x) => t + x.ms, 0) + up + down;
      return [{ label: `${configurationLabel(p.point, axes, null)} ${side}`, segments: [{ name: 'upload', ms: up }, ...seg, { name: 'other', ms: Math.max(0, s.e2e.mean - known) }, { name: 'download', ms: down }] }];
    }),
  );
  if (bars.length) add('stage-stack', stackChart('Mean stage time per point, A beside B (other = e2e − the stages)', bars, stageColors, formatDuration));
  return charts;
}

const SWEEP_CSS = `
body{font:14px/1.45 system-ui,sans-serif;background:#16181c;color:#e6e6e6;margin:24px}
table{border-collapse:collapse;margin:8px 0 24px}td,th{border-bottom:1px solid #333;padding:4px 8px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.sim{background:#5a3d00;padding:6px 10px;border-radius:4px;display:inline-block}
figure{display:inline-block;margin:8px;background:#1e2126;border-radius:6px;padding:6px}
svg .t{fill:#e6e6e6;font-size:14px;font-weight:600}svg .k{fill:#b0b0b0;font-size:11px}svg .g{stroke:#333}
`;

export function renderSweepHtml(result: SweepResult, config: SweepConfig): string {
  const sims = (['A', 'B'] as Side[]).filter((s) => config.backends[s].simulated);
  const team = result.points
    .map((p) => {
      const r = p.row;
      return `<tr><td>${escapeHtml(r.label)}</td><td class="n">${formatTeamSeconds(r.aSeconds)}</td><td class="n">${formatTeamSeconds(r.bSeconds)}</td><td class="n">${formatTeamDifference(r.differenceSeconds)}</td><td class="n">${formatTeamImprovement(r.improvementPercent)}</td><td title="${escapeHtml(formatRatio(r.aSeconds, r.bSeconds) ?? '')}">${escapeHtml(formatSpeedup(r.aSeconds, r.bSeconds) ?? '—')}</td></tr>`;
    })
    .join('');
  const perSide = result.points
    .flatMap((p) =>
      [p.A, p.B].filter((s): s is SweepSideSummary => s !== null).map((s) => {
        const label = configurationLabel(p.point, result.spec.axes, null);
        const tokens = s.promptTokens === null ? '—' : `${Math.round(s.promptTokens)}${s.promptTokensSource === 'server' ? '' : ' (estimated)'}`;
        return `<tr><td>${escapeHtml(label)}</td><td>${s.side}</td><td class="n">${formatCount(s.ok)}</td><td class="n">${formatCount(s.failed)}</td><td class="n">${formatDuration(s.durationMs)}</td><td class="n">${rate(s.requestThroughput)}</td><td class="n">${rate(s.imageThroughput)}</td><td class="n">${formatDuration(s.e2e.mean)}</td><td class="n">${formatDuration(s.e2e.median)}</td><td class="n">${formatDuration(s.e2e.p90)}</td><td class="n">${formatDuration(s.e2e.p95)}</td><td class="n">${formatDuration(s.e2e.p99)}</td><td class="n">${formatDuration(s.e2e.std)}</td><td class="n">${formatMemory(s.peakMemoryMb)}</td><td class="n">${escapeHtml(tokens)}</td></tr>`;
      }),
    )
    .join('');
  const charts = sweepCharts(result, config.sides)
    .map((c) => `<figure id="${c.id}">${c.svg}</figure>`)
    .join('');
  // The same strict page as report.html (core/reports/html-page.ts): the page's <style> and the charts' own
  // <style> allowed by their hashes, images only from data: URLs, no script; a sweep's labels come from its spec
  // file and are escaped above.
  const body = `<h1>Sweep ${escapeHtml(result.summary.name)}</h1>
<p>A: ${escapeHtml(config.backends.A.label)} · B: ${escapeHtml(config.backends.B.label)} · state: ${escapeHtml(result.summary.state)} · spec: ${escapeHtml(config.specSource)}</p>
${sims.length ? `<p class="sim">${sims.join(' and ')} ${sims.length > 1 ? 'are' : 'is'} SIMULATED: the timings are a model, not real model output.</p>` : ''}
<h2>A vs B (mean end-to-end)</h2>
<p>Improvement = (B − A) / B, two decimals; speed-up = B / A.</p>
<table><thead><tr><th>configuration</th><th>A (s)</th><th>B (s)</th><th>difference (s)</th><th>improvement (%)</th><th>speed-up</th></tr></thead><tbody>${team}</tbody></table>
<h2>Charts</h2>
${charts}
<h2>Per point and side</h2>
<table><thead><tr><th>configuration</th><th>side</th><th>ok</th><th>failed</th><th>duration</th><th>req/s</th><th>images/s</th><th>e2e mean</th><th>median</th><th>P90</th><th>P95</th><th>P99</th><th>std</th><th>peak memory</th><th>prompt tokens</th></tr></thead><tbody>${perSide}</tbody></table>
<p>Every figure: sweep.json and sweep.csv beside this file; each chart alone: charts/*.svg.</p>
`;
  return renderPage({
    title: `Sweep ${result.summary.name}`,
    csp: pageCsp({ styles: [SWEEP_CSS, CHART_STYLE], imgSrc: 'data:', font: false }),
    styles: [SWEEP_CSS],
    body: new Html(body),
  });
}

export async function writeSweepReports(dir: string, result: SweepResult, config: SweepConfig): Promise<SweepReportFiles> {
  const files: SweepReportFiles = {
    json: path.join(dir, 'sweep.json'),
    csv: path.join(dir, 'sweep.csv'),
    md: path.join(dir, 'sweep.md'),
    html: path.join(dir, 'sweep.html'),
    charts: [],
  };
  await writeFileAtomic(files.json, `${JSON.stringify(result, null, 2)}\n`);
  await writeFileAtomic(files.csv, renderSweepCsv(result));
  await writeFileAtomic(files.md, renderSweepMarkdown(result, config));
  await writeFileAtomic(files.html, renderSweepHtml(result, config));
  await mkdir(path.join(dir, 'charts'), { recursive: true });
  for (const chart of sweepCharts(result, config.sides)) {
    const file = path.join(dir, 'charts', `${chart.id}.svg`);
    await writeFileAtomic(file, `<?xml version="1.0" encoding="UTF-8"?>\n${chart.svg}\n`);
    files.charts.push(file);
  }
  return files;
}
