import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { PairView, RunSummary } from '../../../../shared/contract.ts';
import { placement } from '../../lib/blind.ts';
import { formatDuration } from '../../../../shared/units.ts';
import { chainOf, pairLabel } from '../../lib/pair-utils.ts';
import { useApp, useReviewApi } from '../../state/react.tsx';
import { currentPair, currentRun, neighbourPairs } from '../../state/selectors.ts';
import { BucketBar } from './bucket-bar.tsx';
import { CompareSlot } from './compare-slot.tsx';
import { ExportPanel } from './export-panel.tsx';
import { FilterBox } from './filter-box.tsx';
import { PairList } from './pair-list.tsx';
import { ReviewStatsPanel } from './review-stats-panel.tsx';
import { SortSelect } from './sort-select.tsx';
import { TimingSummary } from './timing-summary.tsx';
import { preloadPairs } from '../compare/index.ts';
import { TextCheckPanel } from './text-check-panel.tsx';
import { VerdictPanel } from './verdict-panel.tsx';
import './review.css';

export function ReviewPage() {
  const api = useReviewApi();
  const run = useApp(currentRun);
  const runId = useApp((s) => s.runId);
  const pair = useApp(currentPair);
  const pairs = useApp((s) => s.pairs);
  const pairIndex = useApp((s) => s.pairIndex);
  const visibleKeys = useApp((s) => s.visibleKeys);
  const currentKey = useApp((s) => s.currentKey);
  const blind = useApp((s) => s.blind);
  const mode = useApp((s) => s.mode);
  const setMode = useApp((s) => s.setMode);
  const zoomCommand = useApp((s) => s.zoomCommand);
  const select = useApp((s) => s.select);
  const showText = useApp((s) => s.showText);

  // Once the pair on screen has painted and the browser is idle, have the images the current view mode needs
  // fetched *and decoded* for the neighbours: next, previous, the one after. Waiting for idle keeps those decodes
  // off the frame that shows the new pair; a new paint replaces the wish list, so fast key presses leave no
  // backlog (docs/performance.md has the figures). Read through a ref so the callback stays stable.
  const neighbours = useMemo(() => neighbourPairs({ pairs, pairIndex, visibleKeys, currentKey }, 2), [pairs, pairIndex, visibleKeys, currentKey]);
  const preloadInfo = useRef({ runId, neighbours, mode, blind });
  useEffect(() => {
    preloadInfo.current = { runId, neighbours, mode, blind };
  });
  const idle = useRef<number | null>(null);
  useEffect(() => () => {
    if (idle.current !== null) cancelIdleCallback(idle.current);
  }, []);
  const onPainted = useCallback((_key: string, drawUrl: (runId: string, imageId: string) => string) => {
    if (idle.current !== null) cancelIdleCallback(idle.current);
    idle.current = requestIdleCallback(
      () => {
        idle.current = null;
        const { runId: id, neighbours: near, mode: m, blind: b } = preloadInfo.current;
        if (id === null) return;
        const order = [near.next[0], near.previous, near.next[1]].filter((p): p is PairView => p !== undefined && p !== null);
        // The same URLs the view draws with (display-sized copies at fit), so the next paint finds them decoded.
        preloadPairs(id, order.map((p) => ({ pair: p, swapped: placement(p, b).swapped })), m, drawUrl);
      },
      { timeout: 300 },
    );
  }, []);
  const chain = useMemo(() => (pair ? chainOf(pairs, pair) : []), [pairs, pair]);

  // Stable identity: the compare view memoises on it.
  const labelA = run?.backends.A.label ?? 'A';
  const labelB = run?.backends.B.label ?? 'B';
  const labels = useMemo(() => ({ A: labelA, B: labelB }), [labelA, labelB]);

  if (runId === null) return <p className="empty">Open a run from the Runs page.</p>;

  return (
    <div className="review-page" data-testid="review-page">
      <aside className="review-sidebar" aria-label="Pairs">
        {run && <RunStrip run={run} />}
        <FilterBox />
        <BucketBar />
        <SortSelect />
        <PairList />
      </aside>
      <main className="review-center">
        {pair ? (
          <>
            <PairHeader pair={pair} chain={chain} onSelect={select} />
            <div className="compare-host">
              <CompareSlot
                runId={runId}
                pair={pair}
                chain={chain}
                imageUrl={api.imageUrl}
                mode={mode}
                onModeChange={setMode}
                blind={blind}
                swapped={placement(pair, blind).swapped}
                zoomCommand={zoomCommand}
                onSelectTurn={select}
                backendLabels={labels}
                onPainted={onPainted}
                showText={showText}
              />
            </div>
          </>
        ) : (
          <p className="empty">No pair selected.</p>
        )}
      </main>
      <aside className="review-inspector" aria-label="Verdict and details">
        {pair && <VerdictPanel pair={pair} />}
        {pair && <TextCheckPanel pair={pair} />}
        {pair && <SideErrors pair={pair} blind={blind} />}
        {pair && <TimingSummary pair={pair} run={run} blind={blind} />}
        <ReviewStatsPanel />
        <ExportPanel />
      </aside>
    </div>
  );
}

