import type { ResponseOf } from '../../../../shared/contract.ts';
import { formatShareBracket } from '../../../../shared/headline.ts';
import { JUDGEMENT_LABELS, JUDGEMENTS } from '../../../../shared/review-stats.ts';
import type { SummaryRow } from '../../../../shared/run-summary.ts';
import { formatRatio, formatSpeedup, speedTone } from '../../../../shared/speedup.ts';
import { formatCount, formatDuration, formatPercent } from '../../../../shared/units.ts';

export type RunSummaryData = ResponseOf<'runs:summary'>;

function toneClass(r: SummaryRow): string {
  const t = speedTone(r.e2eMs.A.p50, r.e2eMs.B.p50);
  return t === null ? '' : t === 'even' ? 'tone-even' : `tone-${t}`;
}

/**
 * The run's conclusions: the headline, then the per-category / per-language table, the same numbers report.json,
 * report.html and report.md print. Blind mode hides what would name the preferred side: the verdict sentence and
 * the verdict-share columns.
 */
export function SummaryView({ data, blind }: { data: RunSummaryData; blind: boolean }) {
  const { headline, rows } = data;
  const withText = rows.some((r) => r.text !== null);
  const showVerdicts = !blind;
  return (
    <div className="summary-view">
      <section className="panel summary-headline" aria-labelledby="summary-headline-title" data-testid="summary-headline">
        <h2 id="summary-headline-title">Headline</h2>
        <p className={`headline-speed ${headline.tone === null ? '' : headline.tone === 'even' ? 'tone-even' : `tone-${headline.tone}`}`} data-testid="headline-speed">
          {headline.speed}
        </p>
        {showVerdicts ? (
          <p data-testid="headline-review">{headline.review}</p>
        ) : (
          <p className="muted" data-testid="headline-review-hidden">
            Verdict shares are hidden in blind mode: they name the side reviewers prefer. Press b to show them.
          </p>
        )}
        {headline.text !== null && <p data-testid="headline-text">{headline.text}</p>}
      </section>
      <section className="panel summary-table-panel" aria-labelledby="summary-table-title">
        <h2 id="summary-table-title">By category and language</h2>
        <p className="muted small-print">
          Latency over the pairs where both sides succeeded; speed-up = B p50 / A p50 (green: A faster, red: A slower).
          {showVerdicts && ' Verdict shares with 95 % bootstrap intervals over pairs, none below 5 judged pairs.'}
          {withText && ' Text pass rate with a 95 % interval.'} Diff = median share of changed pixels A↔B.
        </p>
        <div className="summary-table-wrap">
          <table className="summary-table" data-testid="summary-table">
            <thead>
              <tr>
                <th scope="col">group</th>
                <th scope="col">pairs</th>
                <th scope="col">A p50</th>
                <th scope="col">A p95</th>
                <th scope="col">B p50</th>
                <th scope="col">B p95</th>
                <th scope="col">speed-up</th>
                {showVerdicts &&
                  JUDGEMENTS.map((j) => (
                    <th scope="col" key={j} data-testid="verdict-share-head">
                      {JUDGEMENT_LABELS[j]}
                    </th>
                  ))}
                {withText && (
                  <>
                    <th scope="col">text pass A</th>
                    <th scope="col">text pass B</th>
                  </>
                )}
                <th scope="col">diff</th>
                <th scope="col">SSIM</th>
                <th scope="col">errors A / B</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key} className={r.kind === 'all' ? 'row-total' : r.kind === 'turn' || r.language !== null ? 'row-sub' : ''} data-testid={`summary-row-${r.key}`}>
                  <th scope="row">{r.label}</th>
                  <td>{formatCount(r.pairs)}</td>
                  <td>{formatDuration(r.e2eMs.A.p50)}</td>
                  <td>{formatDuration(r.e2eMs.A.p95)}</td>
                  <td>{formatDuration(r.e2eMs.B.p50)}</td>
                  <td>{formatDuration(r.e2eMs.B.p95)}</td>
                  <td className={toneClass(r)} title={formatSpeedup(r.e2eMs.A.p50, r.e2eMs.B.p50) ?? undefined}>
                    {formatRatio(r.e2eMs.A.p50, r.e2eMs.B.p50) ?? '—'}
                  </td>
                  {showVerdicts && JUDGEMENTS.map((j) => <td key={j}>{r.judged === 0 ? '—' : formatShareBracket(r.rates[j])}</td>)}
                  {withText && (
                    <>
                      <td>{r.text ? formatShareBracket(r.text.A) : '—'}</td>
                      <td>{r.text ? formatShareBracket(r.text.B) : '—'}</td>
                    </>
                  )}
                  <td>{formatPercent(r.diffMedian)}</td>
                  <td>{r.ssimMedian === null ? '—' : r.ssimMedian.toFixed(3)}</td>
                  <td className={r.errors.A + r.errors.B > 0 ? 'err' : ''}>
                    {r.errors.A} / {r.errors.B}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
