/**
 * The one unit rule for every screen, report, export and CLI line (issue 13 "Trust the layout"):
 * - durations in ms below 10 s and in s from 10 s up, with two to three significant figures
 *   ("1.23 ms", "12.3 ms", "355 ms", "4,210 ms", "12.3 s", "125 s");
 * - memory in GB (the servers report MiB as torch counts them, so ÷ 1024), "0.52 GB" below 1 GB;
 * - shares and rates in percent with a space before the sign, "< 0.01 %" instead of a false zero.
 * Nothing here prints "NaN": a missing or non-finite value reads "—".
 */

const MISSING = '—';
const SECONDS_FROM_MS = 10_000;

function finite(value: number | null | undefined): value is number {
  return value !== null && value !== undefined && Number.isFinite(value);
}

/** Digits after the point that keep two to three significant figures for |value| ≥ 1 (0 from 100 up). */
function decimalsFor(abs: number): number {
  if (abs >= 100) return 0;
  if (abs >= 10) return 1;
  return 2;
}

function withSign(text: string, negative: boolean): string {
  return negative ? `−${text}` : text;
}

function grouped(value: number, decimals: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** 1.234 → "1.23 ms", 355.1 → "355 ms", 4210 → "4,210 ms", 12_345 → "12.3 s", 125_000 → "125 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (!finite(ms)) return MISSING;
  const abs = Math.abs(ms);
  if (abs >= SECONDS_FROM_MS) {
    const s = abs / 1000;
    return withSign(`${grouped(s, decimalsFor(s))} s`, ms < 0);
  }
  return withSign(`${grouped(abs, decimalsFor(abs))} ms`, ms < 0);
}

/** A signed duration difference: −898 → "−898 ms", 1500 → "+1,500 ms". */
export function formatDurationDelta(ms: number | null | undefined): string {
  if (!finite(ms)) return MISSING;
  return ms > 0 ? `+${formatDuration(ms)}` : formatDuration(ms);
}

/** Peak memory reported in MiB → GB: 23456.7 → "22.9 GB", 530 → "0.52 GB". */
export function formatMemory(mib: number | null | undefined): string {
  if (!finite(mib)) return MISSING;
  const gb = Math.abs(mib) / 1024;
  const decimals = gb >= 100 ? 0 : gb >= 10 ? 1 : 2;
  return withSign(`${grouped(gb, decimals)} GB`, mib < 0);
}

/** A ratio 0..1 as a percent: 0.41 → "41 %", 0.0123 → "1.2 %", 0.00004 → "< 0.01 %", 0 → "0 %". */
export function formatPercent(ratio: number | null | undefined, digits?: number): string {
  if (!finite(ratio)) return MISSING;
  if (ratio === 0) return '0 %';
  const pct = Math.abs(ratio) * 100;
  const places = digits ?? (pct >= 10 ? 0 : pct >= 1 ? 1 : 2);
  const smallest = 10 ** -places;
  const text = pct < smallest ? `< ${smallest.toFixed(places)} %` : `${pct.toFixed(places)} %`;
  return withSign(text, ratio < 0);
}

/** 12345 → "12,345". */
export function formatCount(n: number | null | undefined): string {
  return finite(n) ? n.toLocaleString('en-US') : MISSING;
}

/** A rate with its unit, two decimals as `vllm bench serve` prints it: 3.9101 → "3.91 req/s", 2502.47 → "2,502.47 tok/s". */
export function formatRate(value: number | null | undefined, unit: string): string {
  if (!finite(value)) return MISSING;
  return withSign(`${grouped(Math.abs(value), 2)} ${unit}`, value < 0);
}