function RunStrip({ run }: { run: RunSummary }) {
  const mine = useApp((s) => s.buckets.find((b) => b.name === 'reviewed')?.count ?? 0);
  // From the loaded pairs, not run.reviewed: the run summary is fetched once, verdicts arrive one by one.
  const anyone = useApp((s) => s.pairs.reduce((n, p) => n + (p.verdicts.length > 0 ? 1 : 0), 0));
  const active = run.state === 'running' || run.state === 'starting';
  const p = run.progress;
  return (
    <div className="run-strip mono" data-testid="review-progress">
      <span title="Pairs with a verdict from you, and from anyone">
        you {mine}/{run.pairs} · all reviewers {anyone}
      </span>
      {active && (
        <span>
          · A {p.A.done}/{p.A.total} · B {p.B.done}/{p.B.total}
          {p.ocr && ` · text read ${p.ocr.done}/${p.ocr.total}`}
          {p.etaMs !== null && ` · ETA ${formatDuration(p.etaMs)}`}
        </span>
      )}
    </div>
  );
}

function PairHeader({ pair, chain, onSelect }: { pair: PairView; chain: PairView[]; onSelect: (key: string) => void }) {
  return (
    <header className="pair-header" data-testid="pair-header">
      <h2 className="mono" data-testid="pair-title">
        {pairLabel(pair, pair.repeat > 1)}
      </h2>
      {pair.title && <span className="pair-title-text">{pair.title}</span>}
      <span className="cat-chip">{pair.category}</span>
      {pair.tags.map((t) => (
        <span key={t} className="case-tag">
          {t}
        </span>
      ))}
      <div className="top-spacer" />
      {chain.length > 1 && (
        <nav className="turns" aria-label="Turns of this chain">
          {chain.map((p) => (
            <button
              key={p.key}
              type="button"
              className={`turn${p.key === pair.key ? ' active' : ''}`}
              aria-current={p.key === pair.key}
              title={p.prompt}
              onClick={() => onSelect(p.key)}
            >
              turn {p.turn}
            </button>
          ))}
          <span className="muted small-print">[ / ]</span>
        </nav>
      )}
    </header>
  );
}

/** Backend failures in words, per side (named by position in blind mode). */
function SideErrors({ pair, blind }: { pair: PairView; blind: boolean }) {
  const place = placement(pair, blind);
  const rows = (['left', 'right'] as const)
    .map((pos) => ({ pos, side: place[pos] }))
    .filter(({ side }) => pair[side].status === 'error' && pair[side].error);
  if (rows.length === 0) return null;
  return (
    <section className="inspector-section side-errors" data-testid="side-errors">
      {rows.map(({ pos, side }) => (
        <p key={pos} className="field-error" data-testid={`side-error-${pos}`}>
          <b>{blind ? (pos === 'left' ? 'Left' : 'Right') : side}</b>: {pair[side].error!.message}
        </p>
      ))}
    </section>
  );
}
