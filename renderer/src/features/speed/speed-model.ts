/**
 * The Speed screen's figures, from one SweepResult (what `sweeps:get` answers and sweep.json holds): the per point
 * and side results table, the team's A-vs-B table, the series behind the charts, and the exports (Markdown, CSV,
 * JSON). Pure, so the tables and exports are tested in Node without a DOM; every number is printed through
 * shared/units.ts, shared/speedup.ts or the team's own format (shared/sweep.ts).
 */
import { SIDES, type Side } from '../../../../shared/model.ts';
import { orderedStageNames } from '../../../../shared/stages.ts';
import { formatSpeedup } from '../../../../shared/speedup.ts';
import {
  configurationLabel,
  formatRequestRate,
  formatTeamImprovement,
  formatTeamSeconds,
  type LatencyStats,
  type SweepPoint,
  type SweepPointResult,
  type SweepResult,
  type SweepSideSummary,
} from '../../../../shared/sweep.ts';
import { formatCount, formatDuration, formatMemory, formatRate } from '../../../../shared/units.ts';

export { SIDES };

/** The axes a chart can run along. */
export type SweepAxis = 'concurrency' | 'requestRate' | 'batch' | 'promptTokens';

export const AXIS_LABELS: Readonly<Record<SweepAxis, string>> = {
  concurrency: 'concurrency',
  requestRate: 'request rate',
  batch: 'batch size',
  promptTokens: 'prompt tokens',
};

const AXES: readonly SweepAxis[] = ['batch', 'promptTokens', 'concurrency', 'requestRate'];

/** "4×512 c2 rinf" without the (n=…) tail: names a point in charts and pickers. */
export function pointName(result: SweepResult, point: SweepPoint): string {
  return configurationLabel(point, result.spec.axes, null);
}

export function sideOf(p: SweepPointResult, side: Side): SweepSideSummary | null {
  return side === 'A' ? p.A : p.B;
}

// ---- the results table -------------------------------------------------------------------------------------

export interface SideRow {
  key: string;
  pointId: string;
  point: string;
  side: Side;
  cells: Record<ResultColumn, string>;
}

export const RESULT_COLUMNS = [
  'ok',
  'failed',
  'duration',
  'requestThroughput',
  'imageThroughput',
  'mean',
  'median',
  'p90',
  'p95',
  'p99',
  'std',
  'peakMemory',
  'promptTokens',
] as const;
export type ResultColumn = (typeof RESULT_COLUMNS)[number];

export const RESULT_HEADERS: Readonly<Record<ResultColumn, string>> = {
  ok: 'Successful',
  failed: 'Failed',
  duration: 'Duration',
  requestThroughput: 'Requests/s',
  imageThroughput: 'Images/s',
  mean: 'E2E mean',
  median: 'Median',
  p90: 'P90',
  p95: 'P95',
  p99: 'P99',
  std: 'Std dev',
  peakMemory: 'Peak memory',
  promptTokens: 'Prompt tokens',
};

function tokens(s: SweepSideSummary): string {
  if (s.promptTokens === null) return '—';
  const n = formatCount(Math.round(s.promptTokens));
  // Short enough for the table's last column; the header's title and the docs say what ≈ and "part est." mean.
  return s.promptTokensSource === 'server' ? n : s.promptTokensSource === 'mixed' ? `${n} (part est.)` : `≈${n} est.`;
}

function sideCells(s: SweepSideSummary | null): Record<ResultColumn, string> {
  if (!s) return Object.fromEntries(RESULT_COLUMNS.map((c) => [c, '—'])) as Record<ResultColumn, string>;
  return {
    ok: s.planned > 0 && s.ok + s.failed < s.planned ? `${formatCount(s.ok)} of ${formatCount(s.planned)}` : formatCount(s.ok),
    failed: formatCount(s.failed),
    duration: formatDuration(s.durationMs),
    requestThroughput: formatRate(s.requestThroughput, 'req/s'),
    imageThroughput: formatRate(s.imageThroughput, 'img/s'),
    mean: formatDuration(s.e2e.mean),
    median: formatDuration(s.e2e.median),
    p90: formatDuration(s.e2e.p90),
    p95: formatDuration(s.e2e.p95),
    p99: formatDuration(s.e2e.p99),
    std: formatDuration(s.e2e.std),
    peakMemory: formatMemory(s.peakMemoryMb),
    promptTokens: tokens(s),
  };
}

export function resultRows(result: SweepResult): SideRow[] {
  return result.points.flatMap((p) =>
    SIDES.map((side) => ({ key: `${p.point.id}:${side}`, pointId: p.point.id, point: pointName(result, p.point), side, cells: sideCells(sideOf(p, side)) })),
  );
}

/** Mean, median, P90, P95, P99 and std of every stage a point's sides reported (compared stages first). */
export interface StageRow {
  stage: string;
  side: Side;
  stats: LatencyStats;
}

