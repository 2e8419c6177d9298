/**
 * Compare runs (issue 13 item 4) in the app: pick two runs from the list, and the engine's `runs:compare` (the same
 * code as `omni-review compare`) answers with the headline, the speed change per category and stage, and the pairs
 * whose verdict, text result, status or pictures changed. The panel keeps its own state: nothing else in the app
 * depends on a comparison.
 */
import { useState } from 'react';
import { SIDES, type Side } from '../../../../shared/model.ts';
import {
  categoryLabel,
  changedPairs,
  describePixelChange,
  pairLabel,
  stageLabel,
  type ComparedPair,
  type RunCompareResponse,
  type SpeedGroup,
  type SpeedRow,
} from '../../../../shared/run-compare.ts';
import { formatCount, formatDuration } from '../../../../shared/units.ts';
import { errorMessage } from '../../bridge/errors.ts';
import { useApp, useReviewApi } from '../../state/react.tsx';
import './compare-runs.css';


type PanelState =
  | { status: 'idle' }
  | { status: 'working' }
  | { status: 'error'; message: string }
  | { status: 'done'; result: RunCompareResponse; afterRunId: string };

export function CompareRunsPanel() {
  const runs = useApp((s) => s.runs);
  const blind = useApp((s) => s.blind);
  const openRun = useApp((s) => s.openRun);
  const select = useApp((s) => s.select);
  const api = useReviewApi();
  const [pickedBefore, setBefore] = useState('');
  const [pickedAfter, setAfter] = useState('');
  const [state, setState] = useState<PanelState>({ status: 'idle' });
  // The list is newest first: until the user picks, compare the previous run (before) with the newest (after).
  const before = pickedBefore || runs[1]?.id || '';
  const after = pickedAfter || runs[0]?.id || '';

  async function compare() {
    setState({ status: 'working' });
    try {
      const result = await api.call('runs:compare', { beforeRunId: before, afterRunId: after });
      setState({ status: 'done', result, afterRunId: after });
    } catch (error) {
      setState({ status: 'error', message: errorMessage(error) });
    }
  }

  const option = (id: string) => {
    const run = runs.find((r) => r.id === id);
    return run ? `${run.suiteName} · ${run.id}` : id;
  };
  return (
    <section className="panel compare-runs" aria-labelledby="compare-runs-heading" data-testid="compare-runs">
      <header className="panel-head">
        <h2 id="compare-runs-heading">Compare runs</h2>
        <span className="muted">what changed from one run of a suite to the next: speed per stage, verdicts, pictures</span>
      </header>
      {runs.length < 2 ? (
        <p className="empty">Two runs are needed; start or open another run of the same suite.</p>
      ) : (
        <form
          className="compare-runs-form"
          onSubmit={(e) => {
            e.preventDefault();
            void compare();
          }}
        >
          <label className="field grow">
            <span>First run (before)</span>
            <select value={before} onChange={(e) => setBefore(e.target.value)} data-testid="compare-before">
              {runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {option(r.id)}
                </option>
              ))}
            </select>
          </label>
          <label className="field grow">
            <span>Second run (after)</span>
            <select value={after} onChange={(e) => setAfter(e.target.value)} data-testid="compare-after">
              {runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {option(r.id)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary" data-testid="compare-submit" disabled={state.status === 'working' || before === '' || after === '' || before === after}>
            {state.status === 'working' ? 'Comparing…' : 'Compare'}
          </button>
        </form>
      )}
      {state.status === 'error' && (
        <p className="field-error" role="alert" data-testid="compare-error">
          {state.message}
        </p>
      )}
      {state.status === 'done' &&
        (blind ? (
          // The comparison names the sides (whose pictures changed, whose verdicts moved): hidden like the review stats.
          <p className="muted" data-testid="compare-blind">
            Hidden in blind mode: the comparison names the sides. Press b to show.
          </p>
        ) : (
          <ComparisonView
            result={state.result}
            onOpenPair={(key) => {
              // Review that pair in the second run: open it (its pairs load), then go to the pair.
              const runId = state.afterRunId;
              void openRun(runId).then(() => select(key));
            }}
          />
        ))}
    </section>
  );
}

function changeClass(r: SpeedRow | undefined): string {
  if (!r || r.ratio === null) return '';
  if (Math.abs(r.ratio - 1) < 0.005) return 'chg-same';
  return r.ratio > 1 ? 'chg-slower' : 'chg-faster';
}

