/**
 * `bench compare`: two or more results side by side, each against a baseline (the first unless told), with the
 * absolute and relative delta per metric and whether that is better or worse (throughput higher, latency and
 * failures lower; settings such as the request rate are shown, never judged). It ends in a one-line verdict on
 * the headline metrics: "was this optimisation step worth it?". Pure: the CLI and the app render the same thing.
 */
import { HEADLINE_METRICS, TEXT_KEYS, compareMetricKeys, metricInfo, type MetricDirection, type MetricUnit } from './bench-metrics.ts';
import type { BenchResult, BenchValue } from './bench-result.ts';
import { formatCount, formatDuration, formatDurationDelta, formatMemory, formatPercent, formatRate } from './units.ts';

/** Changes smaller than this share of the baseline read as "same" (run-to-run noise of a serving benchmark). */
export const DEFAULT_NOISE = 0.01;

export type Judgement = 'better' | 'worse' | 'same';

export interface DeltaCell {
  abs: number;
  /** (value − baseline) / |baseline|; null when the baseline is 0. */
  rel: number | null;
  /** null for settings and informational rows. */
  judgement: Judgement | null;
}

export interface CompareRow {
  key: string;
  label: string;
  unit: MetricUnit;
  direction: MetricDirection;
  values: BenchValue[];
  /** One per result; null for the baseline itself and where either value is not a number. */
  deltas: Array<DeltaCell | null>;
}

export interface Change {
  key: string;
  label: string;
  rel: number | null;
  text: string;
}

export type VerdictOutcome = 'worth-it' | 'not-worth-it' | 'mixed' | 'no-change' | 'no-data';

export interface Verdict {
  index: number;
  baseline: number;
  outcome: VerdictOutcome;
  better: Change[];
  worse: Change[];
  text: string;
}

export interface BenchComparison {
  results: Array<{ name: string; source: string; lineNumber: number | null; kind: BenchResult['kind'] }>;
  baseline: number;
  noise: number;
  rows: CompareRow[];
  /** Things to know before trusting the deltas (different loads, different layouts). */
  notes: string[];
  verdicts: Verdict[];
}

function judge(direction: MetricDirection, base: number, value: number, noise: number): DeltaCell {
  const abs = value - base;
  const rel = base === 0 ? null : abs / Math.abs(base);
  if (direction !== 'higher' && direction !== 'lower') return { abs, rel, judgement: null };
  let judgement: Judgement;
  if (rel === null) judgement = value === 0 ? 'same' : (value > 0) === (direction === 'higher') ? 'better' : 'worse';
  else if (Math.abs(rel) <= noise) judgement = 'same';
  else judgement = (rel > 0) === (direction === 'higher') ? 'better' : 'worse';
  return { abs, rel, judgement };
}

/** A value as tables show it, through shared/units.ts. */
export function formatMetricValue(key: string, value: BenchValue | undefined): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  const { unit } = metricInfo(key);
  switch (unit) {
    case 'ms':
      return formatDuration(value);
    case 's':
      return formatDuration(value * 1000);
    case 'req/s':
    case 'tok/s':
    case 'img/s':
      return formatRate(value, unit);
    case 'MiB':
      return formatMemory(value);
    case 'percent':
      return formatPercent(value / 100, 2);
    default:
      return Number.isInteger(value) ? formatCount(value) : formatRate(value, '').trim();
  }
}

function plus(text: string, positive: boolean): string {
  return positive ? `+${text}` : text;
}

/** A signed absolute delta in the metric's unit: "−110 ms", "+0.04 req/s", "+2". */
export function formatMetricDelta(key: string, abs: number): string {
  const { unit } = metricInfo(key);
  const magnitude = unit === 's' ? formatDuration(Math.abs(abs) * 1000) : formatMetricValue(key, Math.abs(abs));
  // A difference that rounds to nothing at the shown precision reads as none, not as "−0.00 ms".
  if (abs === 0 || /^0(\.0+)?(\s|$)/.test(magnitude)) return '±0';
  if (unit === 'ms') return formatDurationDelta(abs);
  if (unit === 's') return formatDurationDelta(abs * 1000);
  return plus(formatMetricValue(key, abs), abs > 0);
}

