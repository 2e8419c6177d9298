/**
 * Dates for the UI. Durations, memory, percents and counts come from shared/units.ts (the one unit rule for every
 * screen and report), speed-ups from shared/speedup.ts.
 */

/** ISO time → "2025-03-04 14:05" in local time (what a person compares runs by). */
export function formatWhen(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
