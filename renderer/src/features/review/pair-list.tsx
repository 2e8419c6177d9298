import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { PairView } from '../../../../shared/contract.ts';
import { allTagsOf } from '../../../../shared/model.ts';
import { placement, verdictLabel } from '../../lib/blind.ts';
import { formatDuration, formatPercent } from '../../../../shared/units.ts';
import { latestVerdict, pairLabel, pairStatus } from '../../lib/pair-utils.ts';
import { sortScore, type SortOrder } from '../../lib/sort.ts';
import { useApp } from '../../state/react.tsx';
import { reviewerOf } from '../../state/selectors.ts';

const ROW_HEIGHT = 44;

const CATEGORY_SHORT: Record<PairView['category'], string> = {
  'text-rendering': 'text',
  'style-transfer': 'style',
  'multi-turn': 'chain',
  edit: 'edit',
  generation: 'gen',
};

/** The pair list, virtualized: only the rows in view exist in the DOM, so thousands stay smooth. */
export function PairList() {
  const visibleKeys = useApp((s) => s.visibleKeys);
  const pairs = useApp((s) => s.pairs);
  const pairIndex = useApp((s) => s.pairIndex);
  const currentKey = useApp((s) => s.currentKey);
  const blind = useApp((s) => s.blind);
  const reviewer = useApp(reviewerOf);
  const select = useApp((s) => s.select);
  const loading = useApp((s) => s.pairsLoading);
  const error = useApp((s) => s.pairsError);
  const showRepeat = useApp((s) => s.pairs.some((p) => p.repeat > 1));
  const sort = useApp((s) => s.sort);
  const scrollRef = useRef<HTMLDivElement>(null);

  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions by design; this component does not memoize them.
  const virtualizer = useVirtualizer({
    count: visibleKeys.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (i) => visibleKeys[i] ?? i,
  });

  const currentIndex = currentKey === null ? -1 : visibleKeys.indexOf(currentKey);
  useEffect(() => {
    if (currentIndex >= 0) virtualizer.scrollToIndex(currentIndex, { align: 'auto' });
  }, [currentIndex, virtualizer]);

  if (error) return <p className="field-error list-message" role="alert">{error}</p>;
  if (loading && pairs.length === 0) return <p className="muted list-message">Loading pairs…</p>;
  if (visibleKeys.length === 0) {
    return (
      <p className="muted list-message" data-testid="pair-list-empty">
        {pairs.length === 0 ? 'This run has no pairs yet.' : 'No pair matches the filter.'}
      </p>
    );
  }

  return (
    <div
      ref={scrollRef}
      className="pair-list"
      data-testid="pair-list"
      role="listbox"
      aria-label="Pairs"
      aria-activedescendant={currentIndex >= 0 ? `pair-row-${currentIndex}` : undefined}
      tabIndex={0}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const key = visibleKeys[item.index]!;
          const pair = pairs[pairIndex.get(key)!]!;
          return (
            <PairRow
              key={item.key}
              id={`pair-row-${item.index}`}
              pair={pair}
              top={item.start}
              selected={key === currentKey}
              blind={blind}
              reviewer={reviewer}
              showRepeat={showRepeat}
              sort={sort}
              onSelect={select}
            />
          );
        })}
      </div>
    </div>
  );
}

interface RowProps {
  id: string;
  pair: PairView;
  top: number;
  selected: boolean;
  blind: boolean;
  reviewer: string | null;
  showRepeat: boolean;
  sort: SortOrder;
  onSelect: (key: string) => void;
}

/**
 * The score the list is sorted by, when the row does not show it already (Δ is always there): the worse side's
 * CER or the slower side's end-to-end time, side-neutral like the sort itself. Blind mode hides timings everywhere,
 * so the row leaves the time out there (the order stays: it names no side).
 */
function SortScore({ pair, sort }: { pair: PairView; sort: SortOrder }) {
  if (sort === 'text-error') {
    return (
      <span className="mono sort-score" data-testid="pair-row-score" title="CER of the worse side">
        CER {formatPercent(sortScore(pair, sort))}
      </span>
    );
  }
  if (sort === 'latency') {
    return (
      <span className="mono sort-score" data-testid="pair-row-score" title="End to end of the slower side">
        e2e {formatDuration(sortScore(pair, sort))}
      </span>
    );
  }
  return null;
}

const PairRow = memo(function PairRow({ id, pair, top, selected, blind, reviewer, showRepeat, sort, onSelect }: RowProps) {
  const status = pairStatus(pair);
  const verdict = latestVerdict(pair, reviewer);
  const { swapped } = placement(pair, blind);
  const ratio = pair.diff?.ratio ?? null;
  return (
    <div
      id={id}
      className={`pair-row${selected ? ' selected' : ''}`}
      role="option"
      aria-selected={selected}
      data-testid="pair-row"
      data-key={pair.key}
      data-status={status}
      data-verdict={verdict?.verdict ?? ''}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onClick={() => onSelect(pair.key)}
    >
      <div className="pair-row-line">
        <span className={`status-dot status-${status}`} title={status} aria-label={status} />
        <span className="pair-row-label mono">{pairLabel(pair, showRepeat)}</span>
        {verdict && <span className={`verdict-chip v-${verdict.verdict}`}>{verdictLabel(verdict.verdict, blind, swapped)}</span>}
      </div>
      <div className="pair-row-line sub">
        <span className="cat">{CATEGORY_SHORT[pair.category]}</span>
        {pair.diff?.sizeMismatch ? (
          <span className="warn">size ≠</span>
        ) : (
          ratio !== null && <span className={`mono ${ratio > 0.005 ? 'hot' : ''}`}>Δ {formatPercent(ratio)}</span>
        )}
        {sort === 'text-error' || (sort === 'latency' && !blind) ? (
          <SortScore pair={pair} sort={sort} />
        ) : (
          pair.diff?.ssim != null && <span className="mono">ssim {pair.diff.ssim.toFixed(3)}</span>
        )}
        {verdict && allTagsOf(verdict).length > 0 && <span className="tag-count" title={allTagsOf(verdict).join(', ')}>{allTagsOf(verdict).length} tag{allTagsOf(verdict).length > 1 ? 's' : ''}</span>}
      </div>
    </div>
  );
});
