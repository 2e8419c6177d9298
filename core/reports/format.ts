/** Number formatting shared by the HTML, CSV and JUnit reports: the way the performance notes write them. */
import { formatSpeedupWithDiff } from '../../shared/speedup.ts';

/** 355.1 → "0.3551 s" (four decimals, as in "0.3551 s vs 1.2536 s"). */
export function formatSeconds(ms: number | null, digits = 4): string {
  return ms === null || !Number.isFinite(ms) ? '—' : `${(ms / 1000).toFixed(digits)} s`;
}

/** 12.345 → "12.3 ms"; ≥ 10 s switches to seconds so long stages stay readable. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (Math.abs(ms) >= 10_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(1)} ms`;
}

/** 0.71674 → "71.67 %"; a non-zero ratio that would round to zero reads "< 0.01 %", not "0.00 %". */
export function formatPercent(ratio: number | null, digits = 2): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  const pct = ratio * 100;
  const smallest = 10 ** -digits;
  if (pct !== 0 && Math.abs(pct) < smallest) return `${pct < 0 ? '> −' : '< '}${smallest.toFixed(digits)} %`;
  return `${pct.toFixed(digits).replace('-', '−')} %`;
}

/**
 * "0.3551 s vs 1.2536 s → A 3.53× faster (−898 ms)": the screens' and the CLI's form, one unit (a ratio) and the
 * word "faster" or "slower" (shared/speedup.ts). The percent improvement stays in the exports.
 */
export function formatSpeedupLine(aMs: number | null, bMs: number | null): string {
  return `${formatSeconds(aMs)} vs ${formatSeconds(bMs)} → ${formatSpeedupWithDiff(aMs, bMs) ?? '—'}`;
}

/** Peak memory in the unit the servers report it (`peak_memory_mb`): 23456.7 → "23,457 MB". */
export function formatMb(mb: number | null): string {
  if (mb === null || !Number.isFinite(mb)) return '—';
  return `${Math.round(mb).toLocaleString('en-US')} MB`;
}

export function formatNumber(value: number | null, digits: number): string {
  return value === null || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}
