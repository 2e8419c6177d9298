import type { BucketGroup } from '../../lib/buckets.ts';
import { hasToken } from '../../lib/filter.ts';
import { useApp } from '../../state/react.tsx';

/** The chip groups shown: blind mode leaves out the verdict chips, whose counts name the preferred side. */
export function bucketGroups(blind: boolean): ReadonlyArray<BucketGroup> {
  return blind ? ['status', 'tag'] : ['status', 'verdict', 'tag'];
}

/**
 * Status, verdict and tag buckets with counts; a chip toggles its token in the filter. Blind mode hides the verdict
 * chips: their counts ("A better 12 · B better 3") are the shares the blind reviewer must not see.
 */
export function BucketBar() {
  const buckets = useApp((s) => s.buckets);
  const blind = useApp((s) => s.blind);
  const filterText = useApp((s) => s.filterText);
  const toggleBucket = useApp((s) => s.toggleBucket);
  const groups = bucketGroups(blind);
  return (
    <div className="bucket-bar" aria-label="Buckets">
      {groups.map((group) => {
        const items = buckets.filter((b) => b.group === group && (group === 'status' || b.count > 0));
        if (items.length === 0) return null;
        return (
          <div key={group} className={`bucket-group bucket-${group}`}>
            {items.map((b) => {
              const active = b.token === '' ? !buckets.some((o) => o.group === 'status' && o.token !== '' && hasToken(filterText, o.token)) : hasToken(filterText, b.token);
              return (
                <button
                  key={b.name}
                  type="button"
                  className={`chip${active ? ' active' : ''}${b.name === 'errors' && b.count > 0 ? ' chip-err' : ''}`}
                  data-testid={`bucket-${b.name}`}
                  data-count={b.count}
                  aria-pressed={active}
                  title={b.token === '' ? 'Show every pair' : `Filter: ${b.token}`}
                  onClick={() => toggleBucket(b.name)}
                >
                  <span>{b.label}</span>
                  <span className="chip-count mono">{b.count}</span>
                </button>
              );
            })}
          </div>
        );
      })}
    </div>
  );
}