/** "+12 %", "−27 %", "±0 %". */
export function formatRelative(rel: number | null): string {
  if (rel === null) return '—';
  if (Math.abs(rel) < 0.0001) return '±0 %';
  return plus(formatPercent(rel), rel > 0);
}

function changeText(row: CompareRow, base: BenchValue, value: BenchValue, cell: DeltaCell): string {
  const label = row.label.charAt(0).toLowerCase() + row.label.slice(1);
  const keepCase = /^(TTFT|TPOT|ITL|E2EL|P\d|RTFx)/.test(row.label) ? row.label : label;
  if (cell.rel === null) return `${keepCase} ${formatMetricValue(row.key, base)} → ${formatMetricValue(row.key, value)}`;
  return `${keepCase} ${formatRelative(cell.rel)}`;
}

function list(changes: Change[], max = 4): string {
  const shown = changes.slice(0, max).map((c) => c.text);
  const more = changes.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

function verdictFor(rows: CompareRow[], results: BenchComparison['results'], index: number, baseline: number, noise: number): Verdict {
  const better: Change[] = [];
  const worse: Change[] = [];
  let compared = 0;
  for (const key of HEADLINE_METRICS) {
    const row = rows.find((r) => r.key === key);
    const cell = row?.deltas[index];
    if (!row || !cell || cell.judgement === null) continue;
    const base = row.values[baseline] ?? null;
    const value = row.values[index] ?? null;
    // vLLM prints 0 for TTFT/ITL when the endpoint does not stream: a pair of zeros says nothing.
    if (base === 0 && value === 0 && key !== 'failed') continue;
    compared++;
    const change: Change = { key, label: row.label, rel: cell.rel, text: changeText(row, base, value, cell) };
    if (cell.judgement === 'better') better.push(change);
    if (cell.judgement === 'worse') worse.push(change);
  }
  const bySize = (a: Change, b: Change) => Math.abs(b.rel ?? Infinity) - Math.abs(a.rel ?? Infinity);
  better.sort(bySize);
  worse.sort(bySize);
  const who = `${results[index]?.name ?? `#${index + 1}`} vs ${results[baseline]?.name ?? `#${baseline + 1}`}`;
  const band = `±${formatPercent(noise)}`;
  let outcome: VerdictOutcome;
  let text: string;
  if (compared === 0) {
    outcome = 'no-data';
    text = `No verdict (${who}): the two results share none of the headline metrics.`;
  } else if (better.length > 0 && worse.length === 0) {
    outcome = 'worth-it';
    text = `Worth it (${who}): ${list(better)}; nothing worse beyond ${band}.`;
  } else if (better.length === 0 && worse.length > 0) {
    outcome = 'not-worth-it';
    text = `Not worth it (${who}): ${list(worse)}; nothing better beyond ${band}.`;
  } else if (better.length > 0) {
    outcome = 'mixed';
    text = `Mixed (${who}): better ${list(better, 3)}; worse ${list(worse, 3)}.`;
  } else {
    outcome = 'no-change';
    text = `No change (${who}): every headline metric within ${band}.`;
  }
  return { index, baseline, outcome, better, worse, text };
}

export interface CompareOptions {
  /** 0-based index of the result the others are measured against (default 0, the first). */
  baseline?: number;
  noise?: number;
}

export function compareBenchResults(results: BenchResult[], options: CompareOptions = {}): BenchComparison {
  const baseline = options.baseline ?? 0;
  const noise = options.noise ?? DEFAULT_NOISE;
  if (results.length < 2) throw new RangeError(`compare needs at least two results, got ${results.length}`);
  if (!Number.isInteger(baseline) || baseline < 0 || baseline >= results.length) {
    throw new RangeError(`baseline must be between 1 and ${results.length}, got ${baseline + 1}`);
  }
  const keys = new Set<string>();
  for (const r of results) for (const [k, v] of Object.entries(r.metrics)) if (!TEXT_KEYS.has(k) && typeof v !== 'boolean') keys.add(k);
  const present = [...keys].filter((k) => results.some((r) => r.metrics[k] !== null && r.metrics[k] !== undefined));
  const rows: CompareRow[] = present.sort(compareMetricKeys).map((key) => {
    const info = metricInfo(key);
    const values = results.map((r) => (key in r.metrics ? (r.metrics[key] ?? null) : null));
    const base = values[baseline];
    const deltas = values.map((v, i) => (i === baseline || typeof v !== 'number' || typeof base !== 'number' ? null : judge(info.direction, base, v, noise)));
    return { key, label: info.label, unit: info.unit, direction: info.direction, values, deltas };
  });
  const meta = results.map((r) => ({ name: r.name, source: r.source, lineNumber: r.lineNumber, kind: r.kind }));
  const notes: string[] = [];
  for (const row of rows) {
    if (row.direction !== 'setting') continue;
    const shown = row.values.map((v) => formatMetricValue(row.key, v));
    if (new Set(row.values.filter((v) => v !== null).map((v) => formatMetricValue(row.key, v))).size > 1) notes.push(`${row.label} differs (${shown.join(' vs ')}): the results put different loads on the server.`);
  }
  const verdicts = results.map((_, i) => i).filter((i) => i !== baseline).map((i) => verdictFor(rows, meta, i, baseline, noise));
  return { results: meta, baseline, noise, rows, notes, verdicts };
}

// ---- rendering ----------------------------------------------------------------------------------------------

const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;

/** Terminal columns a string takes (CJK characters take two), so Chinese headings line up. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += WIDE.test(ch) ? 2 : 1;
  return w;
}

function pad(text: string, width: number, right = false): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}

function deltaText(row: CompareRow, cell: DeltaCell | null): string {
  if (!cell) return '';
  const body = `${formatMetricDelta(row.key, cell.abs)} (${formatRelative(cell.rel)})`;
  return cell.judgement && cell.judgement !== 'same' ? `${body} ${cell.judgement}` : cell.judgement === 'same' ? `${body} same` : body;
}

/** Header and body cells shared by the terminal and Markdown renderings. */
function tableCells(cmp: BenchComparison): { header: string[]; body: string[][] } {
  const header = ['Metric'];
  cmp.results.forEach((r, i) => {
    header.push(i === cmp.baseline ? `${r.name} (baseline)` : r.name);
    if (i !== cmp.baseline) header.push(`Δ ${r.name}`);
  });
  const body = cmp.rows.map((row) => {
    const cells = [row.direction === 'setting' ? `${row.label} (setting)` : row.label];
    row.values.forEach((v, i) => {
      cells.push(formatMetricValue(row.key, v));
      if (i !== cmp.baseline) cells.push(deltaText(row, row.deltas[i] ?? null));
    });
    return cells;
  });
  return { header, body };
}

export function renderComparisonText(cmp: BenchComparison): string {
  const { header, body } = tableCells(cmp);
  const widths = header.map((h, c) => Math.max(displayWidth(h), ...body.map((r) => displayWidth(r[c] ?? ''))));
  const line = (cells: string[]) => cells.map((cell, c) => pad(cell, widths[c] ?? 0, c > 0 && !header[c]?.startsWith('Δ'))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of body) out.push(line(r));
  out.push('');
  cmp.results.forEach((r, i) => out.push(`[${i + 1}] ${r.name}: ${r.source}${r.lineNumber ? `:${r.lineNumber}` : ''}`));
  for (const n of cmp.notes) out.push(`note: ${n}`);
  out.push('');
  for (const v of cmp.verdicts) out.push(v.text);
  return out.join('\n') + '\n';
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderComparisonMarkdown(cmp: BenchComparison): string {
  const { header, body } = tableCells(cmp);
  const out = [`| ${header.map(mdCell).join(' | ')} |`, `|${header.map((_, c) => (c === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of body) out.push(`| ${r.map(mdCell).join(' | ')} |`);
  out.push('');
  for (const n of cmp.notes) out.push(`> ${mdCell(n)}`);
  if (cmp.notes.length) out.push('');
  for (const v of cmp.verdicts) out.push(`**${mdCell(v.text)}**`);
  return out.join('\n') + '\n';
}
