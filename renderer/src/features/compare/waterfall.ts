/**
 * Timing waterfall layout, drawn in time: each side's request as its buckets (shared/timing-breakdown.ts) on one
 * time axis shared by both sides. Client buckets sit where the client's clock puts them (upload from the start,
 * download ending at the last byte); server stages have durations but no start times, so they follow the
 * pipeline's documented order inside the server window and are marked as such. The buckets add up to client
 * queue + e2e, so nothing is drawn twice and nothing is missing. Pure and unit-tested.
 */
import { hashString } from '../../../../shared/hash.ts';
import { breakdown, type Bucket } from '../../../../shared/timing-breakdown.ts';

export interface WaterfallInput {
  /** Server stages (canonical, from stage_durations) plus the client's `upload` and `download`. */
  stages: Readonly<Record<string, number>>;
  e2eMs: number | null;
  clientWaitMs?: number | null | undefined;
  /** The server's own total (the pipeline's `forward`), null when not reported. */
  serverTotalMs?: number | null | undefined;
}

export interface Segment {
  name: string;
  label: string;
  kind: Bucket['kind'];
  placement: Bucket['placement'];
  startMs: number;
  ms: number;
  /** Fractions of the shared axis, 0..1. */
  left: number;
  width: number;
}

export interface WaterfallRow {
  segments: Segment[];
  /** Sum of the server's reported stages. */
  stagesMs: number;
  e2eMs: number | null;
  /** Client queue + e2e: where the row ends. */
  totalMs: number;
  /** The `not reported` bucket when positive: the client's wait the server's figures do not cover. */
  unaccountedMs: number;
  /** The server claims more than the client waited (clocks differ); worth a note. */
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
  /** Every segment name of any row, in drawing order (the legend). */
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

const CLIENT = new Set(['upload', 'download']);

function serverStagesOf(stages: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(stages)) if (!CLIENT.has(k) && usable(v)) out[k] = v;
  return out;
}

export function layoutWaterfall(inputs: readonly WaterfallInput[]): WaterfallLayout {
  const pre = inputs.map((input) => {
    const server = serverStagesOf(input.stages);
    const stagesMs = Object.values(server).reduce((a, b) => a + b, 0);
    const e2eMs = usable(input.e2eMs) ? input.e2eMs : null;
    if (e2eMs === null) {
      // No e2e (a failed side): its reported stages alone, in documented order, nothing to fill.
      let at = 0;
      const buckets: Bucket[] = Object.entries(server).map(([k, ms]) => {
        const b: Bucket = { key: k, label: k, kind: 'stage', ms, startMs: at, placement: 'documented' };
        at += ms;
        return b;
      });
      return { buckets, stagesMs, e2eMs, totalMs: stagesMs, queueMs: 0 };
    }
    const b = breakdown({
      e2eMs,
      clientWaitMs: input.clientWaitMs,
      uploadMs: input.stages.upload,
      downloadMs: input.stages.download,
      server,
      serverTotalMs: input.serverTotalMs ?? null,
    });
    return { buckets: b.buckets, stagesMs, e2eMs, totalMs: b.totalMs, queueMs: b.totalMs - e2eMs };
  });
  const axisMs = axisFor(pre.map((p) => ({ stagesMs: p.totalMs, e2eMs: p.e2eMs === null ? null : p.totalMs })));
  const frac = (ms: number): number => (axisMs > 0 ? ms / axisMs : 0);
  const rows = pre.map(({ buckets, stagesMs, e2eMs, totalMs }): WaterfallRow => {
    const notReported = buckets.find((x) => x.key === 'not_reported')?.ms ?? 0;
    const segments = buckets
      .filter((x) => x.ms > 0)
      .map((x): Segment => ({ name: x.key, label: x.label, kind: x.kind, placement: x.placement, startMs: x.startMs, ms: x.ms, left: frac(x.startMs), width: frac(x.ms) }));
    const lastStage = buckets.filter((x) => x.kind === 'stage').reduce((end, x) => Math.max(end, x.startMs + x.ms), 0);
    return {
      segments,
      stagesMs,
      e2eMs,
      totalMs,
      unaccountedMs: Math.max(0, notReported),
      overlapMs: Math.max(0, -notReported),
      e2eAt: e2eMs !== null ? frac(totalMs) : null,
      stagesAt: frac(lastStage),
    };
  });
  const seen: string[] = [];
  for (const r of rows) for (const s of r.segments) if (!seen.includes(s.name)) seen.push(s.name);
  return { axisMs, ticks: axisMs > 0 ? niceTicks(axisMs, AXIS_TICKS).filter((t) => t <= axisMs) : [], rows, stageNames: seen };
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
  client_queue: 220,
  other_server: 0,
};

/** A stable colour for a stage: canonical stages have fixed hues, unknown keys a hue hashed from the name. */
export function stageColor(name: string): string {
  let hue = STAGE_HUES[name];
  if (hue === undefined) {
    hue = hashString(name) % 360;
  }
  if (name === 'not_reported') return 'hsl(0 0% 38%)';
  const muted = name === 'queue' || name === 'client_queue' || name === 'transfer' || name === 'upload' || name === 'download' || name === 'other_server';
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
