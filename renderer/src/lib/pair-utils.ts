/**
 * Small pure questions the UI asks about a pair: its latest verdict, its overall status, its multi-turn chain.
 * Kept out of components so the filter, the buckets and the store agree on one answer.
 */
import type { PairView } from '../../../shared/contract.ts';
import type { Verdict } from '../../../shared/model.ts';

export type PairStatus = 'ok' | 'error' | 'pending' | 'skipped';

/**
 * The verdict that counts for a reviewer: their newest one (engine appends, undo removes). With `reviewer`
 * null any reviewer's newest counts. Ties on createdAt keep the later array entry (the engine's append order).
 */
export function latestVerdict(pair: PairView, reviewer: string | null): Verdict | null {
  let best: Verdict | null = null;
  for (const v of pair.verdicts) {
    if (reviewer !== null && v.reviewer !== reviewer) continue;
    if (best === null || v.createdAt >= best.createdAt) best = v;
  }
  return best;
}

/** One word for the row's status dot: an error on either side wins, then work still to do, then skipped. */
export function pairStatus(pair: PairView): PairStatus {
  const a = pair.A.status;
  const b = pair.B.status;
  if (a === 'error' || b === 'error') return 'error';
  if (a === 'pending' || a === 'running' || b === 'pending' || b === 'running') return 'pending';
  if (a === 'skipped' || b === 'skipped') return 'skipped';
  return 'ok';
}

/** Every turn of the pair's case and repeat, in turn order (the pair itself included). */
export function chainOf(pairs: readonly PairView[], pair: PairView): PairView[] {
  if (pair.turns <= 1) return [pair];
  return pairs
    .filter((p) => p.caseId === pair.caseId && p.repeat === pair.repeat)
    .sort((x, y) => x.turn - y.turn);
}

/** "poster-01 · t2/3 · r1": the short human id of a pair (repeat shown only when there are several). */
export function pairLabel(pair: PairView, showRepeat: boolean): string {
  const parts = [pair.caseId];
  if (pair.turns > 1) parts.push(`t${pair.turn}/${pair.turns}`);
  if (showRepeat) parts.push(`r${pair.repeat}`);
  return parts.join(' · ');
}
