import { describe, expect, it } from 'vitest';
import { placement, positionOf, sideName, verdictFor, verdictLabel } from './blind.ts';

describe('blind mode mapping', () => {
  it('never swaps outside blind mode, whatever blindSwap says', () => {
    expect(placement({ blindSwap: true }, false)).toEqual({ left: 'A', right: 'B', swapped: false });
    expect(placement({ blindSwap: false }, true)).toEqual({ left: 'A', right: 'B', swapped: false });
    expect(placement({ blindSwap: true }, true)).toEqual({ left: 'B', right: 'A', swapped: true });
  });

  it('maps "left is better" to the backend drawn on the left', () => {
    expect(verdictFor('left', false)).toBe('A_better');
    expect(verdictFor('left', true)).toBe('B_better');
    expect(verdictFor('right', false)).toBe('B_better');
    expect(verdictFor('right', true)).toBe('A_better');
    for (const v of ['tie', 'both_bad', 'skip'] as const) {
      expect(verdictFor(v, true)).toBe(v);
      expect(verdictFor(v, false)).toBe(v);
    }
  });

  it('positionOf inverts verdictFor', () => {
    for (const swapped of [true, false]) {
      for (const choice of ['left', 'right', 'tie', 'both_bad', 'skip'] as const) {
        expect(positionOf(verdictFor(choice, swapped), swapped)).toBe(choice);
      }
    }
  });

  it('labels verdicts by position in blind mode so the list does not unblind', () => {
    expect(verdictLabel('A_better', false, false)).toBe('A better');
    expect(verdictLabel('A_better', true, true)).toBe('Right better');
    expect(verdictLabel('B_better', true, true)).toBe('Left better');
    expect(verdictLabel('both_bad', true, true)).toBe('Both bad');
  });

  it('names sides by backend label, or Left/Right when blind', () => {
    const labels = { A: 'vLLM-Omni', B: 'diffusers' };
    expect(sideName('left', false, labels, placement({ blindSwap: true }, false))).toBe('vLLM-Omni');
    expect(sideName('left', true, labels, placement({ blindSwap: true }, true))).toBe('Left');
  });
});
