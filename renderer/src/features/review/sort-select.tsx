import { isSortOrder, SORT_LABELS, SORT_ORDERS } from '../../lib/sort.ts';
import { useApp } from '../../state/react.tsx';

/** The list's order (`S` cycles it): suite order or worst first by a score, read side-neutrally (lib/sort.ts). */
export function SortSelect() {
  const sort = useApp((s) => s.sort);
  const setSort = useApp((s) => s.setSort);
  return (
    <label className="sort-bar">
      <span className="sort-label">Sort</span>
      <select
        data-testid="review-sort"
        value={sort}
        title="Order of the list; j / k follow it. S cycles the orders."
        onChange={(e) => {
          if (isSortOrder(e.target.value)) setSort(e.target.value);
          // Hand the keys back to the page: a focused select would swallow j / k (lib/keys.ts).
          e.currentTarget.blur();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') e.currentTarget.blur();
        }}
      >
        {SORT_ORDERS.map((order) => (
          <option key={order} value={order}>
            {SORT_LABELS[order]}
          </option>
        ))}
      </select>
    </label>
  );
}
