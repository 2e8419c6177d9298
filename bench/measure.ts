/** Measurement helpers for `npm run bench`: bounded sample loops and a summary in one shape. */
import { summarize } from '../shared/stats.ts';

export interface Figure {
  name: string;
  unit: string;
  samples: number;
  p50: number | null;
  p95: number | null;
  mean: number | null;
  min: number | null;
  max: number | null;
}

export interface Measurement extends Figure {
  /** The alternative measured in the same run, side by side. */
  alternative?: Figure & { label: string };
  target?: { p95Max?: number; maxMax?: number; description: string };
  /** Where the time goes, when a figure has parts. */
  breakdown?: Record<string, Figure>;
  pass?: boolean;
  notes: string;
}

/**
 * The alternative's figure next to ours as a ratio of medians (ours / alternative): for pairs/s above 1 is
 * better, for ms below 1 is better; `ratioMeaning` says which.
 */
export function withRatio(m: Measurement): Measurement & { ratio?: number | null; ratioMeaning?: string } {
  if (!m.alternative) return m;
  const ratio = m.p50 !== null && m.alternative.p50 ? Math.round((m.p50 / m.alternative.p50) * 100) / 100 : null;
  const higherIsBetter = /\/s$/.test(m.unit);
  return { ...m, ratio, ratioMeaning: `ours / ${m.alternative.label} (p50), ${m.unit}: ${higherIsBetter ? 'above 1 is faster' : 'below 1 is faster'}` };
}

export function figure(name: string, unit: string, values: readonly number[]): Figure {
  const s = summarize(values);
  const finite = values.filter((v) => Number.isFinite(v));
  const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  return {
    name,
    unit,
    samples: s.n,
    p50: round(s.p50),
    p95: round(s.p95),
    mean: round(s.mean),
    min: round(finite.length ? Math.min(...finite) : null),
    max: round(finite.length ? Math.max(...finite) : null),
  };
}

/** Run `fn` `warmup` times unmeasured, then `samples` times; returns ms per call. */
export async function sample(samples: number, warmup: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

export function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}
