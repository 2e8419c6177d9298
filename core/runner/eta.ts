/**
 * The time-left estimate the scheduler puts into its progress events (pure).
 */

export interface EtaSide {
  /** Jobs (or comparisons) still to finish (pending + running). */
  remaining: number;
  /** Jobs this session finished by sending them (skipped ones do not say anything about speed); comparisons finished. */
  finished: number;
}

/**
 * Time left, from each lane's completion rate in this session; the slowest lane decides (all run at once).
 * The lanes are side A, side B and the comparisons: a run is over when its last comparison is saved, and when
 * comparisons fall behind the responses, their own rate says how long the tail takes.
 * null while a lane with work left has not finished anything yet.
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
