/**
 * Blind mode (DESIGN "Review model"): backend names are hidden and, per pair, B may be shown on the left
 * (`pair.blindSwap`, fixed per run). Every verdict key is positional in the reviewer's eyes ("left is
 * better"), so it must be mapped back to the backend that was actually drawn there before it is stored.
 * Getting this wrong silently corrupts every blind result, hence one small tested module.
 */
import type { PairView } from '../../../shared/contract.ts';
import type { Side, VerdictValue } from '../../../shared/model.ts';

/** What a verdict key means on screen. */
export type PositionalVerdict = 'left' | 'right' | 'tie' | 'both_bad' | 'skip';

export interface Placement {
  left: Side;
  right: Side;
  /** True when B is drawn on the left (only ever in blind mode). Stored with the verdict. */
  swapped: boolean;
}

export function placement(pair: Pick<PairView, 'blindSwap'>, blind: boolean): Placement {
  const swapped = blind && pair.blindSwap;
  return swapped ? { left: 'B', right: 'A', swapped } : { left: 'A', right: 'B', swapped };
}

/** The stored verdict for a positional choice: "left better" means whichever backend is on the left. */
export function verdictFor(choice: PositionalVerdict, swapped: boolean): VerdictValue {
  switch (choice) {
    case 'left':
      return swapped ? 'B_better' : 'A_better';
    case 'right':
      return swapped ? 'A_better' : 'B_better';
    default:
      return choice;
  }
}

/** The positional reading of a stored verdict for the current placement (inverse of verdictFor). */
export function positionOf(verdict: VerdictValue, swapped: boolean): PositionalVerdict {
  switch (verdict) {
    case 'A_better':
      return swapped ? 'right' : 'left';
    case 'B_better':
      return swapped ? 'left' : 'right';
    default:
      return verdict;
  }
}

/**
 * Short label for a stored verdict. In blind mode names would unblind the reviewer, so a verdict reads as the
 * side it is on *now* ("Left better"); otherwise it names the backend.
 */
export function verdictLabel(verdict: VerdictValue, blind: boolean, swapped: boolean): string {
  if (verdict === 'tie') return 'Tie';
  if (verdict === 'both_bad') return 'Both bad';
  if (verdict === 'skip') return 'Skipped';
  if (!blind) return verdict === 'A_better' ? 'A better' : 'B better';
  return positionOf(verdict, swapped) === 'left' ? 'Left better' : 'Right better';
}

/** Name shown for a side: the backend label, or Left/Right in blind mode. */
export function sideName(position: 'left' | 'right', blind: boolean, labels: Record<Side, string>, place: Placement): string {
  if (blind) return position === 'left' ? 'Left' : 'Right';
  return labels[place[position]];
}
