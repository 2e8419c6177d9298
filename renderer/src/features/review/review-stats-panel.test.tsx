import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { PairView } from '../../../../shared/contract.ts';
import type { Verdict, VerdictValue } from '../../../../shared/model.ts';
import { fakePair } from '../compare/pair-fixture.ts';
import { StatsBody } from './review-stats-panel.tsx';

function withVerdicts(key: string, verdicts: Array<[string, VerdictValue, Partial<Verdict>?]>): PairView {
  return fakePair({
    key,
    verdicts: verdicts.map(([reviewer, verdict, extra], i) => ({
      id: `${key}-${i}`,
      pairKey: key,
      reviewer,
      verdict,
      tags: [],
      note: '',
      blind: false,
      swapped: false,
      durationMs: 500,
      createdAt: `2026-11-23T10:00:0${i}.000Z`,
      ...extra,
    })),
  });
}

describe('StatsBody', () => {
  it('shows shares, position bias and agreement with the reviewers named (escaped)', () => {
    const html = renderToStaticMarkup(
      <StatsBody
        pairs={[
          withVerdicts('p1', [['ana', 'A_better'], ['<b>bo</b>', 'A_better']]),
          withVerdicts('p2', [['ana', 'B_better', { blind: true, swapped: false }], ['<b>bo</b>', 'tie']]),
          withVerdicts('p3', [['ana', 'skip']]),
        ]}
      />,
    );
    expect(html).toContain('4 judgements on 2 pairs by 2 reviewers');
    expect(html).toContain('data-testid="review-rate-A_better"><th scope="row">A better</th><td class="mono">2</td><td class="mono">50 %</td><td class="mono">—</td>');
    expect(html).toContain('Intervals appear from 5 judged pairs on.');
    // B won while A was on the left: the right side won.
    expect(html).toContain('0 % (too few pairs for a CI) of 1');
    expect(html).toContain('2 pairs with ≥ 2 reviewers · Fleiss κ 0.20, slight');
    expect(html).toContain('&lt;b&gt;bo&lt;/b&gt; ↔ ana');
    expect(html).not.toContain('<b>bo</b>');
  });

  it('says so when nothing is judged yet', () => {
    expect(renderToStaticMarkup(<StatsBody pairs={[withVerdicts('p1', [['ana', 'skip']])]} />)).toContain('No judgements yet');
  });
});
