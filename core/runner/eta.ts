/**
 * The time-left estimate the scheduler puts into its progress events (pure).
 */

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
