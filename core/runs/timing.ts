/**
 * Small pure helpers of the runner: retry backoff and the ETA estimate.
 */

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 500, maxMs: 15_000 };

/**
 * Delay before retry number `retry` (1 = the first retry): exponential (base · 2^(retry−1), capped at max), with
 * "equal jitter": half fixed, half random. The fixed half keeps the growth; the random half keeps many jobs
 * that failed together (a server restart) from retrying in lockstep.
 */
export function backoffDelayMs(retry: number, backoff: Backoff, random: () => number = Math.random): number {
  const exp = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export interface EtaSide {
  /** Jobs still to finish (pending + running). */
  remaining: number;
  /** Jobs this session finished by sending them (skipped ones do not say anything about speed). */
  finished: number;
}

/**
 * Time left, from each side's completion rate in this session; the slower side decides (both run at once).
 * null while a side with work left has not finished anything yet.
 */
export function estimateEtaMs(sides: readonly EtaSide[], elapsedMs: number): number | null {
  let eta = 0;
  for (const side of sides) {
    if (side.remaining === 0) continue;
    if (side.finished === 0 || elapsedMs <= 0) return null;
    eta = Math.max(eta, (side.remaining * elapsedMs) / side.finished);
  }
  return Math.round(eta);
}
