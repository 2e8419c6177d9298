/**
 * The delay before a retry: exponential backoff with jitter (pure; the scheduler owns the timers).
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
