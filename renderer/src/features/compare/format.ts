/**
 * Number formatting only the compare view needs: its finer durations, axis ticks, pixel-inspector colours. Ratios
 * and memory come from renderer/src/lib/format.ts, speed-ups (ratios) from shared/speedup.ts.
 */

function bad(value: number | null | undefined): value is null | undefined {
  return value === null || value === undefined || !Number.isFinite(value);
}

/** 0.4 → "0.40 ms", 4 → "4.0 ms", 85 → "85 ms", 1234 → "1.23 s", 61_000 → "61.0 s". */
export function fmtMs(ms: number | null | undefined): string {
  if (bad(ms) || ms < 0) return '—';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 1000).toFixed(1)} s`;
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
