/**
 * Timing waterfall layout: each side's stages in pipeline order, laid end to end on one time axis shared by
 * both sides, so A and B compare at a glance (the axis is the longer of the two). Pure and unit-tested.
 */
import { orderedStageNames } from '../../../../shared/stages.ts';

/** Keys that are totals, not stages: drawing them as a bar would double the row. */
const NOT_BARS = new Set(['e2e', 'total', 'pipeline_total', 'unaccounted']);

export interface WaterfallInput {
  stages: Readonly<Record<string, number>>;
  e2eMs: number | null;
}

export interface Segment {
  name: string;
  startMs: number;
  ms: number;
  /** Fractions of the shared axis, 0..1. */
  left: number;
  width: number;
}

export interface WaterfallRow {
  segments: Segment[];
  /** Sum of the stage bars. */
  stagesMs: number;
  e2eMs: number | null;
  /** e2e − stages when positive: time no stage accounts for (client overhead, gaps). */
  unaccountedMs: number;
  /** stages − e2e when positive: stages overlap or were timed on another clock; worth a note. */
  overlapMs: number;
  /** Fraction of the axis where e2e ends, null without e2e. */
  e2eAt: number | null;
  /** Fraction of the axis where the last stage ends. */
  stagesAt: number;
}

export interface WaterfallLayout {
  axisMs: number;
  ticks: number[];
  rows: WaterfallRow[];
  /** Every stage name of any row, in pipeline order (the legend). */
  stageNames: string[];
}

function usable(ms: number | undefined | null): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0;
}

/** Labelled ticks on the waterfall axis: the bars sit in a narrow column, so three intervals keep labels apart. */
const AXIS_TICKS = 3;

/** Round tick values ("nice numbers") covering 0..max with about `target` intervals. */
export function niceTicks(max: number, target = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0];
  const rough = max / Math.max(1, target);
  const pow = 10 ** Math.floor(Math.log10(rough));
  const norm = rough / pow;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * pow;
  const ticks: number[] = [];
  // Bounded: at most target*2.5+2 iterations given how step was chosen.
  for (let v = 0; v <= max + step * 1e-9 && ticks.length < 100; v += step) ticks.push(+v.toPrecision(12));
  return ticks;
}

/** Axis end: the longest row (stages or e2e), rounded up to the next tick so bars never touch the edge. */
export function axisFor(rows: ReadonlyArray<{ stagesMs: number; e2eMs: number | null }>): number {
  let max = 0;
  for (const r of rows) max = Math.max(max, r.stagesMs, usable(r.e2eMs) ? r.e2eMs : 0);
  if (max <= 0) return 0;
  const ticks = niceTicks(max);
  const last = ticks[ticks.length - 1] ?? max;
  return last >= max ? last : last + (ticks[1] ?? max);
}

export function stageEntries(stages: Readonly<Record<string, number>>): Array<[string, number]> {
  const names = orderedStageNames(Object.keys(stages).filter((k) => !NOT_BARS.has(k) && usable(stages[k])));
  return names.map((n) => [n, stages[n] as number]);
}

export function layoutWaterfall(inputs: readonly WaterfallInput[]): WaterfallLayout {
  const pre = inputs.map((input) => {
    const entries = stageEntries(input.stages);
    const stagesMs = entries.reduce((sum, [, ms]) => sum + ms, 0);
    return { entries, stagesMs, e2eMs: usable(input.e2eMs) ? input.e2eMs : null };
  });
  const axisMs = axisFor(pre);
  const frac = (ms: number): number => (axisMs > 0 ? ms / axisMs : 0);
  const rows = pre.map(({ entries, stagesMs, e2eMs }): WaterfallRow => {
    let at = 0;
    const segments = entries.map(([name, ms]): Segment => {
      const seg = { name, startMs: at, ms, left: frac(at), width: frac(ms) };
      at += ms;
      return seg;
    });
    return {
      segments,
      stagesMs,
      e2eMs,
      unaccountedMs: e2eMs !== null ? Math.max(0, e2eMs - stagesMs) : 0,
      overlapMs: e2eMs !== null ? Math.max(0, stagesMs - e2eMs) : 0,
      e2eAt: e2eMs !== null ? frac(e2eMs) : null,
      stagesAt: frac(stagesMs),
    };
  });
  const stageNames = orderedStageNames(rows.flatMap((r) => r.segments.map((s) => s.name)));
  return { axisMs, ticks: axisMs > 0 ? niceTicks(axisMs, AXIS_TICKS).filter((t) => t <= axisMs) : [], rows, stageNames };
}

/** Fixed colours per canonical stage (the same stage has the same colour in both rows and in the legend). */
const STAGE_HUES: Readonly<Record<string, number>> = {
  queue: 220,
  upload: 195,
  preprocess: 170,
  text_encode: 280,
  vae_encode: 140,
  denoise: 32,
  vae_decode: 95,
  postprocess: 185,
  transfer: 330,
  download: 205,
};

/** A stable colour for a stage: canonical stages have fixed hues, unknown keys a hue hashed from the name. */
export function stageColor(name: string): string {
  let hue = STAGE_HUES[name];
  if (hue === undefined) {
    let h = 0;
    for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    hue = h % 360;
  }
  const muted = name === 'queue' || name === 'transfer' || name === 'upload' || name === 'download';
  return `hsl(${hue} ${muted ? 22 : 48}% ${muted ? 46 : 52}%)`;
}

export interface SparkStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  total: number;
}

export function sparkStats(values: readonly number[]): SparkStats | null {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return null;
  const total = v.reduce((a, b) => a + b, 0);
  return { count: v.length, min: Math.min(...v), max: Math.max(...v), mean: total / v.length, total };
}

/**
 * SVG polyline points for a sparkline of `values` in a `width`×`height` box (1 px inset). The y range starts
 * at 0 so a flat series reads flat, not as noise blown up to full height. Scale is shared when `maxValue` is
 * given (both sides on one y scale).
 */
export function sparklinePoints(values: readonly number[], width: number, height: number, maxValue?: number): string {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0 || !(width > 2) || !(height > 2)) return '';
  const top = Math.max(maxValue ?? 0, ...v);
  const inner = height - 2;
  const y = (x: number): number => (top > 0 ? 1 + inner - (Math.max(0, x) / top) * inner : 1 + inner);
  if (v.length === 1) return `1,${y(v[0] as number).toFixed(1)} ${(width - 1).toFixed(1)},${y(v[0] as number).toFixed(1)}`;
  const dx = (width - 2) / (v.length - 1);
  return v.map((val, i) => `${(1 + i * dx).toFixed(1)},${y(val).toFixed(1)}`).join(' ');
}
