/**
 * Report-only number forms. Durations, memory, percents and counts come from shared/units.ts (the one unit rule of
 * every screen, report and CLI line), speed-ups from shared/speedup.ts; what is left here is the combined line.
 */
import { formatSpeedupWithDiff } from '../../shared/speedup.ts';
import { formatDuration } from '../../shared/units.ts';

/**
 * "A 355 ms vs B 1,254 ms: A 3.53× faster (−898 ms)": one unit rule, a ratio, and the word "faster" or "slower"
 * (shared/speedup.ts). The percent improvement (B − A) / B stays in the exports.
 */
export function formatSpeedupLine(aMs: number | null, bMs: number | null): string {
  return `A ${formatDuration(aMs)} vs B ${formatDuration(bMs)}: ${formatSpeedupWithDiff(aMs, bMs) ?? 'no speed-up (a side has no time)'}`;
}

/** A plain number with fixed decimals (SSIM 0.9679), "—" for none. */
export function formatNumber(value: number | null, digits: number): string {
  return value === null || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}
