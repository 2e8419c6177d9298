/**
 * Number formatting only the compare view needs: its finer durations, axis ticks, pixel-inspector colours. Ratios
 * and memory come from shared/units.ts, speed-ups (ratios) from shared/speedup.ts.
 */
import { formatDuration } from '../../../../shared/units.ts';

function bad(value: number | null | undefined): value is null | undefined {
  return value === null || value === undefined || !Number.isFinite(value);
}

/** Durations on the one unit rule (shared/units.ts formatDuration); negative reads "—" (a duration is never < 0). */
export function fmtMs(ms: number | null | undefined): string {
  if (bad(ms) || ms < 0) return '—';
  return formatDuration(ms);
}

/** Axis labels: shortest exact form for round tick values ("0", "250 ms", "1.5 s"). */
export function fmtTick(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1000) return `${+ms.toPrecision(3)} ms`;
  return `${+(ms / 1000).toPrecision(3)} s`;
}

export function fmtCount(n: number | null | undefined): string {
  if (bad(n)) return '—';
  return Math.round(n).toLocaleString('en-US');
}

export function hex2(n: number): string {
  return Math.max(0, Math.min(255, Math.round(n))).toString(16).padStart(2, '0');
}

export function fmtHex(r: number, g: number, b: number): string {
  return `#${hex2(r)}${hex2(g)}${hex2(b)}`;
}