export function stageRows(p: SweepPointResult): StageRow[] {
  const names = orderedStageNames([...Object.keys(p.A?.stages ?? {}), ...Object.keys(p.B?.stages ?? {})]);
  return names.flatMap((stage) =>
    SIDES.flatMap((side) => {
      const stats = sideOf(p, side)?.stages[stage];
      return stats ? [{ stage, side, stats }] : [];
    }),
  );
}

// ---- the team's A-vs-B table --------------------------------------------------------------------------------

export interface TeamRow {
  pointId: string;
  label: string;
  a: string;
  b: string;
  difference: string;
  improvement: string;
  speedup: string;
  /** For the colour: A quicker (positive improvement) or slower. */
  aFaster: boolean | null;
}

export const TEAM_HEADERS = ['Configuration', 'A E2E (s)', 'B E2E (s)', 'B − A (s)', 'Improvement (%)', 'Speed-up'] as const;

export function teamRows(result: SweepResult): TeamRow[] {
  return result.points.map(({ row }) => ({
    pointId: row.pointId,
    label: row.label,
    a: formatTeamSeconds(row.aSeconds),
    b: formatTeamSeconds(row.bSeconds),
    difference: formatTeamSeconds(row.differenceSeconds),
    improvement: formatTeamImprovement(row.improvementPercent),
    speedup: formatSpeedup(row.aSeconds, row.bSeconds) ?? '—',
    aFaster: row.improvementPercent === null ? null : row.improvementPercent > 0,
  }));
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function markdownTable(headers: readonly string[], rows: string[][], numericFrom = 1): string {
  const head = `| ${headers.map(mdCell).join(' | ')} |`;
  const rule = `|${headers.map((_, i) => (i < numericFrom ? ' --- ' : ' ---: ')).join('|')}|`;
  return [head, rule, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n') + '\n';
}

/** The A-vs-B table as the team pastes it: `| 4×512 (n=2) | 0.3313 | 0.71835 | 0.3871 | 53.89 | A 2.17× faster |`. */
export function teamMarkdown(result: SweepResult): string {
  return markdownTable(
    TEAM_HEADERS,
    teamRows(result).map((r) => [r.label, r.a, r.b, r.difference, r.improvement, r.speedup]),
  );
}

export function resultsMarkdown(result: SweepResult): string {
  return markdownTable(
    ['Point', 'Side', ...RESULT_COLUMNS.map((c) => RESULT_HEADERS[c])],
    resultRows(result).map((r) => [r.point, r.side, ...RESULT_COLUMNS.map((c) => r.cells[c])]),
    2,
  );
}

// ---- CSV and JSON: every figure, unformatted -----------------------------------------------------------------

const STATS: ReadonlyArray<keyof LatencyStats> = ['n', 'mean', 'median', 'p90', 'p95', 'p99', 'std', 'min', 'max'];

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // Quote what a spreadsheet would split or mistake for a formula (a label from a spec is outside text).
  const guarded = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n\r]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** One row per point and side with every figure in ms / MiB / per second, and the point's A-vs-B row beside it. */
export function sweepCsv(result: SweepResult): string {
  const stageNames = orderedStageNames(result.points.flatMap((p) => [...Object.keys(p.A?.stages ?? {}), ...Object.keys(p.B?.stages ?? {})]));
  const header = [
    'point_id',
    'label',
    'batch',
    'prompt_tokens_target',
    'concurrency',
    'request_rate',
    'burstiness',
    'side',
    'ok',
    'failed',
    'planned',
    'warmup',
    'duration_ms',
    'request_throughput_per_s',
    'image_throughput_per_s',
    ...STATS.map((s) => `e2e_${s}_ms`),
    ...STATS.map((s) => `client_wait_${s}_ms`),
    ...stageNames.flatMap((st) => STATS.map((s) => `stage_${st}_${s}_ms`)),
    'peak_memory_mib',
    'prompt_tokens',
    'prompt_tokens_source',
    'a_e2e_mean_s',
    'b_e2e_mean_s',
    'difference_s',
    'improvement_percent',
    'speedup_b_over_a',
  ];
  const lines = [header.join(',')];
  for (const p of result.points) {
    for (const side of SIDES) {
      const s = sideOf(p, side);
      const pt = p.point;
      const cells: unknown[] = [pt.id, p.row.label, pt.batch, pt.promptTokens, pt.concurrency, pt.requestRate, pt.burstiness, side];
      cells.push(s?.ok, s?.failed, s?.planned, s?.warmup, s?.durationMs, s?.requestThroughput, s?.imageThroughput);
      cells.push(...STATS.map((k) => s?.e2e[k]), ...STATS.map((k) => s?.clientWait[k]));
      for (const st of stageNames) cells.push(...STATS.map((k) => s?.stages[st]?.[k]));
      cells.push(s?.peakMemoryMb, s?.promptTokens, s?.promptTokensSource);
      cells.push(p.row.aSeconds, p.row.bSeconds, p.row.differenceSeconds, p.row.improvementPercent, p.row.speedup);
      lines.push(cells.map(csvCell).join(','));
    }
  }
  return lines.join('\n') + '\n';
}

export function sweepJson(result: SweepResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}

// ---- chart series -------------------------------------------------------------------------------------------

function axisValue(point: SweepPoint, axis: SweepAxis): number | 'inf' {
  return point[axis];
}

function axisSort(a: number | 'inf', b: number | 'inf'): number {
  if (a === b) return 0;
  if (a === 'inf') return 1;
  if (b === 'inf') return -1;
  return a - b;
}

export function axisTick(axis: SweepAxis, v: number | 'inf'): string {
  if (axis === 'requestRate') return formatRequestRate(v);
  return String(v);
}

/** Values an axis takes in this sweep (sorted, `inf` last). */
export function axisValues(result: SweepResult, axis: SweepAxis): Array<number | 'inf'> {
  return [...new Set(result.points.map((p) => axisValue(p.point, axis)))].sort(axisSort);
}

export interface AxisGroup {
  /** The other axes, fixed: "batch 4 · prompt tokens 512 · request rate inf" (only axes that vary are named). */
  key: string;
  label: string;
  points: SweepPointResult[];
}

/**
 * Points for a chart along `axis`: one group per combination of the other axes (a line chart holds the others
 * fixed), each sorted along the axis. A sweep whose other axes do not vary has one group.
 */
export function axisGroups(result: SweepResult, axis: SweepAxis): AxisGroup[] {
  const others = AXES.filter((a) => a !== axis && axisValues(result, a).length > 1);
  const groups = new Map<string, AxisGroup>();
  for (const p of result.points) {
    const key = others.map((a) => `${a}=${String(axisValue(p.point, a))}`).join(',');
    const label = others.map((a) => `${AXIS_LABELS[a]} ${axisTick(a, axisValue(p.point, a))}`).join(' · ') || 'all points';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, label, points: [] }));
    g.points.push(p);
  }
  for (const g of groups.values()) g.points.sort((x, y) => axisSort(axisValue(x.point, axis), axisValue(y.point, axis)));
  return [...groups.values()];
}