function SpeedTable({ groups }: { groups: SpeedGroup[] }) {
  const stages: string[] = [];
  for (const g of groups) for (const r of g.rows) if (!stages.includes(r.stage)) stages.push(r.stage);
  return (
    <table className="compare-speed" data-testid="compare-speed">
      <thead>
        <tr>
          <th>stage</th>
          {groups.map((g) => (
            <th key={g.side} colSpan={3}>
              {g.side}: p50 before → after, change
            </th>
          ))}
          <th className="num">pairs</th>
        </tr>
      </thead>
      <tbody>
        {stages.map((stage) => (
          <tr key={stage} data-stage={stage}>
            <th>{stageLabel(stage)}</th>
            {groups.map((g) => {
              const r = g.rows.find((x) => x.stage === stage);
              return [
                <td key={`${g.side}b`} className="num">
                  {formatDuration(r?.p50.before)}
                </td>,
                <td key={`${g.side}a`} className="num">
                  {formatDuration(r?.p50.after)}
                </td>,
                <td key={`${g.side}c`} className={changeClass(r)}>
                  {r?.change ?? '—'}
                </td>,
              ];
            })}
            <td className="num">{groups.map((g) => formatCount(g.rows.find((x) => x.stage === stage)?.n ?? 0)).join(' / ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SideChange({ pair, side }: { pair: ComparedPair; side: Side }) {
  const px = pair.pixels[side];
  const st = pair.status[side];
  const t = px.thumbs;
  const changed = px.state === 'changed' || px.state === 'size-changed';
  return (
    <div className="compare-side" data-side={side}>
      <div className={changed ? 'changed' : 'muted'}>
        <b className={side === 'A' ? 'side-a' : 'side-b'}>{side}</b> {describePixelChange(px)}
        {st.before !== st.after && <span className="field-error"> · status {st.before} → {st.after}</span>}
      </div>
      <div className="muted mono">
        e2e {formatDuration(pair.e2eMs[side].before)} → {formatDuration(pair.e2eMs[side].after)}
      </div>
      {t && (
        <div className="compare-thumbs">
          {t.before && <img src={t.before} alt={`${side} before`} title={`${side} before`} />}
          {t.after && <img src={t.after} alt={`${side} after`} title={`${side} after`} />}
          {t.heatmap && <img src={t.heatmap} alt={`${side} heatmap`} title={`${side}: changed pixels in red`} data-testid="compare-heatmap" />}
        </div>
      )}
    </div>
  );
}

export function ComparisonView({ result, onOpenPair }: { result: RunCompareResponse; onOpenPair?: (pairKey: string) => void }) {
  const c = result.comparison;
  const changed = changedPairs(c);
  const categories = [...new Set(c.speed.map((g) => g.category))];
  const hasText = c.totals.textChanged !== null;
  return (
    <div className="comparison" data-testid="comparison">
      <p className="compare-headline" data-testid="compare-headline">
        {c.headline}
      </p>
      {c.warnings.length > 0 && (
        <ul className="compare-warnings" data-testid="compare-warnings">
          {c.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <p className="muted">
        Written to <span className="mono">{result.dir}</span> (compare.html, compare.md, compare.json). Pairs matched by case id, turn and repeat; each
        side against itself in the other run, like for like.
      </p>
      {categories.map((cat) => (
        <details key={cat} open={cat === 'all'} className="compare-category">
          <summary>{categoryLabel(cat)}</summary>
          <SpeedTable groups={c.speed.filter((g) => g.category === cat)} />
        </details>
      ))}
      <h3>
        Pairs that changed ({formatCount(changed.length)} of {formatCount(c.matching.matched)})
      </h3>
      {changed.length === 0 ? (
        <p className="muted">No pair changed verdict, text result, status or pictures.</p>
      ) : (
        <ul className="compare-pairs">
          {changed.map((p) => (
            <li key={p.key} data-testid="compare-changed-pair" data-case={p.caseId}>
              <div className="compare-pair-head">
                <span className="mono">{pairLabel(p)}</span>
                {p.title && <span className="muted"> {p.title}</span>}
                <span className="chip"> {categoryLabel(p.category)}</span>
                {p.verdict.changed ? (
                  <span className="changed" data-testid="compare-verdict-change">
                    {' '}
                    verdict {p.verdict.before} → {p.verdict.after}
                  </span>
                ) : (
                  <span className="muted"> verdict {p.verdict.after ?? 'not judged'}</span>
                )}
                {hasText &&
                  SIDES.filter((s) => p.text?.[s].changed).map((s) => (
                    <span key={s} className="changed">
                      {' '}
                      text {s} {p.text?.[s].before ? 'pass' : 'fail'} → {p.text?.[s].after ? 'pass' : 'fail'}
                    </span>
                  ))}
              </div>
              <div className="compare-sides">
                {SIDES.map((s) => (
                  <SideChange key={s} pair={p} side={s} />
                ))}
              </div>
              {onOpenPair && (
                <button type="button" className="small" data-testid="compare-open-pair" onClick={() => onOpenPair(p.key)}>
                  Review in the second run
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {(c.matching.onlyBefore.length > 0 || c.matching.onlyAfter.length > 0) && (
        <p className="muted" data-testid="compare-unmatched">
          Not matched: {formatCount(c.matching.onlyBefore.length)} only in the first run, {formatCount(c.matching.onlyAfter.length)} only in the second (listed in
          the warnings above).
        </p>
      )}
    </div>
  );
}
