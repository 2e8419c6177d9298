import { useDeferredValue, useMemo, useState } from 'react';
import type { PairView } from '../../../../shared/contract.ts';
import { formatInterval, formatKappa, formatRate, formatShare, JUDGEMENT_LABELS, JUDGEMENTS, MIN_INTERVAL_PAIRS, positionBiasSuspected, reviewStats } from '../../../../shared/review-stats.ts';
import { useApp } from '../../state/react.tsx';

/**
 * Win / tie / both-bad shares with bootstrap intervals, position bias and reviewer agreement over the whole run,
 * the same numbers the exported report prints. Computed only while open: a bootstrap over thousands of pairs is
 * not work to redo on every key press. Hidden in blind mode, where A's and B's tallies are not for the reviewer.
 */
export function ReviewStatsPanel() {
  // Deferred: a verdict changes `pairs`, and the next pair must paint before the bootstrap (~0.1 s for 2,000
  // pairs) runs again.
  const pairs = useDeferredValue(useApp((s) => s.pairs));
  const blind = useApp((s) => s.blind);
  const [open, setOpen] = useState(false);
  return (
    <section className="inspector-section" aria-labelledby="review-stats-heading" data-testid="review-stats">
      <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          <h3 id="review-stats-heading" className="inline-heading">
            Review stats
          </h3>
        </summary>
        {open && (blind ? <p className="muted small-print">Hidden in blind mode: the tallies name the sides. Press b to show.</p> : <StatsBody pairs={pairs} />)}
      </details>
    </section>
  );
}

export function StatsBody({ pairs }: { pairs: readonly PairView[] }) {
  const stats = useMemo(() => reviewStats(pairs), [pairs]);
  if (stats.judgements === 0) return <p className="muted small-print">No judgements yet (skips do not count).</p>;
  const { agreement: ag, leftWins } = stats;
  return (
    <div className="review-stats small-print">
      <p className="muted">
        {stats.judgements} judgements on {stats.pairsJudged} pairs by {stats.reviewers.length} reviewer{stats.reviewers.length === 1 ? '' : 's'}; 95 %
        intervals from a bootstrap over pairs.
      </p>
      <table className="timings">
        <thead>
          <tr>
            <th scope="col">verdict</th>
            <th scope="col">n</th>
            <th scope="col">share</th>
            <th scope="col">95 % CI</th>
          </tr>
        </thead>
        <tbody>
          {JUDGEMENTS.map((j) => (
            <tr key={j} data-testid={`review-rate-${j}`}>
              <th scope="row">{JUDGEMENT_LABELS[j]}</th>
              <td className="mono">{stats.rates[j].k}</td>
              <td className="mono">{formatRate(stats.rates[j])}</td>
              <td className="mono">{stats.rates[j].lo === null ? '—' : formatInterval(stats.rates[j])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {stats.pairsJudged < MIN_INTERVAL_PAIRS && <p className="muted">Intervals appear from {MIN_INTERVAL_PAIRS} judged pairs on.</p>}
      <p data-testid="review-position-bias" title="Blind verdicts that picked a side: how often the side on the left won. 50 % is no bias.">
        Left side won (blind): {leftWins.n === 0 ? 'no blind A/B-better verdicts yet' : `${formatShare(leftWins)} of ${leftWins.n}`}
        {positionBiasSuspected(leftWins) && <span className="warn"> — layout may be deciding</span>}
      </p>
      <p data-testid="review-agreement">
        Agreement:{' '}
        {ag.pairs === 0
          ? 'no pair judged by two reviewers yet'
          : `${ag.pairs} pairs with ≥ 2 reviewers · Fleiss ${formatKappa(ag.fleissKappa)}`}
      </p>
      {ag.cohen.length > 0 && (
        <ul className="plain-list">
          {ag.cohen.map((c) => (
            <li key={c.reviewers.join('\u0000')} className="muted">
              {c.reviewers[0]} ↔ {c.reviewers[1]}: {formatKappa(c.kappa)} over {c.n}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