/**
 * The group a chart opens on: the saturated load (request rate inf) where the sweep has it, since that is where
 * B's one-at-a-time serving shows as queueing; otherwise the first. (The sweep report's charts lead with it too.)
 */
export function defaultGroup(groups: AxisGroup[], axis: SweepAxis): AxisGroup | null {
  if (axis !== 'requestRate') {
    const saturated = groups.find((g) => g.points.every((p) => p.point.requestRate === 'inf'));
    if (saturated) return saturated;
  }
  return groups[0] ?? null;
}

export type SideMetric = (s: SweepSideSummary) => number | null;

export const METRICS = {
  requestThroughput: ((s) => s.requestThroughput) as SideMetric,
  imageThroughput: ((s) => s.imageThroughput) as SideMetric,
  p50: ((s) => s.e2e.median) as SideMetric,
  p99: ((s) => s.e2e.p99) as SideMetric,
  peakMemory: ((s) => s.peakMemoryMb) as SideMetric,
};

export interface Series {
  name: string;
  side: Side;
  /** [axis tick, value]; null where the side has no figure for that point. */
  data: Array<[string, number | null]>;
  dashed?: boolean;
}

export function sideSeries(group: AxisGroup, axis: SweepAxis, metric: SideMetric, name: (side: Side) => string, dashed = false): Series[] {
  return SIDES.map((side) => ({
    name: name(side),
    side,
    dashed,
    data: group.points.map((p) => {
      const s = sideOf(p, side);
      const v = s ? metric(s) : null;
      return [axisTick(axis, axisValue(p.point, axis)), v !== null && Number.isFinite(v) ? v : null] as [string, number | null];
    }),
  }));
}

export interface StageStack {
  /** "4×512 c2 · A", "4×512 c2 · B", … : each point's A bar beside its B bar. */
  categories: string[];
  /** Stage → mean ms per category (null where that side did not report the stage). */
  stages: Array<{ stage: string; values: Array<number | null> }>;
}

/** The rest of the mean e2e that no reported stage covers, so each bar adds up to the side's mean e2e. */
export const UNACCOUNTED = 'other / not reported';

export function stageStack(result: SweepResult): StageStack {
  const cats: Array<{ label: string; s: SweepSideSummary | null }> = result.points.flatMap((p) =>
    SIDES.map((side) => ({ label: `${pointName(result, p.point)} · ${side}`, s: sideOf(p, side) })),
  );
  const names = orderedStageNames(cats.flatMap((c) => Object.keys(c.s?.stages ?? {})));
  const stages = names.map((stage) => ({ stage, values: cats.map((c) => c.s?.stages[stage]?.mean ?? null) }));
  const rest = cats.map((c, i) => {
    if (!c.s || c.s.e2e.mean === null) return null;
    const covered = stages.reduce((sum, st) => sum + (st.values[i] ?? 0), 0);
    return Math.max(0, c.s.e2e.mean - covered);
  });
  if (rest.some((v) => v !== null && v > 0)) stages.push({ stage: UNACCOUNTED, values: rest });
  return { categories: cats.map((c) => c.label), stages };
}
