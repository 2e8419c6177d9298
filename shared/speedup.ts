/**
 * Speed-ups as ratios, one wording and one colour rule for every screen, report and export (DESIGN "Like for like").
 *
 * - `ratio` = B / A: how many times faster A is. `A 1.42× faster`, `A 0.71× (slower)`; the absolute difference
 *   A − B in ms goes beside it.
 * - `tone`: `a-faster` | `a-slower` | `even`: the one colour rule (green = A faster, red = A slower), whatever the
 *   screen. The percent improvement (B − A) / B stays in exports (shared/stats.ts `improvement`).
 */

import { formatDuration, formatDurationDelta } from './units.ts';

export type SpeedTone = 'a-faster' | 'a-slower' | 'even';

function ok(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** B / A, null when either is missing or A is 0 (no ratio of nothing). */
export function speedRatio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (!ok(a) || !ok(b) || a <= 0 || b <= 0) return null;
  return b / a;
}

/** Ratios within ±0.5 % of 1 read as "same". */
const EVEN = 0.005;

export function speedTone(a: number | null | undefined, b: number | null | undefined): SpeedTone | null {
  const r = speedRatio(a, b);
  if (r === null) return null;
  if (Math.abs(r - 1) < EVEN) return 'even';
  return r > 1 ? 'a-faster' : 'a-slower';
}

function fmtRatio(r: number): string {
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2);
}

/** "A 1.42× faster" | "A 0.71× (slower)" | "same speed"; `who` names the side (default "A"). */
export function formatSpeedup(a: number | null | undefined, b: number | null | undefined, who = 'A'): string | null {
  const r = speedRatio(a, b);
  if (r === null) return null;
  const tone = speedTone(a, b);
  if (tone === 'even') return 'same speed';
  return tone === 'a-faster' ? `${who} ${fmtRatio(r)}× faster` : `${who} ${fmtRatio(r)}× (slower)`;
}

/** The ratio alone, for narrow cells: "1.42×" (its cell's colour and title carry the words). */
export function formatRatio(a: number | null | undefined, b: number | null | undefined): string | null {
  const r = speedRatio(a, b);
  return r === null ? null : `${fmtRatio(r)}×`;
}

/** Signed A − B on the one unit rule (shared/units.ts): "−521 ms" (A quicker), "+1,200 ms", "+12.0 s" (A slower). */
export function formatDiffMs(a: number | null | undefined, b: number | null | undefined): string | null {
  if (!ok(a) || !ok(b)) return null;
  const d = a - b;
  return d === 0 ? `±${formatDuration(0)}` : formatDurationDelta(d);
}

/** The one-line form: "A 1.42× faster (−521 ms)". */
export function formatSpeedupWithDiff(a: number | null | undefined, b: number | null | undefined, who = 'A'): string | null {
  const s = formatSpeedup(a, b, who);
  if (s === null) return null;
  const d = formatDiffMs(a, b);
  return d === null ? s : `${s} (${d})`;
}

/**
 * One side's change between two runs (issue 13 "Compare runs"): `after / before` as a ratio read in words,
 * "A 1.31× slower" | "A 1.31× faster" | "A same speed" (within ±0.5 %), null without both figures.
 */
export function formatSpeedChange(beforeMs: number | null | undefined, afterMs: number | null | undefined, who = 'A'): string | null {
  const r = speedRatio(afterMs, beforeMs);
  if (r === null) return null;
  if (Math.abs(r - 1) < EVEN) return `${who} same speed`;
  return r > 1 ? `${who} ${fmtRatio(r)}× faster` : `${who} ${fmtRatio(1 / r)}× slower`;
}
