/**
 * Small descriptive statistics for latency tables and summaries. Pure and isomorphic: the report builder
 * (core) and the UI (renderer) must print the same numbers for the same run.
 *
 * Every function ignores non-finite values (NaN, ±Infinity) rather than letting one bad sample poison a
 * mean, and answers null for "no data" instead of 0 or NaN, so a table can say "—" honestly.
 */

function finite(values: Iterable<number>): number[] {
  const out: number[] = [];
  for (const v of values) if (Number.isFinite(v)) out.push(v);
  return out;
}

export function mean(values: Iterable<number>): number | null {
  const xs = finite(values);
  if (xs.length === 0) return null;
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/**
 * The p-th percentile (0..100) with linear interpolation between closest ranks (numpy's default, "R-7"),
 * the method behind the P50/P99 columns of `vllm bench serve` that engineers compare against.
 */
export function percentile(values: Iterable<number>, p: number): number | null {
  if (!Number.isFinite(p) || p < 0 || p > 100) throw new RangeError(`percentile must be between 0 and 100, got ${p}`);
  const xs = finite(values).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const rank = (p / 100) * (xs.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const low = xs[lo] as number;
  const high = xs[hi] as number;
  return low + (high - low) * (rank - lo);
}

export function median(values: Iterable<number>): number | null {
  return percentile(values, 50);
}

export function max(values: Iterable<number>): number | null {
  const xs = finite(values);
  if (xs.length === 0) return null;
  let m = xs[0] as number;
  for (const x of xs) if (x > m) m = x;
  return m;
}

export interface LatencySummary {
  n: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
}

export function summarize(values: Iterable<number>): LatencySummary {
  const xs = finite(values);
  return { n: xs.length, mean: mean(xs), p50: percentile(xs, 50), p95: percentile(xs, 95) };
}

/**
 * Relative improvement of A over B, `(B − A) / B`, as the performance notes write it
 * (0.3551 s vs 1.2536 s → 0.7168). Positive when A is faster; null when either is missing or B is not > 0.
 */
export function improvement(a: number | null, b: number | null): number | null {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return null;
  return (b - a) / b;
}
